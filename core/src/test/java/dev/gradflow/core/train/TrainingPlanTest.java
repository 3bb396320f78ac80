package dev.gradflow.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gradflow.core.graph.DefinitionException;
import org.junit.jupiter.api.Test;

class TrainingPlanTest {
    @Test
    void eachOutOfRangeFieldIsNamedWithItsRange() {
        assertThatThrownBy(() -> new TrainingPlan(0, 1, false, 0, 1)).isInstanceOf(DefinitionException.class)
                .hasMessage("training.batchSize: must be between 1 and 1048576, got 0");
        assertThatThrownBy(() -> new TrainingPlan(1, 0, false, 0, 1))
                .hasMessage("training.epochs: must be between 1 and 1000000, got 0");
        assertThatThrownBy(() -> new TrainingPlan(1, 1, true, -1, 1))
                .hasMessage("training.shuffleSeed: must be between 0 and 4294967295, got -1");
        assertThatThrownBy(() -> new TrainingPlan(1, 1, true, 1L << 32, 1))
                .hasMessage("training.shuffleSeed: must be between 0 and 4294967295, got 4294967296");
        assertThatThrownBy(() -> new TrainingPlan(1, 1, false, 0, 0))
                .hasMessage("training.accumulate: must be between 1 and 65536, got 0");
    }

    @Test
    void aBatchLargerThanTheDataSetIsRejectedWithTheDataSetsSize() {
        TrainingPlan plan = TrainingPlan.inOrder(301, 1);
        assertThatThrownBy(() -> new BatchSchedule(plan, 300)).isInstanceOf(DefinitionException.class)
                .hasMessage("training.batchSize: must be between 1 and 300, got 301");
        assertThat(new BatchSchedule(TrainingPlan.inOrder(300, 1), 300).batchesPerEpoch()).isEqualTo(1);
    }
}

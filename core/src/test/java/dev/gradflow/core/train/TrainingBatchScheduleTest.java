package dev.gradflow.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainingBatchScheduleTest {
    @ParameterizedTest
    @CsvSource({"300, 64, 1", "300, 300, 1", "300, 7, 3", "10, 3, 2", "1, 1, 1"})
    void everyEpochCoversEveryRowExactlyOnceInBatchesOfTheBatchSize(int samples, int batchSize, int accumulate) {
        BatchSchedule schedule = new BatchSchedule(new TrainingPlan(batchSize, 3, true, 11, accumulate), samples);
        assertThat(schedule.batchesPerEpoch()).isEqualTo((samples + batchSize - 1) / batchSize);
        for (int epoch = 0; epoch < 3; epoch++) {
            List<Integer> seen = new ArrayList<>();
            for (int b = 0; b < schedule.batchesPerEpoch(); b++) {
                int[] rows = schedule.batch(epoch, b);
                int expected = b < schedule.batchesPerEpoch() - 1 ? batchSize : samples - b * batchSize;
                assertThat(rows).as("epoch %d batch %d", epoch, b).hasSize(expected);
                Arrays.stream(rows).forEach(seen::add);
            }
            assertThat(seen).containsExactlyInAnyOrderElementsOf(IntStream.range(0, samples).boxed().toList());
            assertThat(seen).containsExactlyElementsOf(Arrays.stream(schedule.order(epoch)).boxed().toList());
        }
    }

    @Test
    void stepsGroupAccumulatedBatchesWithinAnEpoch() {
        // 10 rows in batches of 3: batches of 3, 3, 3, 1; with K = 3 the steps take batches {0, 1, 2} and {3}.
        BatchSchedule schedule = new BatchSchedule(new TrainingPlan(3, 1, false, 0, 3), 10);
        assertThat(schedule.stepsPerEpoch()).isEqualTo(2);
        assertThat(schedule.firstBatchOfStep(0)).isZero();
        assertThat(schedule.endBatchOfStep(0)).isEqualTo(3);
        assertThat(schedule.firstBatchOfStep(1)).isEqualTo(3);
        assertThat(schedule.endBatchOfStep(1)).isEqualTo(4);
        assertThat(schedule.batch(0, 3)).containsExactly(9);
    }

    @Test
    void withoutShuffleEveryEpochIsRowOrder() {
        BatchSchedule schedule = new BatchSchedule(TrainingPlan.inOrder(4, 2), 10);
        assertThat(schedule.order(1)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(schedule.batch(1, 2)).containsExactly(8, 9);
    }

    @Test
    void shuffleChangesTheOrderPerEpochAndIsAFunctionOfSeedAndEpochAlone() {
        BatchSchedule schedule = new BatchSchedule(new TrainingPlan(50, 4, true, 5, 1), 300);
        int[] first = schedule.order(0);
        int[] second = schedule.order(1);
        assertThat(first).isNotEqualTo(second).isNotEqualTo(IntStream.range(0, 300).toArray());
        assertThat(Arrays.stream(second).sorted().toArray()).isEqualTo(IntStream.range(0, 300).toArray());
        // A fresh schedule, asked for epoch 1 first, computes the same permutation: no hidden generator state.
        assertThat(new BatchSchedule(new TrainingPlan(50, 4, true, 5, 1), 300).order(1)).isEqualTo(second);
        // Seed 6 epoch 0 is not seed 5 epoch 1, as it would be with seed + epoch.
        assertThat(new BatchSchedule(new TrainingPlan(50, 4, true, 6, 1), 300).order(0)).isNotEqualTo(second);
    }

    /**
     * Expected values printed by NumPy 2.4.6:
     * {@code np.random.RandomState((seed + epoch * 0x9E3779B9) % 2**32).permutation(n)}.
     */
    @Test
    void shuffledOrderIsNumpysLegacyPermutation() {
        assertThat(new BatchSchedule(new TrainingPlan(3, 1, true, 0, 1), 10).order(0))
                .containsExactly(2, 8, 4, 9, 1, 6, 7, 3, 0, 5);
        assertThat(new BatchSchedule(new TrainingPlan(3, 4, true, 42, 1), 10).order(3))
                .containsExactly(3, 2, 8, 7, 4, 6, 5, 0, 9, 1);
        assertThat(BatchSchedule.epochSeed(42, 3)).isEqualTo(3_668_340_053L);
        assertThat(Arrays.copyOf(new BatchSchedule(new TrainingPlan(3, 2, true, 7, 1), 300).order(1), 12))
                .containsExactly(298, 47, 62, 237, 102, 64, 97, 127, 165, 60, 201, 220);
    }
}

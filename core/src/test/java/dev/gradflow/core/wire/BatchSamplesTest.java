package dev.gradflow.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How many samples a batch holds, as the samples metric counts them. */
class BatchSamplesTest {

    @Test
    void theChaptersNeuronWithOneInputVectorIsOneSample() {
        assertThat(new BatchRecord("b", "n", Map.of("x", Tensor.vector(1, -2, 3))).samples()).isOne();
    }

    @Test
    void scalarsAreOneSample() {
        assertThat(new BatchRecord("b", "n", Map.of("x", Tensor.scalar(2), "y", Tensor.scalar(3))).samples()).isOne();
    }

    @Test
    void aMatrixHoldsOneSamplePerRowWhateverItsTargetsLookLike() {
        Tensor inputs = Tensor.matrix(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        assertThat(new BatchRecord("b", "n", Map.of("x", inputs, "y", Tensor.vector(0, 1, 1))).samples()).isEqualTo(3);
    }
}

package dev.gradflow.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainingFullGradientTest {
    private static final TrainingFixtures SPIRAL = TrainingFixtures.spiral();

    /**
     * Batch sizes that divide 300 and ones that do not (7, 64, 299 leave batches of 6, 44 and 1 rows). The
     * parameters are taken after a few Adam steps, so that the gradient is not the near-symmetric one of the
     * initial weights.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 50, 64, 150, 299})
    void batchedGradientEqualsTheGradientOfOneBatchOfEveryRow(int batchSize) {
        var parameters = TrainingLoop.run(SPIRAL.network, SPIRAL.initialParameters, SPIRAL.data,
                TrainingPlan.inOrder(300, 5), new Adam(0.05, 5e-7, 1e-7, 0.9, 0.999)).parameters();
        FullGradient whole = FullGradient.of(SPIRAL.network, parameters, SPIRAL.data, 300);
        FullGradient batched = FullGradient.of(SPIRAL.network, parameters, SPIRAL.data, batchSize);
        assertThat(batched.loss()).isCloseTo(whole.loss(), Offset.offset(1e-12 * whole.loss()));
        TrainingFixtures.assertClose(batched.gradients(), whole.gradients(), 1e-12);
    }

    /**
     * A full-batch step's gradient is the full gradient: one step of SGD with learning rate 1 moves the parameters
     * by exactly minus it, and the first epoch's loss is its loss.
     */
    @Test
    void aFullBatchStepUsesTheFullGradient() {
        FullGradient gradient = FullGradient.of(SPIRAL.network, SPIRAL.initialParameters, SPIRAL.data, 300);
        TrainingResult step = TrainingLoop.run(SPIRAL.network, SPIRAL.initialParameters, SPIRAL.data,
                TrainingPlan.inOrder(300, 1), new Sgd(1.0, 0, 0));
        assertThat(step.lastEpoch().meanLoss()).isEqualTo(gradient.loss());
        SPIRAL.initialParameters.forEach((name, before) -> {
            double[] w = before.toDoubleArray();
            double[] g = gradient.gradients().get(name).toDoubleArray();
            double[] after = step.parameters().get(name).toDoubleArray();
            for (int i = 0; i < w.length; i++) {
                assertThat(after[i]).as("%s[%d]", name, i).isEqualTo(w[i] + -1.0 * g[i]);
            }
        });
    }
}

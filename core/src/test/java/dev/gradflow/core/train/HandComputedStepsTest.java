package dev.gradflow.core.train;

import static dev.gradflow.core.train.Steps.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two steps of each optimizer on the 2-element parameter w = [1, −2], every value worked out by hand below from the
 * book's formulas (chapter 10). Hyperparameters are chosen so the arithmetic comes out in small fractions, and
 * decay = 1 (or 0.5) so that the second step also checks the decayed learning rate and, for Adam, the bias
 * correction of the second step. The first step uses iterations = 0, the second iterations = 1.
 */
class HandComputedStepsTest {
    private static final Tensor W = Tensor.vector(1, -2);

    @Test
    void sgdWithoutMomentum() {
        // lr = 0.1, decay = 0.5; g1 = [0.5, −1], g2 = [0.25, 2].
        // Step 1: current lr = 0.1·(1/(1 + 0.5·0)) = 0.1.
        //   w1 = w − 0.1·g1 = [1 − 0.05, −2 + 0.1] = [0.95, −1.9]
        // Step 2: current lr = 0.1·(1/(1 + 0.5·1)) = 1/15.
        //   w2 = w1 − g2/15 = [0.95 − 1/60, −1.9 − 2/15] = [56/60, −61/30] = [14/15, −61/30]
        List<StepResult> steps = Steps.run(new Sgd(0.1, 0.5, 0), W, Tensor.vector(0.5, -1), Tensor.vector(0.25, 2));

        assertClose(steps.get(0).parameters().get("w"), 0.95, -1.9);
        assertClose(steps.get(1).parameters().get("w"), 14.0 / 15, -61.0 / 30);
        // Without momentum the book keeps no arrays, so the state is the step count alone.
        assertThat(steps.get(1).state().slots()).isEmpty();
        assertThat(steps.get(1).state().iterations()).isEqualTo(2);
    }

    @Test
    void sgdWithMomentum() {
        // lr = 0.1, decay = 0, momentum = 0.9; g1 = [0.5, −1], g2 = [0.25, 2].
        // Step 1: m1 = 0.9·0 − 0.1·g1 = [−0.05, 0.1]; w1 = w + m1 = [0.95, −1.9]
        // Step 2: m2 = 0.9·m1 − 0.1·g2 = [−0.045 − 0.025, 0.09 − 0.2] = [−0.07, −0.11]
        //         w2 = w1 + m2 = [0.88, −2.01]
        List<StepResult> steps = Steps.run(new Sgd(0.1, 0, 0.9), W, Tensor.vector(0.5, -1), Tensor.vector(0.25, 2));

        assertClose(steps.get(0).parameters().get("w"), 0.95, -1.9);
        assertClose(steps.get(0).state().slots().get("w").get("momentums"), -0.05, 0.1);
        assertClose(steps.get(1).parameters().get("w"), 0.88, -2.01);
        assertClose(steps.get(1).state().slots().get("w").get("momentums"), -0.07, -0.11);
    }

    @Test
    void adagrad() {
        // lr = 0.5, decay = 1, epsilon = 0.5; g1 = [0.3, −0.5], g2 = [0.4, 1.2] (3-4-5 and 5-12-13 triangles).
        // Step 1: current lr = 0.5. cache1 = g1² = [0.09, 0.25]; √cache1 + ε = [0.8, 1.0]
        //   w1 = w − 0.5·g1/[0.8, 1.0] = [1 − 0.1875, −2 + 0.25] = [0.8125, −1.75]
        // Step 2: current lr = 0.5·(1/(1 + 1·1)) = 0.25. cache2 = cache1 + g2² = [0.25, 1.69]; √ + ε = [1.0, 1.8]
        //   w2 = w1 − 0.25·g2/[1.0, 1.8] = [0.8125 − 0.1, −1.75 − 1/6] = [0.7125, −23/12]
        List<StepResult> steps = Steps.run(new Adagrad(0.5, 1, 0.5), W, Tensor.vector(0.3, -0.5),
                Tensor.vector(0.4, 1.2));

        assertClose(steps.get(0).parameters().get("w"), 0.8125, -1.75);
        assertClose(steps.get(0).state().slots().get("w").get("cache"), 0.09, 0.25);
        assertClose(steps.get(1).parameters().get("w"), 0.7125, -23.0 / 12);
        assertClose(steps.get(1).state().slots().get("w").get("cache"), 0.25, 1.69);
    }

    @Test
    void rmsprop() {
        // lr = 0.5, decay = 1, epsilon = 0.5, rho = 0.75; g1 = [2, −4], g2 = [−2.75, 5.5].
        // Step 1: current lr = 0.5. cache1 = 0.75·0 + 0.25·g1² = [1, 4]; √cache1 + ε = [1.5, 2.5]
        //   w1 = w − 0.5·g1/[1.5, 2.5] = [1 − 2/3, −2 + 0.8] = [1/3, −1.2]
        // Step 2: current lr = 0.25. cache2 = 0.75·[1, 4] + 0.25·[7.5625, 30.25] = [2.640625, 10.5625]
        //   = [(13/8)², (13/4)²]; √cache2 + ε = [2.125, 3.75]
        //   w2 = w1 − 0.25·g2/[2.125, 3.75] = [1/3 + 0.6875/2.125, −1.2 − 1.375/3.75] = [1/3 + 11/34, −1.2 − 11/30]
        //      = [67/102, −47/30]
        List<StepResult> steps = Steps.run(new RmsProp(0.5, 1, 0.5, 0.75), W, Tensor.vector(2, -4),
                Tensor.vector(-2.75, 5.5));

        assertClose(steps.get(0).parameters().get("w"), 1.0 / 3, -1.2);
        assertClose(steps.get(0).state().slots().get("w").get("cache"), 1, 4);
        assertClose(steps.get(1).parameters().get("w"), 67.0 / 102, -47.0 / 30);
        assertClose(steps.get(1).state().slots().get("w").get("cache"), 2.640625, 10.5625);
    }

    @Test
    void adam() {
        // lr = 0.5, decay = 1, epsilon = 0.5, beta1 = 0.5, beta2 = 0.75; g1 = [2, −4], g2 = [2, 4].
        // Step 1 (iterations 0, current lr 0.5, corrections 1 − 0.5¹ = 0.5 and 1 − 0.75¹ = 0.25):
        //   m1 = 0.5·0 + 0.5·g1 = [1, −2];           m̂1 = m1/0.5 = [2, −4]
        //   c1 = 0.75·0 + 0.25·g1² = [1, 4];          ĉ1 = c1/0.25 = [4, 16]; √ĉ1 + ε = [2.5, 4.5]
        //   w1 = w − 0.5·m̂1/[2.5, 4.5] = [1 − 0.4, −2 + 4/9] = [0.6, −14/9]
        // Step 2 (iterations 1, current lr 0.5/(1 + 1) = 0.25, corrections 1 − 0.5² = 0.75 and
        //   1 − 0.75² = 0.4375):
        //   m2 = 0.5·[1, −2] + 0.5·[2, 4] = [1.5, 1];  m̂2 = m2/0.75 = [2, 4/3]
        //   c2 = 0.75·[1, 4] + 0.25·[4, 16] = [1.75, 7]; ĉ2 = c2/0.4375 = [4, 16]; √ĉ2 + ε = [2.5, 4.5]
        //   w2 = w1 − 0.25·m̂2/[2.5, 4.5] = [0.6 − 0.2, −14/9 − 2/27] = [0.4, −44/27]
        List<StepResult> steps = Steps.run(new Adam(0.5, 1, 0.5, 0.5, 0.75), W, Tensor.vector(2, -4),
                Tensor.vector(2, 4));

        assertClose(steps.get(0).parameters().get("w"), 0.6, -14.0 / 9);
        assertClose(steps.get(0).state().slots().get("w").get("momentums"), 1, -2);
        assertClose(steps.get(0).state().slots().get("w").get("cache"), 1, 4);
        assertClose(steps.get(1).parameters().get("w"), 0.4, -44.0 / 27);
        assertClose(steps.get(1).state().slots().get("w").get("momentums"), 1.5, 1);
        assertClose(steps.get(1).state().slots().get("w").get("cache"), 1.75, 7);
    }

    @Test
    void adamWithTheBooksDefaultsFirstMovesEveryElementByAlmostExactlyTheLearningRate() {
        // lr = 0.001, epsilon = 1e-7, beta1 = 0.9, beta2 = 0.999; g = [0.5, −1].
        // m1 = (1 − 0.9)·g = [0.05, −0.1]. At the first step the bias correction undoes the averaging exactly:
        // m̂ = m1/(1 − 0.9) = g and ĉ = g², so
        //   Δ = −0.001·g/(|g| + 1e-7) = −0.001·sign(g)/(1 + 1e-7/|g|)
        //   Δ0 = −0.001/(1 + 2e-7) = −0.001 + 2e-10 − 4e-17 + …;  Δ1 = +0.001/(1 + 1e-7) = 0.001 − 1e-10 + 1e-17 − …
        //   w1 = [0.999 + 2e-10 − 4e-17, −1.999 − 1e-10 + 1e-17] = [0.99900000019999996, −1.99900000009999999]
        List<StepResult> steps = Steps.run(new Adam(), W, Tensor.vector(0.5, -1));

        assertClose(steps.get(0).parameters().get("w"), 0.99900000019999996, -1.99900000009999999);
        assertClose(steps.get(0).state().slots().get("w").get("momentums"), 0.05, -0.1);
    }
}

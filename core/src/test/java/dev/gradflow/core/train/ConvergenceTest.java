package dev.gradflow.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer minimises f(w) = Σ (w − t)², whose gradient is 2(w − t), and the loss after a fixed number of
 * steps is compared with a bound derived below from the update rule alone. Every bound is far below the starting
 * loss (12), so a step that does nothing, climbs, or diverges fails.
 *
 * <p>Every element starts at the same distance E = 2 from its target (w₀ = [1, 1, 2.5], t = [3, −1, 0.5]), and
 * elements do not interact, so one scalar recurrence bounds them all: loss ≤ 3·B², with B a bound on |e| = |w − t|.
 * With g = 2e, each optimizer's step is e ← e − Δ with Δ = d·g = 2d·e for a factor d > 0 it computes.
 */
class ConvergenceTest {
    private static final Tensor TARGET = Tensor.vector(3, -1, 0.5);
    private static final Tensor START = Tensor.vector(1, 1, 2.5);
    private static final double E = 2;
    private static final double START_LOSS = 3 * E * E;

    /** The loss after {@code steps} steps from {@link #START}. */
    private static double lossAfter(Optimizer optimizer, int steps) {
        Map<String, Tensor> parameters = Steps.one("w", START);
        OptimizerState state = OptimizerState.initial();
        for (int k = 0; k < steps; k++) {
            double[] w = parameters.get("w").doubles();
            double[] gradient = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                gradient[i] = 2 * (w[i] - TARGET.doubles()[i]);
            }
            StepResult result = optimizer.step(parameters, Steps.one("w", Tensor.vector(gradient)), state);
            parameters = result.parameters();
            state = result.state();
        }
        double loss = 0;
        double[] w = parameters.get("w").doubles();
        for (int i = 0; i < w.length; i++) {
            loss += (w[i] - TARGET.doubles()[i]) * (w[i] - TARGET.doubles()[i]);
        }
        return loss;
    }

    private static void assertBelow(Optimizer optimizer, int steps, double bound) {
        double loss = lossAfter(optimizer, steps);
        System.out.printf("%-60s %4d steps: loss %.3e, bound %.3e (start %.0f)%n", optimizer, steps, loss, bound,
                START_LOSS);
        assertThat(bound).as("a bound that a no-op step would meet proves nothing").isLessThan(START_LOSS / 100);
        assertThat(loss).as("%s after %d steps", optimizer, steps).isLessThanOrEqualTo(bound);
    }

    @Test
    void sgd() {
        // d = η, so e ← (1 − 2η)·e exactly: with η = 0.25, e halves at every step and loss_K = 4^−K·loss₀. The
        // values are dyadic (3 − 2^(1−k) and so on), so float64 computes this without rounding.
        double eta = 0.25;
        int steps = 30;
        assertBelow(new Sgd(eta, 0, 0), steps, START_LOSS * Math.pow(1 - 2 * eta, 2 * steps));
    }

    @Test
    void sgdWithMomentum() {
        // m ← μm − η·2e, e ← e + m, so (e, m) ← M·(e, m) with M = [[1 − 2η, μ], [−2η, μ]]. With η = 0.25 and
        // μ = 0.5, M = [[½, ½], [−½, ½]] = 2^−½ × a rotation by 45°: |(e, m)| shrinks by exactly 2^−½ per step,
        // and m starts at 0, so |e_K| ≤ 2^−K/2·|e₀| and loss_K ≤ 2^−K·loss₀.
        int steps = 25;
        assertBelow(new Sgd(0.25, 0, 0.5), steps, START_LOSS * Math.pow(2, -steps));
    }

    @Test
    void adagradWithTheBooksDefaults() {
        // d_k = η/(√c_k + ε) with c_k = Σ_{i≤k} g_i². Since c_k ≥ g₀² = 4E², d_k ≤ η/(2E) ≤ ½ when η ≤ E (η = 1,
        // E = 2), so 0 ≤ 1 − 2d_k < 1: |e| never grows and never changes sign. Then every g_i² ≤ 4E², so
        // c_k ≤ 4E²(k + 1) and d_k ≥ η/(2E√(k + 1) + ε): |e_K| ≤ E·Π_{k<K} (1 − 2η/(2E√(k + 1) + ε)).
        Adagrad adagrad = new Adagrad();
        int steps = 200;
        double b = E;
        for (int k = 0; k < steps; k++) {
            b *= 1 - 2 * adagrad.learningRate() / (2 * E * Math.sqrt(k + 1) + adagrad.epsilon());
        }
        assertBelow(adagrad, steps, 3 * b * b);
    }

    @Test
    void rmspropWithDecay() {
        // d_k = η_k/(√c_k + ε) with η_k = η/(1 + decay·k) and c_k = (1 − ρ)·Σ_{i≤k} ρ^(k−i)·g_i², an average of
        // past g² with weights summing to less than 1. While every |e_i| ≤ E, c_k ≤ 4E², so d_k ≥ η_k/(2E + ε).
        // And c_k ≥ (1 − ρ)·g_k², so |Δ_k| = η_k·|g_k|/(√c_k + ε) ≤ η_k/√(1 − ρ) =: cap_k. The step points
        // downhill, so either it stops short, |e_{k+1}| = (1 − 2d_k)|e_k| ≤ (1 − 2η_k/(2E + ε))·|e_k|, or it
        // overshoots, |e_{k+1}| = |Δ_k| − |e_k| < cap_k. Hence |e_k| ≤ B_k with B₀ = E and
        // B_{k+1} = max(B_k·(1 − 2η_k/(2E + ε)), cap_k); cap_k ≤ E keeps every |e_i| ≤ E as assumed.
        double eta = 0.5;
        double decay = 0.05;
        RmsProp rmsprop = new RmsProp(eta, decay, RmsProp.DEFAULT_EPSILON, RmsProp.DEFAULT_RHO);
        int steps = 300;
        double b = E;
        for (int k = 0; k < steps; k++) {
            double etaK = eta / (1 + decay * k);
            double cap = etaK / Math.sqrt(1 - rmsprop.rho());
            assertThat(cap).as("the derivation needs cap_k ≤ E").isLessThanOrEqualTo(E);
            b = Math.max(b * (1 - 2 * etaK / (2 * E + rmsprop.epsilon())), cap);
        }
        assertBelow(rmsprop, steps, 3 * b * b);
    }

    @Test
    void adamWithDecayWithoutFirstMoment() {
        // beta1 = 0 makes m̂ = g, so every step points downhill, which the argument for RMSprop needs (with momentum
        // a step can point uphill; the momentum terms are pinned by HandComputedStepsTest instead). Then
        // ĉ_k = c_k/(1 − β₂^(k+1)) is an average of g_0² … g_k² with weights summing to 1, so ĉ_k ≤ 4E² and
        // d_k ≥ η_k/(2E + ε); and ĉ_k ≥ (1 − β₂)·g_k²/(1 − β₂^(k+1)), so |Δ_k| ≤ η_k·√((1 − β₂^(k+1))/(1 − β₂))
        // =: cap_k. The same recurrence as for RMSprop bounds |e|.
        double eta = 0.5;
        double decay = 0.05;
        double beta2 = 0.99;
        Adam adam = new Adam(eta, decay, Adam.DEFAULT_EPSILON, 0, beta2);
        int steps = 2000;
        double b = E;
        for (int k = 0; k < steps; k++) {
            double etaK = eta / (1 + decay * k);
            double cap = etaK * Math.sqrt((1 - Math.pow(beta2, k + 1)) / (1 - beta2));
            assertThat(cap).as("the derivation needs cap_k ≤ E").isLessThanOrEqualTo(E);
            b = Math.max(b * (1 - 2 * etaK / (2 * E + adam.epsilon())), cap);
        }
        assertBelow(adam, steps, 3 * b * b);
    }
}

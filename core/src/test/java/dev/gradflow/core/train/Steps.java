package dev.gradflow.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers for the optimizer tests: one-parameter steps and a relative comparison. */
final class Steps {
    /** float64 results must match hand-computed values to this relative error: a few roundings of 1.1e-16. */
    static final double HAND_TOLERANCE = 1e-15;

    private Steps() {
    }

    static Map<String, Tensor> one(String name, Tensor value) {
        Map<String, Tensor> map = new LinkedHashMap<>();
        map.put(name, value);
        return map;
    }

    /** Steps one parameter {@code w} through the gradients in order, returning every intermediate result. */
    static List<StepResult> run(Optimizer optimizer, Tensor w, Tensor... gradients) {
        List<StepResult> results = new java.util.ArrayList<>();
        Map<String, Tensor> parameters = one("w", w);
        OptimizerState state = OptimizerState.initial();
        for (Tensor gradient : gradients) {
            StepResult result = optimizer.step(parameters, one("w", gradient), state);
            results.add(result);
            parameters = result.parameters();
            state = result.state();
        }
        return results;
    }

    /** Every element within {@link #HAND_TOLERANCE} of the expected value, relative to it. */
    static void assertClose(Tensor actual, double... expected) {
        double[] values = actual.toDoubleArray();
        assertThat(values).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs(values[i] - expected[i]))
                    .as("element %d: %s against %s", i, values[i], expected[i])
                    .isLessThanOrEqualTo(HAND_TOLERANCE * Math.abs(expected[i]));
        }
    }
}

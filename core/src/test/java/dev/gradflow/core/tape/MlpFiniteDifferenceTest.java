package dev.gradflow.core.tape;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.testing.Engine;
import dev.gradflow.core.testing.FiniteDifferences;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Dense → ReLU → Dense → softmax-cross-entropy on a batch: every element of every parameter's gradient, and of the
 * input gradient, matches central finite differences in float64 within a relative error of 1e-6.
 */
class MlpFiniteDifferenceTest {
    private static final double STEP = 1e-5;
    private static final double TOLERANCE = 1e-6;
    private static final double FLOOR = 1e-7;

    static String network(long seed) {
        return """
                {"kind": "layers", "dtype": "float64", "inputSize": 5, "seed": %d,
                 "layers": [
                   {"type": "dense", "name": "dense1", "units": 7, "activation": "relu"},
                   {"type": "dense", "name": "dense2", "units": 4}],
                 "loss": "softmax-cross-entropy"}""".formatted(seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42})
    void everyGradientMatchesCentralDifferences(long seed) {
        CompiledGraph graph = Engine.compile(network(seed));
        SplittableRandom random = new SplittableRandom(seed * 31);
        int batch = 6;
        double[] x = new double[batch * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble(-2, 2);
        }
        double[] y = new double[batch];
        for (int i = 0; i < batch; i++) {
            y[i] = random.nextInt(4);
        }
        Map<String, Tensor> feeds = Map.of("x", Tensor.of(new int[] {batch, 5}, x), "y", Tensor.vector(y));

        GradientSet analytic = BackwardPass.run(ForwardPass.record(graph, feeds));

        assertThat(analytic.parameters()).containsOnlyKeys("dense1.weights", "dense1.biases", "dense2.weights",
                "dense2.biases");
        for (var entry : analytic.parameters().entrySet()) {
            Tensor numeric = FiniteDifferences.ofParameter(graph, feeds, entry.getKey(), STEP);
            double error = FiniteDifferences.maxRelativeError(entry.getValue(), numeric, FLOOR);
            System.out.printf("seed %d %-15s worst relative error %.2e%n", seed, entry.getKey(), error);
            assertThat(error)
                    .as("relative error of %s", entry.getKey())
                    .isLessThan(TOLERANCE);
        }
        Tensor numericInput = FiniteDifferences.ofInput(graph, feeds, "x", STEP);
        assertThat(FiniteDifferences.maxRelativeError(analytic.inputs().get("x"), numericInput, FLOOR))
                .isLessThan(TOLERANCE);
        assertThat(analytic.inputs()).containsOnlyKeys("x");
    }
}

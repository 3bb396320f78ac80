package dev.gradflow.core.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.testing.Engine;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

public class GradientCheckTest {

    public static String network(String dtype) {
        return """
                {"kind": "layers", "dtype": "%s", "inputSize": 6, "seed": 3,
                 "layers": [
                   {"type": "dense", "units": 5, "activation": "tanh", "weightRegularizerL2": 0.01},
                   {"type": "dropout", "rate": 0.2},
                   {"type": "dense", "units": 4, "activation": "sigmoid", "biasRegularizerL1": 0.001},
                   {"type": "dense", "units": 3},
                   {"type": "softmax"}],
                 "loss": "categorical-cross-entropy"}""".formatted(dtype);
    }

    private static Map<String, Tensor> batch(DType dtype) {
        SplittableRandom random = new SplittableRandom(1);
        double[] x = new double[8 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble(-1, 1);
        }
        return Map.of("x", Tensor.of(dtype, new int[] {8, 6}, x),
                "y", Tensor.of(dtype, new int[] {8}, new double[] {0, 1, 2, 0, 1, 2, 2, 1}));
    }

    @ParameterizedTest
    @ValueSource(strings = {"float64", "float32"})
    void theEngineAgreesWithFiniteDifferencesWithinItsPromise(String dtype) {
        CompiledGraph graph = Engine.compile(network(dtype));
        GradientCheck.Report report = GradientCheck.run(graph, batch(graph.dtype()), 99,
                new GradientCheck.Options(1000, 1e-5, 1e-4));

        assertThat(report.parameters()).containsOnlyKeys("dense1.weights", "dense1.biases", "dense2.weights",
                "dense2.biases", "dense3.weights", "dense3.biases");
        assertThat(report.inputs()).containsOnlyKeys("x");
        assertThat(report.parameters().get("dense1.weights").checkedElements()).isEqualTo(30);
        assertThat(report.tolerance()).isEqualTo(dtype.equals("float64") ? 1e-6 : 1e-3);
        assertThat(report.passed()).as("worst relative error %s", report.worstRelativeError()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 17})
    void largeTensorsAreSampledReproducibly(int max) {
        CompiledGraph graph = Engine.compile(network("float64"));
        GradientCheck.Options options = new GradientCheck.Options(max, 1e-5, 1e-4);
        GradientCheck.Report first = GradientCheck.run(graph, batch(DType.FLOAT64), 7, options);
        GradientCheck.Report second = GradientCheck.run(graph, batch(DType.FLOAT64), 7, options);

        assertThat(first.parameters().get("dense1.weights").checkedElements()).isEqualTo(max);
        assertThat(first.parameters().get("dense1.weights").totalElements()).isEqualTo(30);
        assertThat(first).isEqualTo(second);
    }

    @Test
    void theStencilIsExactOnQuarticsAndFourthOrderOtherwise() {
        // Five points fit a polynomial of degree four exactly: d/dx (1 + x)⁴ at 0 is 4, and of x⁴ − 3x³ + x is 1.
        assertThat(GradientCheck.centralDifference(x -> Math.pow(1 + x, 4), 1e-3)).isCloseTo(4, within(1e-11));
        assertThat(GradientCheck.centralDifference(x -> x * x * x * x - 3 * x * x * x + x, 0.1))
                .isCloseTo(1, within(1e-14));
        // exp: the stencil falls short by about h⁴/30 · exp⁽⁵⁾(0) = h⁴/30, so halving h divides the error by 16.
        double coarse = GradientCheck.centralDifference(Math::exp, 0.1) - 1;
        double fine = GradientCheck.centralDifference(Math::exp, 0.05) - 1;
        assertThat(coarse).isCloseTo(-1e-4 / 30, within(2e-7));
        assertThat(coarse / fine).isCloseTo(16, within(0.2));
    }

    @Test
    void relativeErrorsOfSmallGradientsAreTakenAtTheFloorsScale() {
        assertThat(GradientCheck.relativeError(2, 1, 1e-4)).isEqualTo(0.5);
        assertThat(GradientCheck.relativeError(-1, 1, 1e-4)).isEqualTo(2);
        assertThat(GradientCheck.relativeError(1e-9, 0, 1e-4)).isCloseTo(1e-5, within(1e-20));
        assertThat(GradientCheck.relativeError(0, 0, 0)).isNaN();
        assertThat(GradientCheck.relativeError(0, 0, 1e-4)).isZero();
        assertThat(GradientCheck.relativeError(1, Double.NaN, 1e-4)).isNaN();
    }
}

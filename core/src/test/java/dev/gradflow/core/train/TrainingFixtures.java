package dev.gradflow.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.data.LabelledData;
import dev.gradflow.core.data.LegacyRandom;
import dev.gradflow.core.data.NnfsDatasets;
import dev.gradflow.core.data.NnfsInitializer;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.LayerDefinition;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.testing.Json;
import java.util.Map;

/**
 * The book's chapter-10 setup: {@code nnfs.init()}, {@code spiral_data(samples=100, classes=3)}, then Dense(2, 64)
 * ReLU and Dense(64, 3) with softmax and categorical cross-entropy, weights drawn in that order from the same
 * generator; all in float64, the float32 data widened exactly.
 */
final class TrainingFixtures {
    static final String SPIRAL_NETWORK = """
            {"kind": "layers", "dtype": "float64", "inputSize": 2, "seed": 0,
             "layers": [
               {"type": "dense", "name": "dense1", "units": 64, "activation": "relu"},
               {"type": "dense", "name": "dense2", "units": 3, "activation": "softmax"}],
             "loss": "softmax-cross-entropy"}""";

    final CompiledGraph network;
    final LabelledData data;
    final Map<String, Tensor> initialParameters;

    private TrainingFixtures() {
        LayerDefinition definition = (LayerDefinition) new DefinitionParser(Limits.DEFAULT)
                .parse(Json.parse(SPIRAL_NETWORK));
        LegacyRandom random = NnfsDatasets.init();
        data = NnfsDatasets.spiralData(100, 3, random).cast(DType.FLOAT64);
        initialParameters = NnfsInitializer.parameters(definition, random);
        network = GraphCompiler.compile(definition, Limits.DEFAULT);
    }

    static TrainingFixtures spiral() {
        return new TrainingFixtures();
    }

    /** |a − b| ≤ tolerance · max|b| for every element, the maximum taken over each tensor of {@code expected}. */
    static void assertClose(Map<String, Tensor> actual, Map<String, Tensor> expected, double tolerance) {
        assertThat(actual).containsOnlyKeys(expected.keySet());
        expected.forEach((name, e) -> assertClose(name, actual.get(name), e, tolerance * maxAbs(e)));
    }

    /**
     * |a − b| ≤ tolerance · max|b| for every element, the maximum taken over every tensor of {@code expected}.
     * For parameters after a step: a bias moves by its gradient, a sum over rows of terms of either sign that
     * nearly cancel (softmax minus one-hot), so its rounding error is relative to the terms (≈ the weights' scale),
     * not to the small result.
     */
    static void assertCloseOverall(Map<String, Tensor> actual, Map<String, Tensor> expected, double tolerance) {
        assertThat(actual).containsOnlyKeys(expected.keySet());
        double scale = expected.values().stream().mapToDouble(TrainingFixtures::maxAbs).max().orElse(0);
        expected.forEach((name, e) -> assertClose(name, actual.get(name), e, tolerance * scale));
    }

    private static void assertClose(String name, Tensor actual, Tensor expected, double bound) {
        double[] a = actual.toDoubleArray();
        double[] b = expected.toDoubleArray();
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < b.length; i++) {
            assertThat(Math.abs(a[i] - b[i])).as("%s[%d]: %s vs %s", name, i, a[i], b[i])
                    .isLessThanOrEqualTo(bound);
        }
    }

    private static double maxAbs(Tensor tensor) {
        double max = 0;
        for (double v : tensor.toDoubleArray()) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}

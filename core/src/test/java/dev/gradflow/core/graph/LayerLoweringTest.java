package dev.gradflow.core.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.testing.Engine;
import dev.gradflow.core.testing.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayerLoweringTest {

    @Test
    void theBooksDenseReluBatchExample() {
        // Neural Networks from Scratch: three samples through a Dense layer of 3 neurons, then ReLU.
        String definition = """
                {"kind": "layers", "inputSize": 4,
                 "layers": [{"type": "dense", "name": "dense1", "units": 3, "activation": "relu",
                             "weights": [[0.2, 0.5, -0.26], [0.8, -0.91, -0.27], [-0.5, 0.26, 0.17], [1.0, -0.5, 0.87]],
                             "biases": [2, 3, 0.5]}],
                 "loss": "mean-squared-error"}""";
        Tensor x = Tensor.matrix(new double[][] {{1, 2, 3, 2.5}, {2, 5, -1, 2}, {-1.5, 2.7, 3.3, -0.8}});
        CompiledGraph graph = Engine.compile(definition);
        var tape = ForwardPass.record(graph, Map.of("x", x, "y", Tensor.zeros(x.dtype(), 3, 3)));
        Tensor relu = tape.nodes().stream().filter(n -> n.name().equals("dense1.relu")).findFirst().orElseThrow()
                .saved().get(0);
        double[] expected = {4.8, 1.21, 2.385, 8.9, 0, 0.2, 1.41, 1.051, 0.026};
        for (int i = 0; i < expected.length; i++) {
            assertThat(relu.data()[i]).isCloseTo(expected[i], within(1e-12));
        }
        GradientSet gradients = BackwardPass.run(tape);
        assertThat(gradients.parameters()).containsOnlyKeys("dense1.weights", "dense1.biases");
        assertThat(gradients.parameters().get("dense1.weights").shape()).containsExactly(4, 3);
    }

    @Test
    void seededInitialisationIsAFunctionOfTheDefinitionAlone() {
        String definition = """
                {"kind": "layers", "inputSize": 3, "seed": 11,
                 "layers": [{"type": "dense", "units": 5, "activation": "relu"}, {"type": "dense", "units": 2}],
                 "loss": "softmax-cross-entropy"}""";
        GraphDefinition first = GraphCompiler.lower((LayerDefinition) new DefinitionParser(Limits.DEFAULT)
                .parse(Json.parse(definition)));
        GraphDefinition second = GraphCompiler.lower((LayerDefinition) new DefinitionParser(Limits.DEFAULT)
                .parse(Json.parse(definition)));
        assertThat(first.parameters()).containsOnlyKeys("dense1.weights", "dense1.biases", "dense2.weights",
                "dense2.biases");
        assertThat(first.parameters()).isEqualTo(second.parameters());
        double limit = Math.sqrt(6.0 / (3 + 5));
        for (double weight : first.parameters().get("dense1.weights").data()) {
            assertThat(Math.abs(weight)).isLessThan(limit);
        }
        assertThat(first.parameters().get("dense1.biases").data()).containsOnly(0.0);
    }
}

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
        // The fused dense op saves X, W and its output, ReLU(X·W + b).
        Tensor relu = tape.nodes().stream().filter(n -> n.name().equals("dense1.dense")).findFirst().orElseThrow()
                .saved().get(2);
        double[] expected = {4.8, 1.21, 2.385, 8.9, 0, 0.2, 1.41, 1.051, 0.026};
        for (int i = 0; i < expected.length; i++) {
            assertThat(relu.toDoubleArray()[i]).isCloseTo(expected[i], within(1e-12));
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
        for (double weight : first.parameters().get("dense1.weights").toDoubleArray()) {
            assertThat(Math.abs(weight)).isLessThan(limit);
        }
        assertThat(first.parameters().get("dense1.biases").toDoubleArray()).containsOnly(0.0);
    }

    @Test
    void activationLayersDropoutAndPenaltiesLowerToPrimitives() {
        String definition = """
                {"kind": "layers", "inputSize": 2, "seed": 5,
                 "layers": [
                   {"type": "dense", "units": 3, "weights": [[1, -2, 0.5], [0.25, 1, -1]], "biases": [0.1, 0.2, 0.3],
                    "weightRegularizerL1": 0.01, "weightRegularizerL2": 0.1, "biasRegularizerL2": 0.5},
                   {"type": "tanh"},
                   {"type": "dropout", "rate": 0.25},
                   {"type": "dense", "units": 1, "activation": "sigmoid", "weights": [[1], [1], [1]], "biases": [0]}],
                 "loss": "binary-cross-entropy"}""";
        GraphDefinition graph = GraphCompiler.lower((LayerDefinition) new DefinitionParser(Limits.DEFAULT)
                .parse(Json.parse(definition)));
        assertThat(graph.nodes().stream().map(NodeDefinition::name)).containsSubsequence("dense1.dense", "tanh1",
                "dropout1", "dense2.dense", "data-loss", "loss");
        assertThat(graph.nodes().stream().filter(n -> n.name().equals("dense2.dense")).findFirst().orElseThrow()
                .attributes()).isEqualTo(Map.of("activation", "sigmoid"));
        GraphDefinition primitives = GraphCompiler.lowerToPrimitives((LayerDefinition) new DefinitionParser(
                Limits.DEFAULT).parse(Json.parse(definition)));
        assertThat(primitives.nodes().stream().map(NodeDefinition::name)).containsSubsequence("dense1.matmul",
                "dense1.linear", "tanh1", "dropout1", "dense2.matmul", "dense2.linear", "dense2.sigmoid", "data-loss",
                "loss");
        assertThat(graph.targets().get("y")).containsExactly(-1, 1);

        Map<String, Tensor> feeds = Map.of("x", Tensor.matrix(new double[][] {{1, 2}}),
                "y", Tensor.matrix(new double[][] {{1}}));
        GradientSet withPenalties = BackwardPass.run(ForwardPass.record(Engine.compile(definition), feeds, 0));
        GradientSet plain = BackwardPass.run(ForwardPass.record(Engine.compile(definition.replace(
                "\"weightRegularizerL1\": 0.01, \"weightRegularizerL2\": 0.1, \"biasRegularizerL2\": 0.5",
                "\"weightRegularizerL1\": 0")), feeds, 0));
        // by hand: 0.01·Σ|W| + 0.1·ΣW² + 0.5·Σb²
        double l1 = 0.01 * (1 + 2 + 0.5 + 0.25 + 1 + 1);
        double l2 = 0.1 * (1 + 4 + 0.25 + 0.0625 + 1 + 1);
        double biases = 0.5 * (0.01 + 0.04 + 0.09);
        assertThat(withPenalties.output().item()).isCloseTo(plain.output().item() + l1 + l2 + biases, within(1e-12));
        // and their gradients: 0.01·sign(W) + 0.2·W added to the weights' gradient, b added to the biases'
        double[] w = {1, -2, 0.5, 0.25, 1, -1};
        for (int i = 0; i < w.length; i++) {
            assertThat(withPenalties.parameters().get("dense1.weights").toDoubleArray()[i]).isCloseTo(
                    plain.parameters().get("dense1.weights").toDoubleArray()[i] + 0.01 * Math.signum(w[i]) + 0.2 * w[i],
                    within(1e-12));
        }
        double[] b = {0.1, 0.2, 0.3};
        for (int i = 0; i < b.length; i++) {
            assertThat(withPenalties.parameters().get("dense1.biases").toDoubleArray()[i]).isCloseTo(
                    plain.parameters().get("dense1.biases").toDoubleArray()[i] + b[i], within(1e-12));
        }
    }
}

package dev.gradflow.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.Feeds;
import dev.gradflow.core.graph.GraphNode;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.testing.Engine;
import dev.gradflow.core.testing.Examples;
import dev.gradflow.core.testing.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The optimizer on the real engine: the README's MLP ({@code examples/mlp.network.json}: Dense 4→8 ReLU, Dense
 * 8→3, softmax cross-entropy) on its batch ({@code examples/mlp.batch.json}), trained with plain SGD, each step's
 * gradients from the forward and backward passes of the step before.
 */
class TrainingWithTheEngineTest {
    private static final double LEARNING_RATE = 0.05;
    private static final int STEPS = 25;

    @ParameterizedTest
    @ValueSource(strings = {"float64", "float32"})
    void everySgdStepLowersTheLossByAtLeastHalfWhatTheGradientPredicts(String dtype) throws IOException {
        CompiledGraph graph = Engine.compile(Examples.network("mlp").replace("\"float64\"", "\"" + dtype + "\""));
        Map<String, Tensor> feeds = Feeds.parse(Json.parse(Files.readString(Path.of("..", "examples",
                "mlp.batch.json"))), graph, Limits.DEFAULT);
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        graph.nodes().stream().filter(n -> n.kind() == NodeKind.PARAMETER)
                .forEach(n -> parameters.put(n.name(), n.value()));
        assertThat(parameters).containsOnlyKeys("dense1.weights", "dense1.biases", "dense2.weights",
                "dense2.biases");
        assertThat(parameters.get("dense1.weights").dtype().label()).isEqualTo(dtype);

        Sgd sgd = new Sgd(LEARNING_RATE, 0, 0);
        OptimizerState state = OptimizerState.initial();
        GradientSet gradients = BackwardPass.run(ForwardPass.record(graph, feeds));
        double first = gradients.output().item();
        for (int k = 0; k < STEPS; k++) {
            double loss = gradients.output().item();
            double squaredNorm = 0;
            for (Tensor gradient : gradients.parameters().values()) {
                for (double g : gradient.toDoubleArray()) {
                    squaredNorm += g * g;
                }
            }
            StepResult step = sgd.step(parameters, gradients.parameters(), state);
            parameters.putAll(step.parameters());
            state = step.state();
            gradients = BackwardPass.run(ForwardPass.record(withParameters(graph, parameters), feeds));

            // For a loss with L-Lipschitz gradients, f(w − ηg) ≤ f(w) − η(1 − Lη/2)·|g|², which is at most
            // f(w) − ½η·|g|² whenever η ≤ 1/L (the Armijo condition with c = ½). A step in the wrong direction, or
            // one that moved the wrong parameters, would fail it.
            double next = gradients.output().item();
            assertThat(next).as("loss after step %d", k + 1)
                    .isLessThanOrEqualTo(loss - 0.5 * LEARNING_RATE * squaredNorm);
        }
        assertThat(state.iterations()).isEqualTo(STEPS);
        System.out.printf("MLP %s: loss %.6f → %.6f after %d SGD steps%n", dtype, first,
                gradients.output().item(), STEPS);
        assertThat(gradients.output().item()).isLessThan(first);
    }

    /** The same graph with new parameter values: a compiled graph is a value, so training rebuilds it. */
    private static CompiledGraph withParameters(CompiledGraph graph, Map<String, Tensor> parameters) {
        List<GraphNode> nodes = graph.nodes().stream().map(n -> n.kind() != NodeKind.PARAMETER ? n
                : new GraphNode(n.name(), n.kind(), n.shape(), n.op(), n.inputs(), parameters.get(n.name())))
                .toList();
        return new CompiledGraph(graph.dtype(), nodes, graph.output());
    }
}

package dev.gradflow.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.testing.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chapter's examples as traces: every local derivative, upstream gradient and contribution by hand. */
class ChainRuleTraceTest {

    private static ChainRuleTrace trace(String example, Map<String, Tensor> feeds) throws IOException {
        Object tree = Json.parse(Files.readString(Path.of("..", "examples", example + ".network.json")));
        CompiledGraph graph = GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(tree), Limits.DEFAULT);
        return ChainRuleTrace.of(ForwardPass.recordWithValues(graph, feeds, 0));
    }

    private static double item(Tensor tensor) {
        return tensor.item();
    }

    @Test
    void hOfXIsTheProductOfTheLocalFactorsAlongItsPath() throws IOException {
        // h(x) = 3(2x²)⁵: x2 = x², g = 2·x2, g5 = g⁵, h = 3·g5. At x = 1: h' = 15(2x²)⁴ · 4x = 240 · 4 = 960.
        ChainRuleTrace trace = trace("chain-rule", Map.of("x", Tensor.scalar(1)));

        assertThat(item(trace.node("h").gradient())).isEqualTo(1);
        assertThat(item(trace.node("g5").gradient())).isEqualTo(3);
        assertThat(item(trace.node("g").gradient())).as("∂h/∂(2x²) = 15(2x²)⁴").isEqualTo(240);
        assertThat(item(trace.node("x").gradient())).isEqualTo(960);
        ChainRuleTrace.Edge g5 = trace.edge("g", "g5");
        assertThat(item(g5.local())).as("5g⁴ at g = 2").isEqualTo(80);
        assertThat(item(g5.upstream())).isEqualTo(3);
        assertThat(item(g5.contribution())).isEqualTo(240);
        double inner = item(trace.edge("x2", "g").local()) * item(trace.edge("x", "x2").local());
        assertThat(inner).as("∂(2x²)/∂x = 4x").isEqualTo(4);
        assertThat(item(trace.edge("g", "g5").upstream()) * item(g5.local()) * inner).isEqualTo(960);
        assertThat(item(trace.edge("x", "x2").contribution())).isEqualTo(960);
    }

    @Test
    void theSingleNeuronsEdgesCarryTheChaptersPartialDerivatives() throws IOException {
        // y = ReLU(w·x + b), x = [1, -2, 3], w = [-3, -1, 2], b = 1: z = 6 > 0.
        ChainRuleTrace trace = trace("single-neuron", Map.of("x", Tensor.vector(1, -2, 3)));

        assertThat(item(trace.node("y").value())).isEqualTo(6);
        assertThat(item(trace.edge("z", "y").local())).as("ReLU' at 6").isEqualTo(1);
        assertThat(item(trace.edge("b", "z").local())).as("∂(a + b)/∂b").isEqualTo(1);
        assertThat(trace.edge("wx", "dot").local().toDoubleArray()).as("∂sum/∂wx: ones").containsExactly(1, 1, 1);
        assertThat(trace.edge("w", "wx").local()).as("wx is a vector: its Jacobian is not a number").isNull();
        assertThat(trace.edge("w", "wx").contribution().toDoubleArray()).as("∂y/∂w = x").containsExactly(1, -2, 3);
        assertThat(trace.node("x").gradient().toDoubleArray()).as("∂y/∂x = w").containsExactly(-3, -1, 2);
    }

    @Test
    void maxSendsTheWholeGradientToTheLargerInputAndReluNothingAtItsKink() throws IOException {
        ChainRuleTrace max = trace("max", Map.of("x", Tensor.scalar(3), "y", Tensor.scalar(5)));
        ChainRuleTrace relu = trace("relu", Map.of("x", Tensor.scalar(0)));

        String output = max.nodes().get(max.output()).name();
        assertThat(item(max.edge("x", output).local())).isEqualTo(0);
        assertThat(item(max.edge("y", output).local())).isEqualTo(1);
        String reluOutput = relu.nodes().get(relu.output()).name();
        assertThat(item(relu.edge("x", reluOutput).local())).as("ReLU'(0) = 0").isEqualTo(0);
    }

    @Test
    void aVariableUsedSeveralTimesHasTheSumOfItsContributions() throws IOException {
        // f = 3x³z − y² + 5z + 2yz: z is used three times, y twice; ∂f/∂z = 3x³ + 5 + 2y.
        ChainRuleTrace trace = trace("polynomial", Map.of("x", Tensor.scalar(1), "y", Tensor.scalar(2),
                "z", Tensor.scalar(3)));

        int z = trace.node("z").index();
        assertThat(trace.uses(z)).hasSizeGreaterThanOrEqualTo(2);
        double sum = trace.uses(z).stream().mapToDouble(edge -> item(edge.contribution())).sum();
        assertThat(sum).isEqualTo(item(trace.node("z").gradient())).isEqualTo(3 + 5 + 2 * 2);
        assertThat(item(trace.node("y").gradient())).isEqualTo(-2 * 2 + 2 * 3);
        assertThat(item(trace.node("x").gradient())).isEqualTo(9 * 3);
    }

    @Test
    void theDotPictureShowsEveryNodeAndEdgeOnceWithTheFactorsOfTheChain() throws IOException {
        ChainRuleTrace trace = trace("chain-rule", Map.of("x", Tensor.scalar(1)));

        String dot = ChainRuleDot.render(trace);

        for (ChainRuleTrace.Node node : trace.nodes()) {
            assertThat(dot.split("\n  \"n" + node.index() + "\" \\[", -1)).as("node %s once", node.name()).hasSize(2);
        }
        for (ChainRuleTrace.Edge edge : trace.edges()) {
            assertThat(dot.split("\"n" + edge.from() + "\" -> \"n" + edge.to() + "\" ", -1)).hasSize(2);
        }
        assertThat(dot).contains("∂ 80 × ↑ 3 = 240").contains("∂ 2 × ↑ 480 = 960").contains("grad 960")
                .startsWith("digraph chain_rule {").endsWith("}\n");
    }

    @Test
    void aNodeUsedSeveralTimesShowsItsGradientAsTheSumOfItsContributions() throws IOException {
        ChainRuleTrace trace = trace("polynomial", Map.of("x", Tensor.scalar(1), "y", Tensor.scalar(2),
                "z", Tensor.scalar(3)));

        String dot = ChainRuleDot.render(trace);

        String zLine = dot.lines().filter(line -> line.contains("label=\"z\\ninput")).findFirst().orElseThrow();
        assertThat(zLine).contains("grad 12 = ");
        assertThat(TensorSummary.of(Tensor.vector(1, 2, 3, 4, 5, 6, 7, 8, 9))).isEqualTo("[9] min 1 max 9 mean 5"
                + " norm 16.8819");
        assertThat(TensorSummary.number(0.1 + 0.2)).isEqualTo("0.3");
    }

    @Test
    void tensorEdgesShowTheFormOfTheirRuleAndTheContributionsSummary() throws IOException {
        Object tree = Json.parse(Files.readString(Path.of("..", "examples", "mlp.network.json")));
        Object batch = Json.parse(Files.readString(Path.of("..", "examples", "mlp.batch.json")));
        CompiledGraph graph = GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(tree), Limits.DEFAULT);
        ChainRuleTrace trace = ChainRuleTrace.of(ForwardPass.recordWithValues(graph,
                dev.gradflow.core.graph.Feeds.parse(batch, graph, Limits.DEFAULT), 0));

        String dot = ChainRuleDot.render(trace);

        assertThat(trace.edges()).anyMatch(edge -> edge.rule().startsWith("Xᵀ · D"));
        assertThat(dot).contains("Xᵀ · D, D = f′(Y) ⊙ G\\nG = [3, 8] min");
        assertThat(dot.lines().filter(line -> line.contains(" -> ")).count()).isEqualTo(trace.edges().size());
    }
}

package dev.gradflow.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.Feeds;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.LayerDefinition;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.testing.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Dense layer opened into matmul, add and its activation: the same numbers as the unfused network traced as
 * such ({@link GraphCompiler#lowerToPrimitives}), node by node and edge by edge, bit for bit.
 */
class DenseExpansionTest {

    @ParameterizedTest
    @ValueSource(strings = {"float64", "float32"})
    void anOpenedLayerIsTheUnfusedNetworksTraceBitForBit(String dtype) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = (Map<String, Object>) Json.parse(Files.readString(
                Path.of("..", "examples", "mlp.network.json")));
        tree.put("dtype", dtype);
        Object batch = Json.parse(Files.readString(Path.of("..", "examples", "mlp.batch.json")));
        LayerDefinition definition = (LayerDefinition) new DefinitionParser(Limits.DEFAULT).parse(tree);
        CompiledGraph fused = GraphCompiler.compile(definition, Limits.DEFAULT);
        CompiledGraph unfused = GraphCompiler.compile(GraphCompiler.lowerToPrimitives(definition), Limits.DEFAULT);
        Map<String, Tensor> feeds = Feeds.parse(batch, fused, Limits.DEFAULT);
        ChainRuleTrace fusedTrace = ChainRuleTrace.of(ForwardPass.recordWithValues(fused, feeds, 0));
        ChainRuleTrace unfusedTrace = ChainRuleTrace.of(ForwardPass.recordWithValues(unfused, feeds, 0));

        Set<Integer> dense = fusedTrace.nodes().stream().filter(node -> "dense".equals(node.op()))
                .map(ChainRuleTrace.Node::index).collect(Collectors.toSet());
        ChainRuleTrace opened = DenseExpansion.expand(fusedTrace, dense);

        assertThat(dense).hasSize(2);
        assertThat(opened.nodes()).extracting(ChainRuleTrace.Node::name).containsExactlyInAnyOrderElementsOf(
                unfusedTrace.nodes().stream().map(ChainRuleTrace.Node::name).toList());
        for (ChainRuleTrace.Node node : unfusedTrace.nodes()) {
            ChainRuleTrace.Node same = opened.node(node.name());
            assertThat(same.op()).isEqualTo(node.op());
            assertThat(same.value()).as("value of %s", node.name()).isEqualTo(node.value());
            assertThat(same.gradient()).as("gradient of %s", node.name()).isEqualTo(node.gradient());
        }
        assertThat(opened.edges()).hasSameSizeAs(unfusedTrace.edges());
        for (ChainRuleTrace.Edge edge : unfusedTrace.edges()) {
            String from = unfusedTrace.nodes().get(edge.from()).name();
            String to = unfusedTrace.nodes().get(edge.to()).name();
            ChainRuleTrace.Edge same = opened.edge(from, to);
            assertThat(same.contribution()).as("%s → %s", from, to).isEqualTo(edge.contribution());
            assertThat(same.upstream()).isEqualTo(edge.upstream());
            assertThat(same.rule()).isEqualTo(edge.rule());
            assertThat(same.position()).isEqualTo(edge.position());
        }
        assertThat(opened.nodes().get(opened.output()).name()).isEqualTo("loss");
        for (ChainRuleTrace.Node node : opened.nodes()) {
            if (opened.uses(node.index()).size() == 1) {
                assertThat(opened.uses(node.index()).get(0).contribution()).as("%s's only use", node.name())
                        .isEqualTo(node.gradient());
            }
        }
    }
}

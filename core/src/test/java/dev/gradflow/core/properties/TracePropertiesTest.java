package dev.gradflow.core.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.trace.ChainRuleTrace;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Traces of random expression graphs: a node's gradient is the sum of the contributions on its outgoing edges, in
 * the backward pass's order (so bit for bit), every edge's contribution is its upstream gradient through the local
 * derivative where the node is a scalar, and the leaves' gradients are the backward pass's own.
 */
class TracePropertiesTest {

    @Property(tries = 150)
    void contributionsSumToEachGradientAndLeavesMatchTheBackwardPass(@ForAll("graphs") RandomGraphs.GraphCase graph) {
        CompiledGraph compiled = Harness.compile(graph.definition());
        ForwardPass.Recorded recorded = ForwardPass.recordWithValues(compiled, graph.feeds(), graph.batchSeed());
        ChainRuleTrace trace = ChainRuleTrace.of(recorded);
        GradientSet expected = BackwardPass.run(recorded.tape());

        for (ChainRuleTrace.Node node : trace.nodes()) {
            if (node.index() == trace.output()) {
                continue;
            }
            Tensor sum = null;
            for (ChainRuleTrace.Edge edge : trace.uses(node.index())) {
                sum = sum == null ? edge.contribution() : sum.plus(edge.contribution());
            }
            if (sum != null) {
                assertThat(node.gradient()).as(node.name()).isEqualTo(sum);
            }
            if (node.kind() == NodeKind.PARAMETER) {
                assertThat(node.gradient()).as(node.name()).isEqualTo(expected.parameters().get(node.name()));
            } else if (node.kind() == NodeKind.INPUT) {
                assertThat(node.gradient()).as(node.name()).isEqualTo(expected.inputs().get(node.name()));
            }
        }
        for (ChainRuleTrace.Edge edge : trace.edges()) {
            if (edge.local() != null) {
                double upstream = edge.upstream().item();
                double[] local = edge.local().toDoubleArray();
                double[] contribution = edge.contribution().toDoubleArray();
                for (int i = 0; i < local.length; i++) {
                    assertThat(contribution[i]).as("edge %d → %d [%d]", edge.from(), edge.to(), i)
                            .isCloseTo(upstream * local[i], org.assertj.core.data.Offset.offset(
                                    1e-12 * Math.max(1, Math.abs(upstream * local[i]))));
                }
            }
        }
    }

    @Provide
    Arbitrary<RandomGraphs.GraphCase> graphs() {
        return RandomGraphs.graphs(2, 12);
    }
}

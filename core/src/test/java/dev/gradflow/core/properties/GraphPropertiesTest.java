package dev.gradflow.core.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.GraphNode;
import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.testing.FiniteDifferences;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Random expression graphs ({@link RandomGraphs}: 2 to 12 op nodes over inputs and parameters of compatible
 * shapes, values kept in safe domains by interval arithmetic) differentiated by the backward pass: every parameter
 * and input gradient must match central differences in float64 (see {@link Harness}). jqwik's coverage check makes
 * sure that the generator keeps producing graphs in which a node is read more than once, so that the accumulation
 * of gradient contributions is exercised, and every op of the menu.
 */
class GraphPropertiesTest {

    @Property(tries = 250)
    void backwardMatchesFiniteDifferences(@ForAll("graphs") RandomGraphs.GraphCase graph) {
        Harness.checkAgainstFiniteDifferences("graph", graph);
        // Collected after the check, so they describe the samples that were checked, not the discarded ones.
        Statistics.label("a node read twice or more").collect(graph.reusesANode());
        Statistics.label("op nodes").collect(graph.ops().size() < 6 ? "2-5" : graph.ops().size() < 9 ? "6-8" : "9-12");
        for (String op : graph.ops()) {
            Statistics.label("ops").collect(op);
        }
        Statistics.label("a node read twice or more").coverage(checker -> checker.check(true).percentage(p -> p >= 30));
        Statistics.label("ops").coverage(checker -> {
            for (String op : RandomGraphs.MENU) {
                checker.check(op).count(n -> n >= 3);
            }
        });
    }

    /**
     * The harness computes its central differences itself only so that the forward pass sees the batch seed; at
     * seed 0 they are exactly (bit for bit) those of the shared {@link FiniteDifferences}.
     */
    @Property(tries = 20)
    void harnessDifferencesAreThoseOfFiniteDifferences(@ForAll("graphs") RandomGraphs.GraphCase graph) {
        CompiledGraph compiled = Harness.compile(graph.definition());
        for (GraphNode node : compiled.nodes()) {
            Tensor expected = switch (node.kind()) {
                case PARAMETER -> FiniteDifferences.ofParameter(compiled, graph.feeds(), node.name(), Harness.STEP);
                case INPUT -> FiniteDifferences.ofInput(compiled, graph.feeds(), node.name(), Harness.STEP);
                default -> null;
            };
            if (expected != null) {
                Tensor actual = node.kind() == NodeKind.PARAMETER
                        ? Harness.numericParameterGradient(compiled, graph.feeds(), node.name(), 0)
                        : Harness.numericInputGradient(compiled, graph.feeds(), node.name(), 0);
                assertThat(actual).as(node.name()).isEqualTo(expected);
            }
        }
    }

    @Provide
    Arbitrary<RandomGraphs.GraphCase> graphs() {
        return RandomGraphs.graphs(2, 12);
    }

    @AfterContainer
    static void printWorstErrors() {
        System.out.print("GraphPropertiesTest\n" + Harness.summary("graph"));
    }
}

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
 * derivative where the node is a scalar, and the leaves' gradients are the backward pass's own; and along a chain
 * of scalar functions the product of the local factors is the end-to-end derivative.
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

    /**
     * The chapter's chain rule: along a chain of scalar functions x → f₁ → … → fₖ, the derivative of the end with
     * respect to x is the product of the local factors on the path, and equals a float64 central difference.
     */
    @Property(tries = 200)
    void alongAChainTheProductOfTheLocalFactorsIsTheEndToEndDerivative(
            @ForAll @net.jqwik.api.constraints.Size(min = 1, max = 10) java.util.List<
                    @net.jqwik.api.constraints.IntRange(min = 0, max = 8) Integer> steps,
            @ForAll @net.jqwik.api.constraints.DoubleRange(min = 0.5, max = 1.5) double x,
            @ForAll @net.jqwik.api.constraints.DoubleRange(min = -2, max = 2) double c) {
        java.util.List<Object> nodes = new java.util.ArrayList<>();
        String previous = "x";
        double value = x;
        int index = 0;
        for (int step : steps) {
            String name = "f" + ++index;
            Object node = null;
            double next;
            switch (step) {
                case 0 -> { node = unary(name, "neg", previous); next = -value; }
                case 1 -> { node = unary(name, "tanh", previous); next = Math.tanh(value); }
                case 2 -> { node = unary(name, "sigmoid", previous); next = 1 / (1 + Math.exp(-value)); }
                case 3 -> { node = binary(name, "mul", "c", previous); next = c * value; }
                case 4 -> { node = binary(name, "add", previous, "c"); next = value + c; }
                case 5 -> {
                    next = value * value;
                    node = java.util.Map.of("name", name, "op", "pow", "inputs", java.util.List.of(previous),
                            "exponent", 2);
                }
                case 6 -> { node = Math.abs(value) <= 2 ? unary(name, "exp", previous) : null; next = Math.exp(value); }
                case 7 -> { node = value >= 0.2 ? unary(name, "log", previous) : null; next = Math.log(value); }
                default -> { node = value >= 0.2 ? unary(name, "sqrt", previous) : null; next = Math.sqrt(value); }
            }
            if (node == null || Math.abs(next) > 20) {
                index--;
                continue;
            }
            nodes.add(node);
            previous = name;
            value = next;
        }
        net.jqwik.api.Assume.that(!nodes.isEmpty());
        java.util.Map<String, Object> definition = new java.util.LinkedHashMap<>();
        definition.put("kind", "graph");
        definition.put("inputs", java.util.Map.of("x", java.util.Map.of("shape", java.util.List.of())));
        definition.put("constants", java.util.Map.of("c", java.util.Map.of("value", c)));
        definition.put("nodes", nodes);
        definition.put("output", previous);
        CompiledGraph compiled = Harness.compile(definition);
        ChainRuleTrace trace = ChainRuleTrace.of(ForwardPass.recordWithValues(compiled,
                java.util.Map.of("x", Tensor.scalar(x)), 0));

        double product = 1;
        String to = previous;
        for (int i = nodes.size(); i >= 1; i--) {
            String from = i == 1 ? "x" : "f" + (i - 1);
            product *= trace.edge(from, "f" + i).local().item();
        }
        double gradient = trace.node("x").gradient().item();
        assertThat(gradient).as("x's gradient against the product of the factors along %s", to)
                .isCloseTo(product, org.assertj.core.data.Offset.offset(1e-12 * Math.max(1, Math.abs(product))));
        double h = 1e-6;
        double difference = (end(compiled, x + h) - end(compiled, x - h)) / (2 * h);
        assertThat(product).as("the product against a central difference")
                .isCloseTo(difference, org.assertj.core.data.Offset.offset(1e-5 * Math.max(1, Math.abs(difference))));
    }

    private static double end(CompiledGraph graph, double x) {
        return ForwardPass.record(graph, java.util.Map.of("x", Tensor.scalar(x))).outputValue().item();
    }

    private static Object unary(String name, String op, String input) {
        return java.util.Map.of("name", name, "op", op, "inputs", java.util.List.of(input));
    }

    private static Object binary(String name, String op, String left, String right) {
        return java.util.Map.of("name", name, "op", op, "inputs", java.util.List.of(left, right));
    }
}

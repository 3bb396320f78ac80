package dev.gradflow.core.trace;

import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.ops.BackwardContext;
import dev.gradflow.core.ops.Dense;
import dev.gradflow.core.ops.Forward;
import dev.gradflow.core.ops.Op;
import dev.gradflow.core.ops.OpSet;
import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A traced {@code dense} op (a Dense layer, fused) opened into the primitive ops it stands for, as a picture shows
 * it on request: {@code <layer>.matmul = X·W}, {@code <layer>.linear = matmul + b} and, unless linear, the
 * activation {@code <layer>.<activation>}, the nodes {@link dev.gradflow.core.graph.GraphCompiler#lowerToPrimitives}
 * builds. Their values and gradients are computed here by those ops' own forward and backward rules, from the
 * traced inputs and the dense node's traced gradient, so every edge inside the layer shows its own factor.
 *
 * <p>The fused op computes the same arithmetic in the same order (one product, the bias added, the activation and
 * its derivative applied elementwise, rounded once per element), so the opened layer's output and contributions
 * equal the fused ones; the test checks it bit for bit on the book's networks.
 */
public final class DenseExpansion {
    private DenseExpansion() {
    }

    /**
     * The trace with the named dense nodes opened. Dense nodes without traced inputs (ones the output does not
     * depend on, whose inputs no edge records) stay as they are.
     *
     * @param denseNodes indices of {@code dense} op nodes
     */
    public static ChainRuleTrace expand(ChainRuleTrace trace, Set<Integer> denseNodes) {
        List<ChainRuleTrace.Node> nodes = new ArrayList<>();
        int[] newIndex = new int[trace.nodes().size()];
        List<PendingEdge> edges = new ArrayList<>();
        List<Integer> opened = new ArrayList<>();
        for (ChainRuleTrace.Node node : trace.nodes()) {
            Opened layer = denseNodes.contains(node.index()) && "dense".equals(node.op())
                    ? open(trace, node, newIndex) : null;
            if (layer == null) {
                newIndex[node.index()] = nodes.size();
                nodes.add(node);
                continue;
            }
            opened.add(node.index());
            int first = nodes.size();
            for (int k = 0; k < layer.nodes.size(); k++) {
                Step step = layer.nodes.get(k);
                nodes.add(new ChainRuleTrace.Node(first + k, step.name, NodeKind.OP, step.op.name(), List.of(),
                        step.value, step.gradient));
            }
            for (PendingEdge edge : layer.edges) {
                edges.add(new PendingEdge(edge.from < 0 ? first + (-edge.from - 1) : edge.from, first + edge.to,
                        edge.position, edge.local, edge.contribution, edge.rule));
            }
            newIndex[node.index()] = nodes.size() - 1;
        }
        for (ChainRuleTrace.Edge edge : trace.edges()) {
            if (!opened.contains(edge.to())) {
                edges.add(new PendingEdge(newIndex[edge.from()], newIndex[edge.to()], edge.position(), edge.local(),
                        edge.contribution(), edge.rule()));
            }
        }
        // Re-index the nodes that moved, and order the edges as the backward pass visits them.
        List<ChainRuleTrace.Node> indexed = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            ChainRuleTrace.Node node = nodes.get(i);
            indexed.add(new ChainRuleTrace.Node(i, node.name(), node.kind(), node.op(), node.attributes(),
                    node.value(), node.gradient()));
        }
        edges.sort(Comparator.comparingInt((PendingEdge edge) -> -edge.to).thenComparingInt(edge -> edge.position));
        List<ChainRuleTrace.Edge> traced = new ArrayList<>(edges.size());
        for (PendingEdge edge : edges) {
            traced.add(new ChainRuleTrace.Edge(edge.from, edge.to, edge.position, edge.local,
                    indexed.get(edge.to).gradient(), edge.contribution, edge.rule));
        }
        ChainRuleTrace.Failure failure = trace.failure() == null ? null
                : new ChainRuleTrace.Failure(newIndex[trace.failure().node()], trace.failure().message());
        return new ChainRuleTrace(indexed, traced, newIndex[trace.output()], failure);
    }

    /** An edge before the final indices: {@code from} < 0 names the opened layer's own step −from − 1. */
    private record PendingEdge(int from, int to, int position, Tensor local, Tensor contribution, String rule) {
    }

    private record Step(String name, Op op, Tensor value, Tensor gradient) {
    }

    /** @param edges {@code to} relative to the layer's first step; {@code from} already final, or −step − 1 */
    private record Opened(List<Step> nodes, List<PendingEdge> edges) {
    }

    private static Opened open(ChainRuleTrace trace, ChainRuleTrace.Node dense, int[] newIndex) {
        Tensor[] inputs = new Tensor[3];
        int[] inputIndex = new int[3];
        for (ChainRuleTrace.Edge edge : trace.edges()) {
            if (edge.to() == dense.index()) {
                inputs[edge.position()] = trace.nodes().get(edge.from()).value();
                inputIndex[edge.position()] = newIndex[edge.from()];
            }
        }
        if (inputs[0] == null || inputs[1] == null || inputs[2] == null) {
            return null;
        }
        Dense fused = (Dense) OpSet.fromTape("dense", dense.attributes().stream().mapToDouble(Double::doubleValue)
                .toArray());
        String prefix = dense.name().endsWith(".dense") ? dense.name().substring(0, dense.name().length() - 6)
                : dense.name();
        Op matmul = OpSet.fromTape("matmul", new double[0]);
        Op add = OpSet.fromTape("add", new double[0]);
        Op activation = fused.activation() == Dense.Activation.LINEAR ? null
                : OpSet.fromTape(fused.activation().label(), new double[0]);

        Forward product = matmul.forward(new Tensor[] {inputs[0], inputs[1]});
        Forward linear = add.forward(new Tensor[] {product.output(), inputs[2]});
        Forward activated = activation == null ? null : activation.forward(new Tensor[] {linear.output()});

        Tensor gradient = dense.gradient();
        List<PendingEdge> edges = new ArrayList<>();
        Tensor linearGradient = gradient;
        int last = activation == null ? 1 : 2;
        if (activation != null) {
            Tensor[] back = backward(activation, activated, new int[][] {linear.output().shape()}, gradient);
            linearGradient = back[0];
            edges.add(new PendingEdge(-2, 2, 0, local(activation, activated, linear.output()), back[0],
                    activation.chainRule(0)));
        }
        Tensor[] addBack = backward(add, linear, new int[][] {product.output().shape(), inputs[2].shape()},
                linearGradient);
        edges.add(new PendingEdge(-1, 1, 0, null, addBack[0], add.chainRule(0)));
        edges.add(new PendingEdge(inputIndex[2], 1, 1, null, addBack[1], add.chainRule(1)));
        Tensor[] productBack = backward(matmul, product, new int[][] {inputs[0].shape(), inputs[1].shape()},
                addBack[0]);
        edges.add(new PendingEdge(inputIndex[0], 0, 0, null, productBack[0], matmul.chainRule(0)));
        edges.add(new PendingEdge(inputIndex[1], 0, 1, null, productBack[1], matmul.chainRule(1)));

        List<Step> steps = new ArrayList<>();
        steps.add(new Step(prefix + ".matmul", matmul, product.output(), addBack[0]));
        steps.add(new Step(prefix + ".linear", add, linear.output(), linearGradient));
        if (activation != null) {
            steps.add(new Step(prefix + "." + fused.activation().label(), activation, activated.output(), gradient));
        }
        assert steps.size() == last + 1;
        return new Opened(steps, edges);
    }

    /** A backward rule, or nulls when the forward pass failed and there is no gradient to send back. */
    private static Tensor[] backward(Op op, Forward forward, int[][] inputShapes, Tensor gradient) {
        if (gradient == null) {
            return new Tensor[inputShapes.length];
        }
        return op.backward(new BackwardContext(forward.saved(), inputShapes), gradient);
    }

    /** ∂node/∂input for a scalar node, as {@link ChainRuleTrace#of} keeps it; null for a tensor. */
    private static Tensor local(Op op, Forward forward, Tensor input) {
        if (forward.output().size() != 1) {
            return null;
        }
        return op.backward(new BackwardContext(forward.saved(), new int[][] {input.shape()}),
                Tensor.filled(forward.output().dtype(), forward.output().shape(), 1.0))[0];
    }
}

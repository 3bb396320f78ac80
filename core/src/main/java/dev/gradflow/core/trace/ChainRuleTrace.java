package dev.gradflow.core.trace;

import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.ops.BackwardContext;
import dev.gradflow.core.ops.Op;
import dev.gradflow.core.ops.OpSet;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.Tape;
import dev.gradflow.core.tape.TapeNode;
import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The backward pass of one batch with every step kept: each node's value and gradient, and each edge's share of the
 * chain rule. For the edge from input {@code u} into node {@code v}:
 * <ul>
 *   <li>{@code upstream} is ∂output/∂v, the gradient {@code v} has when the backward pass reaches it;</li>
 *   <li>{@code contribution} is what {@code v}'s backward rule sends to {@code u} from it, ∂output/∂v · ∂v/∂u;</li>
 *   <li>{@code local} is ∂v/∂u itself where {@code v} is a scalar: the rule run with an upstream of 1, a number
 *       for a scalar {@code u} (the chapter's partial derivatives), the gradient vector of {@code v} with respect
 *       to {@code u} otherwise. For a tensor {@code v} the local derivative is a Jacobian, and the edge keeps only
 *       the contribution.</li>
 * </ul>
 * A node's gradient is the sum of the contributions on its outgoing edges (the chapter's gradient of a sum: a value
 * used twice gets both shares), and the output's is 1.
 *
 * @param nodes in the tape's order
 * @param edges every (input, node) pair, in the order the backward pass visits them: nodes from last to first, each
 *     node's inputs in order
 * @param output the index of the output node
 * @param failure where and why the batch failed, or null: a forward pass that failed is traced up to and including
 *     the failing node, with values and no gradients
 */
public record ChainRuleTrace(List<Node> nodes, List<Edge> edges, int output, Failure failure) {
    public ChainRuleTrace {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    public ChainRuleTrace(List<Node> nodes, List<Edge> edges, int output) {
        this(nodes, edges, output, null);
    }

    /**
     * Where a batch failed.
     *
     * @param node the index of the node whose value or gradient was not finite
     * @param message the batch's failure reason
     */
    public record Failure(int node, String message) {
    }

    /** Whether the backward pass ran: a trace of a failed forward pass has values only. */
    public boolean hasGradients() {
        return nodes.isEmpty() || nodes.get(0).gradient() != null;
    }

    /**
     * A forward pass that failed at its last node: the graph so far with every value, including the failing one,
     * and no gradients.
     *
     * @param nodes the tape's nodes up to and including the failing one
     * @param values their values
     */
    public static ChainRuleTrace failedForward(List<TapeNode> nodes, List<Tensor> values, String message) {
        List<Node> traced = new ArrayList<>(nodes.size());
        List<Edge> edges = new ArrayList<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            TapeNode node = nodes.get(i);
            for (int j = 0; j < node.inputs().length; j++) {
                edges.add(new Edge(node.inputs()[j], i, j, null, null, null,
                        OpSet.fromTape(node.op(), node.attributes()).chainRule(j)));
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            TapeNode node = nodes.get(i);
            traced.add(new Node(i, node.name(), node.kind(), node.op(), attributes(node), values.get(i), null));
        }
        return new ChainRuleTrace(traced, edges, nodes.size() - 1, new Failure(nodes.size() - 1, message));
    }

    /** The same trace, failed at {@code node}: a backward pass that produced a NaN or an infinity. */
    public ChainRuleTrace failedAt(int node, String message) {
        return new ChainRuleTrace(nodes, edges, output, new Failure(node, message));
    }

    /**
     * One node.
     *
     * @param op the op's name, or null for a leaf
     * @param attributes the op's attributes as its tape records them (a dense op's activation, pow's exponent);
     *     empty for a leaf
     * @param gradient ∂output/∂node, zeros for a node the output does not depend on; null when the forward pass
     *     failed
     */
    public record Node(int index, String name, NodeKind kind, String op, List<Double> attributes, Tensor value,
            Tensor gradient) {
        public Node {
            attributes = List.copyOf(attributes);
        }
    }

    private static List<Double> attributes(TapeNode node) {
        List<Double> attributes = new ArrayList<>(node.attributes().length);
        for (double attribute : node.attributes()) {
            attributes.add(attribute);
        }
        return attributes;
    }

    /**
     * One use of a node by another.
     *
     * @param from the input's index
     * @param to the index of the node that reads it
     * @param position which input of {@code to} it is
     * @param local ∂to/∂from, shaped like {@code from}, where {@code to} is a scalar; else null
     * @param upstream ∂output/∂to; null when the forward pass failed
     * @param contribution what flows into {@code from} along this edge; null when the forward pass failed
     * @param rule the form of the contribution in terms of the upstream gradient G ({@link Op#chainRule})
     */
    public record Edge(int from, int to, int position, Tensor local, Tensor upstream, Tensor contribution,
            String rule) {
    }

    /** Traces a recorded batch: its tape and every node's value ({@link ForwardPass#recordWithValues}). */
    public static ChainRuleTrace of(ForwardPass.Recorded recorded) {
        Tape tape = recorded.tape();
        List<TapeNode> tapeNodes = tape.nodes();
        int count = tapeNodes.size();
        Tensor[] gradients = new Tensor[count];
        gradients[tape.output()] = Tensor.filled(tape.dtype(), tape.outputValue().shape(), 1.0);
        List<Edge> edges = new ArrayList<>();
        for (int i = tape.output(); i >= 0; i--) {
            TapeNode node = tapeNodes.get(i);
            if (node.kind() != NodeKind.OP || gradients[i] == null) {
                continue;
            }
            Op op = OpSet.fromTape(node.op(), node.attributes());
            int[][] inputShapes = new int[node.inputs().length][];
            for (int j = 0; j < inputShapes.length; j++) {
                inputShapes[j] = tapeNodes.get(node.inputs()[j]).shape();
            }
            BackwardContext context = new BackwardContext(node.saved(), inputShapes);
            Tensor[] contributions = op.backward(context, gradients[i]);
            Tensor[] locals = null;
            if (recorded.values().get(i).size() == 1) {
                locals = op.backward(context, Tensor.filled(tape.dtype(), node.shape(), 1.0));
            }
            for (int j = 0; j < node.inputs().length; j++) {
                int input = node.inputs()[j];
                if (contributions[j] == null) {
                    continue;
                }
                Tensor local = locals != null ? locals[j] : null;
                edges.add(new Edge(input, i, j, local, gradients[i], contributions[j], op.chainRule(j)));
                gradients[input] = gradients[input] == null ? contributions[j] : gradients[input].plus(contributions[j]);
            }
        }
        List<Node> nodes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            TapeNode node = tapeNodes.get(i);
            Tensor value = recorded.values().get(i);
            nodes.add(new Node(i, node.name(), node.kind(), node.op(), attributes(node), value,
                    gradients[i] != null ? gradients[i] : Tensor.zeros(tape.dtype(), value.shape())));
        }
        return new ChainRuleTrace(nodes, edges, tape.output());
    }

    /** The node with this name. */
    public Node node(String name) {
        return nodes.stream().filter(node -> node.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node named \"" + name + "\""));
    }

    /** The edges out of a node: the uses whose contributions make its gradient. */
    public List<Edge> uses(int node) {
        return Collections.unmodifiableList(edges.stream().filter(edge -> edge.from() == node).toList());
    }

    /** The edge from {@code from} into {@code to} (the first, when {@code to} reads {@code from} twice). */
    public Edge edge(String from, String to) {
        int source = node(from).index();
        int target = node(to).index();
        return edges.stream().filter(edge -> edge.from() == source && edge.to() == target).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no edge " + from + " → " + to));
    }
}

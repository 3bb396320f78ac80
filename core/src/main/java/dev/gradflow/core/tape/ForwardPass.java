package dev.gradflow.core.tape;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.graph.Feeds;
import dev.gradflow.core.graph.GraphNode;
import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.ops.Forward;
import dev.gradflow.core.ops.Op;
import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs a compiled graph on one batch and records the tape. */
public final class ForwardPass {
    private ForwardPass() {
    }

    /** {@link #record(CompiledGraph, Map, long)} with batch seed 0. */
    public static Tape record(CompiledGraph graph, Map<String, Tensor> feeds) {
        return record(graph, feeds, 0);
    }

    /**
     * Checks the batch against the graph, then evaluates every node in order.
     *
     * @param feeds one tensor per input and target of the graph, by name
     * @param batchSeed mixed into the seed of every op that draws random numbers (dropout), so that each batch
     *     gets its own mask and a replayed batch the same one
     * @throws DefinitionException naming the fed tensor ({@code inputs.x}) or the node that failed
     * @throws NonFiniteException naming the first op whose output holds a NaN or an infinity
     */
    public static Tape record(CompiledGraph graph, Map<String, Tensor> feeds, long batchSeed) {
        return recordWithValues(graph, feeds, batchSeed).tape();
    }

    /**
     * A tape and the value of every node, leaves included: what a picture of the graph shows, which the tape alone
     * does not hold (it keeps only what the backward rules read).
     *
     * @param values by node index, in the tape's order
     */
    public record Recorded(Tape tape, List<Tensor> values) {
        public Recorded {
            values = List.copyOf(values);
        }
    }

    /** {@link #record(CompiledGraph, Map, long)}, keeping every node's value. */
    public static Recorded recordWithValues(CompiledGraph graph, Map<String, Tensor> feeds, long batchSeed) {
        Feeds.check(graph, feeds);
        List<GraphNode> nodes = graph.nodes();
        Tensor[] values = new Tensor[nodes.size()];
        List<TapeNode> tape = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            GraphNode node = nodes.get(i);
            switch (node.kind()) {
                case INPUT, TARGET -> values[i] = feeds.get(node.name());
                case PARAMETER, CONSTANT -> values[i] = node.value();
                case OP -> {
                    Tensor[] inputs = new Tensor[node.inputs().length];
                    int[][] shapes = new int[inputs.length][];
                    for (int j = 0; j < inputs.length; j++) {
                        inputs[j] = values[node.inputs()[j]];
                        shapes[j] = inputs[j].shape();
                    }
                    Op op = node.op().forBatch(batchSeed);
                    Forward forward;
                    try {
                        op.outputShape(shapes);
                        forward = op.forward(inputs);
                    } catch (IllegalArgumentException e) {
                        throw new DefinitionException("batch", "node \"" + node.name() + "\": " + e.getMessage());
                    }
                    values[i] = forward.output();
                    try {
                        NonFiniteException.check(forward.output(), () -> "the output of node \"" + node.name()
                                + "\" (op \"" + op.name() + "\") in the forward pass");
                    } catch (NonFiniteException e) {
                        tape.add(new TapeNode(node.name(), NodeKind.OP, forward.output().shape(), op.name(),
                                op.attributes(), node.inputs(), List.of()));
                        List<Tensor> sofar = java.util.Arrays.asList(values).subList(0, i + 1);
                        throw new NonFiniteException(e.getMessage(), new Recorded(
                                new Tape(graph.dtype(), tape, i, forward.output()), sofar));
                    }
                    tape.add(new TapeNode(node.name(), NodeKind.OP, forward.output().shape(), op.name(),
                            op.attributes(), node.inputs(), forward.saved()));
                    continue;
                }
                default -> throw new IllegalStateException("unexpected node kind " + node.kind());
            }
            tape.add(TapeNode.leaf(node.name(), node.kind(), values[i].shape()));
        }
        return new Recorded(new Tape(graph.dtype(), tape, graph.output(), values[graph.output()]), List.of(values));
    }
}

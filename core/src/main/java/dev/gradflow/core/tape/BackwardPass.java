package dev.gradflow.core.tape;

import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.ops.BackwardContext;
import dev.gradflow.core.ops.Op;
import dev.gradflow.core.ops.OpSet;
import dev.gradflow.core.ops.UnknownOpException;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode differentiation over a {@link Tape} alone: the chain rule applied node by node from the output back
 * to the leaves.
 */
public final class BackwardPass {
    private BackwardPass() {
    }

    /**
     * Seeds ∂output/∂output = 1, then for each node from last to first turns its accumulated gradient into
     * contributions to its inputs, adding ({@code +=}) each contribution to what the input already has.
     *
     * @throws TapeException naming the node, when an op is unknown or its recorded values do not fit it
     * @throws NonFiniteException naming the first op whose gradient holds a NaN or an infinity
     */
    public static GradientSet run(Tape tape) {
        List<TapeNode> nodes = tape.nodes();
        checkOrder(tape);
        Tensor[] gradients = new Tensor[nodes.size()];
        gradients[tape.output()] = Tensor.filled(tape.dtype(), tape.outputValue().shape(), 1.0);
        for (int i = tape.output(); i >= 0; i--) {
            TapeNode node = nodes.get(i);
            Tensor gradient = gradients[i];
            if (node.kind() != NodeKind.OP || gradient == null) {
                continue;
            }
            Tensor[] contributions = backward(node, i, gradient, nodes);
            for (int j = 0; j < node.inputs().length; j++) {
                if (contributions[j] != null) {
                    int input = node.inputs()[j];
                    gradients[input] = gradients[input] == null ? contributions[j]
                            : gradients[input].plus(contributions[j]);
                }
            }
            gradients[i] = null;
        }
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            TapeNode node = nodes.get(i);
            Tensor gradient = gradients[i] != null ? gradients[i] : Tensor.zeros(tape.dtype(), node.shape());
            if (node.kind() == NodeKind.PARAMETER) {
                parameters.put(node.name(), gradient);
            } else if (node.kind() == NodeKind.INPUT) {
                inputs.put(node.name(), gradient);
            }
        }
        return new GradientSet(tape.outputValue(), parameters, inputs);
    }

    private static Tensor[] backward(TapeNode node, int index, Tensor gradient, List<TapeNode> nodes) {
        Op op;
        try {
            op = OpSet.fromTape(node.op(), node.attributes());
        } catch (UnknownOpException e) {
            throw new TapeException(where(node, index) + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new TapeException(where(node, index) + "bad attributes: " + e.getMessage(), e);
        }
        if (node.inputs().length != op.arity()) {
            throw new TapeException(where(node, index) + "recorded " + node.inputs().length + " inputs, the op takes "
                    + op.arity());
        }
        int[][] inputShapes = new int[node.inputs().length][];
        for (int j = 0; j < inputShapes.length; j++) {
            inputShapes[j] = nodes.get(node.inputs()[j]).shape();
        }
        Tensor[] contributions;
        try {
            contributions = op.backward(new BackwardContext(node.saved(), inputShapes), gradient);
        } catch (IndexOutOfBoundsException e) {
            throw new TapeException(where(node, index) + "the tape records " + node.saved().size()
                    + " saved tensor" + (node.saved().size() == 1 ? "" : "s")
                    + ", fewer than its backward rule reads", e);
        } catch (RuntimeException e) {
            throw new TapeException(where(node, index) + "the recorded values do not fit the op: "
                    + e.getMessage(), e);
        }
        for (int j = 0; j < contributions.length; j++) {
            if (contributions[j] != null) {
                int input = j;
                NonFiniteException.check(contributions[j], () -> "the gradient node \"" + node.name()
                        + "\" (op \"" + node.op() + "\") sends to its input " + input + " (node \""
                        + nodes.get(node.inputs()[input]).name() + "\") in the backward pass");
            }
            if (contributions[j] != null && !contributions[j].hasShape(inputShapes[j])) {
                throw new TapeException(where(node, index) + "gradient for input " + j + " has shape "
                        + Shapes.format(contributions[j].shape()) + ", the input has "
                        + Shapes.format(inputShapes[j]));
            }
        }
        return contributions;
    }

    /** The start of a failure's message; built only when one fails, not for every node of every pass. */
    private static String where(TapeNode node, int index) {
        return "failed to compute gradient for node \"" + node.name() + "\" (#" + index + ", op \"" + node.op()
                + "\"): ";
    }

    /** A tape is usable only in execution order: every input index below its reader's own. */
    private static void checkOrder(Tape tape) {
        List<TapeNode> nodes = tape.nodes();
        if (tape.output() < 0 || tape.output() >= nodes.size()) {
            throw new TapeException("output index " + tape.output() + " is outside the tape of " + nodes.size()
                    + " nodes");
        }
        if (!tape.outputValue().hasShape(nodes.get(tape.output()).shape())) {
            throw new TapeException("the output value's shape does not match node \""
                    + nodes.get(tape.output()).name() + "\"");
        }
        for (int i = 0; i < nodes.size(); i++) {
            for (int input : nodes.get(i).inputs()) {
                if (input < 0 || input >= i) {
                    throw new TapeException("node \"" + nodes.get(i).name() + "\" (#" + i + ") reads node #" + input
                            + ", which does not come before it");
                }
            }
        }
    }
}

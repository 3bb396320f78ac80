package dev.gradflow.gradient.service;

import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.NonFiniteException;
import dev.gradflow.core.tape.TapeNode;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.tape.TapeException;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.core.wire.TapeRecord;

/**
 * Turns a tape record into the gradient record that answers its batch. Every tape gets an answer: a failed
 * forward pass, a tape the backward pass cannot run (an unknown op, say) and a gradient holding a NaN or an
 * infinity all become failed gradient records naming the cause, so no non-finite gradient is ever published.
 */
public final class GradientCalculator {
    private GradientCalculator() {
    }

    /**
     * @param tapeBytes the value of a record on {@code tapes}
     * @param maxNodes the largest tape accepted, in nodes
     * @param maxTensorElements the largest saved tensor accepted, in elements
     * @throws dev.gradflow.core.wire.WireFormatException when the bytes are not a tape record; without a batch id
     *     there is nobody to answer, so the caller dead-letters the record
     */
    public static GradientRecord answer(byte[] tapeBytes, int maxNodes, long maxTensorElements) {
        TapeRecord tape = TapeRecord.decode(tapeBytes);
        if (tape.isFailed()) {
            return GradientRecord.failed(tape.batchId(), tape.networkId(), tape.failure());
        }
        String tooLarge = tooLarge(tape, maxNodes, maxTensorElements);
        if (tooLarge != null) {
            return GradientRecord.failed(tape.batchId(), tape.networkId(), tooLarge);
        }
        try {
            return GradientRecord.ok(tape.batchId(), tape.networkId(), BackwardPass.run(tape.tape()));
        } catch (TapeException | NonFiniteException e) {
            return GradientRecord.failed(tape.batchId(), tape.networkId(), e.getMessage());
        }
    }

    private static String tooLarge(TapeRecord tape, int maxNodes, long maxTensorElements) {
        int nodes = tape.tape().nodes().size();
        if (nodes > maxNodes) {
            return "the tape has " + nodes + " nodes, more than the limit " + maxNodes
                    + " (gradflow.gradient.max-tape-nodes)";
        }
        for (TapeNode node : tape.tape().nodes()) {
            for (Tensor saved : node.saved()) {
                if (saved.size() > maxTensorElements) {
                    return "node \"" + node.name() + "\" saved a tensor of " + saved.size() + " elements, more than"
                            + " the limit " + maxTensorElements + " (gradflow.gradient.max-tensor-elements)";
                }
            }
        }
        return null;
    }
}

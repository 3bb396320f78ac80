package dev.gradflow.gradient.service;

import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.Classification;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.trace.ChainRuleTrace;
import dev.gradflow.core.tape.NonFiniteException;
import dev.gradflow.core.tape.TapeNode;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.tape.TapeException;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.core.wire.AnswerTopic;
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
     * A tape's answer, and for a failed one the class of its failure.
     *
     * @param failure null when the answer is not failed
     * @param answerTopic where the batch asked to be answered
     */
    public record Answered(GradientRecord record, FailureReason failure, AnswerTopic answerTopic) {
        static Answered failed(TapeRecord tape, FailureReason failure, String message) {
            return new Answered(GradientRecord.failed(tape.batchId(), tape.networkId(), message), failure,
                    tape.answerTopic());
        }

        Answered withTrace(ChainRuleTrace trace) {
            return new Answered(record.withTrace(trace), failure, answerTopic);
        }

        /** The samples its gradients cover (those of the inputs have the inputs' shapes); 1 for a failed one. */
        public int samples() {
            return record.isFailed() ? 1 : BatchRecord.samplesOf(record.gradients().inputs().values());
        }
    }

    /**
     * @param tapeBytes the value of a record on {@code tapes}
     * @param maxNodes the largest tape accepted, in nodes
     * @param maxTensorElements the largest saved tensor accepted, in elements
     * @throws dev.gradflow.core.wire.WireFormatException when the bytes are not a tape record; without a batch id
     *     there is nobody to answer, so the caller dead-letters the record
     */
    public static Answered answer(byte[] tapeBytes, int maxNodes, long maxTensorElements) {
        TapeRecord tape = TapeRecord.decode(tapeBytes);
        if (tape.isFailed()) {
            Answered failed = Answered.failed(tape, FailureReason.FAILED_UPSTREAM, tape.failure());
            return tape.failedTrace() == null ? failed : failed.withTrace(tape.failedTrace());
        }
        String tooLarge = tooLarge(tape, maxNodes, maxTensorElements);
        if (tooLarge != null) {
            return Answered.failed(tape, FailureReason.LIMIT, tooLarge);
        }
        try {
            Answered answered = new Answered(GradientRecord.ok(tape.batchId(), tape.networkId(),
                    BackwardPass.run(tape.tape()), Classification.correct(tape.tape())), null, tape.answerTopic());
            return tape.values() == null ? answered : answered.withTrace(trace(tape));
        } catch (TapeException e) {
            return Answered.failed(tape, FailureReason.INVALID_TAPE, e.getMessage());
        } catch (NonFiniteException e) {
            Answered failed = Answered.failed(tape, FailureReason.NON_FINITE, e.getMessage());
            if (tape.values() == null) {
                return failed;
            }
            ChainRuleTrace trace = trace(tape);
            return failed.withTrace(trace.failedAt(firstNonFiniteGradient(trace), e.getMessage()));
        }
    }

    /**
     * The chain rule step by step, for a traced tape: the backward pass again, keeping every node's gradient and
     * every edge's local derivative and contribution. Its leaves' gradients are the backward pass's, bit for bit.
     */
    private static ChainRuleTrace trace(TapeRecord tape) {
        return ChainRuleTrace.of(new ForwardPass.Recorded(tape.tape(), tape.values()));
    }

    /** The node where the backward pass first met a NaN or an infinity: the first from the output down. */
    private static int firstNonFiniteGradient(ChainRuleTrace trace) {
        for (int i = trace.output(); i >= 0; i--) {
            if (trace.nodes().get(i).gradient().firstNonFinite() >= 0) {
                return i;
            }
        }
        return trace.output();
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
        if (tape.values() != null) {
            for (int i = 0; i < nodes; i++) {
                if (tape.values().get(i).size() > maxTensorElements) {
                    return "node \"" + tape.tape().nodes().get(i).name() + "\" has a value of "
                            + tape.values().get(i).size() + " elements, more than the limit " + maxTensorElements
                            + " (gradflow.gradient.max-tensor-elements)";
                }
            }
        }
        return null;
    }
}

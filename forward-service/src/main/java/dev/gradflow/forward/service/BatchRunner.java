package dev.gradflow.forward.service;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.NonFiniteException;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.trace.ChainRuleTrace;
import dev.gradflow.core.wire.AnswerTopic;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.TraceRequest;
import dev.gradflow.core.wire.TapeRecord;
import java.util.List;

/** Runs one batch through its compiled network. A batch the network cannot run becomes a failed tape record. */
public final class BatchRunner {
    private BatchRunner() {
    }

    /**
     * A batch's tape record, and for a failed one the class of its failure.
     *
     * @param failure null when the tape is not failed
     * @param nodeValues every node's value, from the forward pass that recorded the tape; empty for a failed one
     */
    public record Taped(TapeRecord tape, FailureReason failure, List<Tensor> nodeValues) {
        static Taped failed(BatchRecord batch, FailureReason failure, String message) {
            return new Taped(TapeRecord.failed(batch.batchId(), batch.networkId(), message)
                    .answeredOn(batch.answerTopic()), failure, List.of());
        }

        /**
         * The record's bytes, with the saved op outputs that cost at most {@code maxWorkPerByte} to recompute per
         * byte sent as recipes ({@link TapeRecord#encodeRecomputing}).
         */
        public byte[] encode(double maxWorkPerByte) {
            return tape.isFailed() ? tape.encode() : tape.encodeRecomputing(nodeValues, maxWorkPerByte);
        }
    }

    /**
     * Records the batch's tape, with the parameters the batch brings (a training job's current ones) or else the
     * definition's. The batch's seed (for dropout masks) is part of the batch ({@link BatchRecord#seed()}), so a
     * redelivered batch draws the same masks and gets the same gradients. The tape is answered where the batch
     * asked.
     */
    public static Taped run(BatchRecord batch, CompiledGraph graph) {
        return run(batch, graph, false);
    }

    /**
     * {@link #run(BatchRecord, CompiledGraph)}, tracing the batch when it asks to be ({@link TraceRequest}): its tape
     * then carries every node's value, and a forward pass that fails at a node carries the graph up to that node.
     * Batches answered to a job are never traced: a job reads only their gradients.
     *
     * @param definitionTraces whether the network's definition says {@code "trace": true}
     */
    public static Taped run(BatchRecord batch, CompiledGraph graph, boolean definitionTraces) {
        boolean traceable = batch.answerTopic() == AnswerTopic.GRADIENTS && batch.trace() != TraceRequest.NEVER;
        try {
            CompiledGraph withParameters = batch.parameters().isEmpty() ? graph
                    : graph.withParameters(batch.parameters());
            ForwardPass.Recorded recorded = ForwardPass.recordWithValues(withParameters, batch.tensors(),
                    batch.seed());
            TapeRecord tape = TapeRecord.ok(batch.batchId(), batch.networkId(), recorded.tape())
                    .answeredOn(batch.answerTopic());
            if (traceable && batch.trace().traces(definitionTraces, elements(recorded.values()))) {
                tape = tape.withValues(recorded.values());
            }
            return new Taped(tape, null, recorded.values());
        } catch (DefinitionException e) {
            return Taped.failed(batch, FailureReason.INVALID_BATCH, e.getMessage());
        } catch (NonFiniteException e) {
            Taped failed = Taped.failed(batch, FailureReason.NON_FINITE, e.getMessage());
            ForwardPass.Recorded partial = e.partial();
            if (traceable && partial != null
                    && batch.trace().traces(definitionTraces, elements(partial.values()))) {
                return new Taped(failed.tape().withFailedTrace(ChainRuleTrace.failedForward(
                        partial.tape().nodes(), partial.values(), e.getMessage())), failed.failure(), List.of());
            }
            return failed;
        }
    }

    private static long elements(List<Tensor> values) {
        long elements = 0;
        for (Tensor value : values) {
            elements += value.size();
        }
        return elements;
    }
}

package dev.gradflow.forward.service;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.NonFiniteException;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.TapeRecord;

/** Runs one batch through its compiled network. A batch the network cannot run becomes a failed tape record. */
public final class BatchRunner {
    private BatchRunner() {
    }

    /**
     * A batch's tape record, and for a failed one the class of its failure.
     *
     * @param failure null when the tape is not failed
     */
    public record Taped(TapeRecord tape, FailureReason failure) {
        static Taped failed(BatchRecord batch, FailureReason failure, String message) {
            return new Taped(TapeRecord.failed(batch.batchId(), batch.networkId(), message)
                    .answeredOn(batch.answerTopic()), failure);
        }
    }

    /**
     * Records the batch's tape, with the parameters the batch brings (a training job's current ones) or else the
     * definition's. The batch's seed (for dropout masks) is part of the batch ({@link BatchRecord#seed()}), so a
     * redelivered batch draws the same masks and gets the same gradients. The tape is answered where the batch
     * asked.
     */
    public static Taped run(BatchRecord batch, CompiledGraph graph) {
        try {
            CompiledGraph withParameters = batch.parameters().isEmpty() ? graph
                    : graph.withParameters(batch.parameters());
            return new Taped(TapeRecord.ok(batch.batchId(), batch.networkId(),
                    ForwardPass.record(withParameters, batch.tensors(), batch.seed()))
                    .answeredOn(batch.answerTopic()), null);
        } catch (DefinitionException e) {
            return Taped.failed(batch, FailureReason.INVALID_BATCH, e.getMessage());
        } catch (NonFiniteException e) {
            return Taped.failed(batch, FailureReason.NON_FINITE, e.getMessage());
        }
    }
}

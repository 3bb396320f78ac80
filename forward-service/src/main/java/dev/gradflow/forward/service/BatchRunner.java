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
     * Records the batch's tape. The batch's seed (for dropout masks) derives from its id ({@link BatchRecord#seed()}),
     * so a redelivered batch draws the same masks and gets the same gradients.
     */
    public static TapeRecord run(BatchRecord batch, CompiledGraph graph) {
        try {
            return TapeRecord.ok(batch.batchId(), batch.networkId(),
                    ForwardPass.record(graph, batch.tensors(), batch.seed()));
        } catch (DefinitionException | NonFiniteException e) {
            return TapeRecord.failed(batch.batchId(), batch.networkId(), e.getMessage());
        }
    }
}

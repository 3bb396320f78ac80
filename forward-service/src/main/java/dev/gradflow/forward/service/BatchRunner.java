package dev.gradflow.forward.service;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.NonFiniteException;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.TapeRecord;
import java.nio.charset.StandardCharsets;

/** Runs one batch through its compiled network. A batch the network cannot run becomes a failed tape record. */
public final class BatchRunner {
    private BatchRunner() {
    }

    /**
     * Records the batch's tape. The batch's seed (for dropout masks) derives from its id, so a redelivered batch
     * draws the same masks and gets the same gradients.
     */
    public static TapeRecord run(BatchRecord batch, CompiledGraph graph) {
        try {
            return TapeRecord.ok(batch.batchId(), batch.networkId(),
                    ForwardPass.record(graph, batch.tensors(), seedOf(batch.batchId())));
        } catch (DefinitionException | NonFiniteException e) {
            return TapeRecord.failed(batch.batchId(), batch.networkId(), e.getMessage());
        }
    }

    /** A 64-bit seed from the batch id (FNV-1a over its UTF-8 bytes): stable across JVMs and restarts. */
    static long seedOf(String batchId) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : batchId.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        return hash;
    }
}

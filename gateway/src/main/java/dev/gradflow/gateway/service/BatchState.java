package dev.gradflow.gateway.service;

import dev.gradflow.core.wire.GradientRecord;

/**
 * What the gateway knows of a batch.
 *
 * @param batchId the batch
 * @param networkId its network
 * @param result the answer from {@code gradients}, or null while the batch is pending
 */
public record BatchState(String batchId, String networkId, GradientRecord result) {

    /** The three states a client sees. */
    public enum Status {
        PENDING, DONE, FAILED
    }

    public Status status() {
        if (result == null) {
            return Status.PENDING;
        }
        return result.isFailed() ? Status.FAILED : Status.DONE;
    }
}

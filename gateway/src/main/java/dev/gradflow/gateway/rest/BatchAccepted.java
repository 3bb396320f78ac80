package dev.gradflow.gateway.rest;

/** Answer to a submission: the id under which the result will appear, at {@code GET /batches/{batchId}}. */
public record BatchAccepted(String batchId, String networkId, String status) {
}

package dev.gradflow.forward.service;

/**
 * What one batch record becomes: a tape record for {@code tapes}, or, when the bytes are not a batch record at
 * all, the same bytes for {@code batches-dead-letters} with the reason.
 *
 * @param key the record key to write
 * @param value the record value to write
 * @param deadLetterReason why the record is dead-lettered, or null for a tape
 * @param label the outcome's metric tag: ok, failed or dead-lettered
 */
public record Outcome(String key, byte[] value, String deadLetterReason, String label) {
}

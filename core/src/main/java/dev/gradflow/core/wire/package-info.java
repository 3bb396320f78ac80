/**
 * Binary, versioned, self-describing encodings of tensors and of the three record types that travel on Kafka:
 * {@link dev.gradflow.core.wire.BatchRecord} (topic {@code batches}), {@link dev.gradflow.core.wire.TapeRecord}
 * ({@code tapes}) and {@link dev.gradflow.core.wire.GradientRecord} ({@code gradients}). The byte layouts are
 * specified in {@code docs/wire-format.md}; they are a public API, since producers of their own may write batches.
 *
 * <p>Every record starts with a four-byte magic and a version byte, and a reader rejects an unknown magic or
 * version instead of guessing. Header integers are big-endian; tensor elements are written little-endian and the
 * byte-order flag of each tensor says so, so a reader never assumes either.
 */
package dev.gradflow.core.wire;

/**
 * The exactly-once read-process-write step that the forward-service (batches → tapes) and the gradient-service
 * (tapes → gradients) share.
 *
 * <p>{@link dev.gradflow.exactlyonce.ExactlyOnceStream} reads a topic with a {@code read_committed} consumer, hands
 * each record in order to a {@link dev.gradflow.exactlyonce.RecordHandler} on one worker thread, and commits every
 * result that is ready, with the consumed offsets, in one Kafka transaction. Work on the next records overlaps the
 * commit of the last ones, and light load never waits for a batch to fill: whatever is ready is committed at once.
 * An {@link dev.gradflow.exactlyonce.Outcome} is either an answer for the output topic or a dead letter, which keeps
 * the original key and value and says why in its headers ({@link dev.gradflow.exactlyonce.DeadLetters}).
 *
 * <p>{@link dev.gradflow.exactlyonce.StatefulStream} is the same guarantee for a handler with state (the
 * job-service's jobs): the state lives in memory and in a compacted state topic written in the same transactions,
 * and is restored from it whenever a partition changes hands or a transaction fails.
 */
package dev.gradflow.exactlyonce;

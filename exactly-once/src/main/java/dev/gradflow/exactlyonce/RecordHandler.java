package dev.gradflow.exactlyonce;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The processing of one input record. Called on the stream's single worker thread, one record at a time, in the
 * order the consumer returned them, so a partition's records are handled in order. It must be deterministic:
 * after a crash or an aborted transaction the same record is handled again, and only one of the results is ever
 * committed.
 */
@FunctionalInterface
public interface RecordHandler {

    /**
     * What {@code record} becomes. An exception that escapes is a bug in the handler: the stream dead-letters the
     * record with the exception as the reason rather than retrying it forever.
     *
     * @throws InterruptedException when the stream is stopping while the handler waits
     */
    Outcome handle(ConsumerRecord<String, byte[]> record) throws InterruptedException;
}

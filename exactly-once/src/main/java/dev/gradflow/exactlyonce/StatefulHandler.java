package dev.gradflow.exactlyonce;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What a {@link StatefulStream} runs: a handler whose state per input partition lives in memory and, as records on
 * the state topic's partition of the same number, in Kafka. Called on the stream's one thread only.
 */
public interface StatefulHandler {

    /**
     * Handles one record and returns what it produces. State records (for the state topic's partition of the
     * record's partition number) may be among them, or come from {@link #changedState} at the end of the transaction.
     * It may change the in-memory state of that partition; the stream commits the outputs and the input's offset
     * in one transaction, or, when that fails, has the state {@link #restore restored} and the input read again.
     *
     * @throws RejectedRecordException when the record is not one of the input topic's: the stream dead-letters it
     *     with the reason
     * @throws RuntimeException a bug: the stream dead-letters the record with the exception's message
     */
    List<ProducerRecord<String, byte[]>> handle(ConsumerRecord<String, byte[]> record);

    /**
     * The state records of what the records handled since the last call changed, each key once: called once per
     * transaction, after its last record, so that a key changed by many records of one poll is encoded and written
     * once, its latest value being all a restore reads.
     */
    default List<ProducerRecord<String, byte[]>> changedState() {
        return List.of();
    }

    /** A record that is not what the input topic carries, with the reason; it becomes a dead letter. */
    final class RejectedRecordException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public RejectedRecordException(String reason) {
            super(reason);
        }
    }

    /**
     * Replaces the state of input partition {@code partition} with what its state partition holds.
     *
     * @param state the latest value of every key of the state partition, tombstoned keys left out
     */
    void restore(int partition, Map<String, byte[]> state);

    /** Forgets the state of a partition this instance no longer owns. */
    void drop(int partition);
}

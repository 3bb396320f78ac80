package dev.gradflow.kafka.broker;

import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the services' tests do with Kafka, on top of {@link KafkaCompanion}: write a keyed binary record, and wait
 * for the first record of a topic that matches. Topics are read from the beginning, so a test can look for its own
 * record (by batch id, say) among those of other tests sharing the broker, and with {@code read_committed}, as
 * gradflow's own consumers read, so a record of an aborted transaction is never seen.
 */
public final class TopicProbe implements AutoCloseable {
    /** Room for the largest records gradflow sends. */
    private static final String MAX_FETCH_BYTES = String.valueOf(EmbeddedKafkaBroker.DEFAULT_MAX_MESSAGE_BYTES);

    private final KafkaCompanion companion;
    private final Duration timeout;

    public TopicProbe(String bootstrapServers, Duration timeout) {
        this.companion = new KafkaCompanion(bootstrapServers);
        this.timeout = timeout;
    }

    /** Writes one record and waits for the broker to acknowledge it. */
    public void produce(String topic, String key, byte[] value) {
        companion.produce(String.class, byte[].class)
                .withProp("max.request.size", MAX_FETCH_BYTES)
                .fromRecords(new ProducerRecord<>(topic, key, value))
                .awaitCompletion(timeout);
    }

    /** The first record of {@code topic}, from its beginning, that matches; fails after the timeout. */
    public ConsumerRecord<String, byte[]> awaitRecord(String topic, Predicate<ConsumerRecord<String, byte[]>> match) {
        return companion.consume(String.class, byte[].class)
                .withOffsetReset("earliest")
                .withProp("isolation.level", "read_committed")
                .withProp("max.partition.fetch.bytes", MAX_FETCH_BYTES)
                .fromTopics(topic, records -> records.filter(match).select().first())
                .awaitCompletion(timeout)
                .getFirstRecord();
    }

    /**
     * Every record of {@code topic} from its beginning up to and including the first that matches {@code last}:
     * write a marker record after the ones of interest, and this reads exactly what came before it.
     */
    public List<ConsumerRecord<String, byte[]>> readUntil(String topic, Predicate<ConsumerRecord<String, byte[]>> last) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        companion.consume(String.class, byte[].class)
                .withOffsetReset("earliest")
                .withProp("isolation.level", "read_committed")
                .withProp("max.partition.fetch.bytes", MAX_FETCH_BYTES)
                // invoke sees every record, the marker too; the stream ends at the marker (select().first takes
                // records while the predicate holds).
                .fromTopics(topic, stream -> stream.invoke(records::add).select().first(record -> !last.test(record)))
                .awaitCompletion(timeout);
        return records;
    }

    @Override
    public void close() {
        companion.close();
    }
}

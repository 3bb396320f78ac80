package dev.gradflow.kafka.broker;

import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

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
    private final String bootstrapServers;
    private final Duration timeout;

    public TopicProbe(String bootstrapServers, Duration timeout) {
        this.companion = new KafkaCompanion(bootstrapServers);
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
    }

    /** Writes one record and waits for the broker to acknowledge it. */
    public void produce(String topic, String key, byte[] value) {
        produce(new ProducerRecord<>(topic, key, value));
    }

    /** Writes one record, headers and all, and waits for the broker to acknowledge it. */
    public void produce(ProducerRecord<String, byte[]> record) {
        companion.produce(String.class, byte[].class)
                .withProp("max.request.size", MAX_FETCH_BYTES)
                .fromRecords(record)
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
     * Every committed record of {@code topic} at the time of the call, over all its partitions: the records up to
     * each partition's last stable offset. A test that waited for the broker to acknowledge its writes reads
     * exactly those writes and whatever came before, whatever partitions they went to.
     */
    public List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        Map<String, Object> properties = Map.of("bootstrap.servers", bootstrapServers,
                "isolation.level", "read_committed", "max.partition.fetch.bytes", MAX_FETCH_BYTES);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Instant deadline = Instant.now().plus(timeout);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    @Override
    public void close() {
        companion.close();
    }
}

package dev.gradflow.benchmarks.pipeline;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The size of the tape records one network's batches became: {@link #mark} remembers where {@code tapes} ends,
 * and {@link #medianBytes} later reads from there, with {@code read_committed}, up to a few of that network's
 * records. The size is the record value's, uncompressed (the producer compresses with lz4 on the wire).
 */
final class TapeSizes {
    private static final int SAMPLE = 20;
    private static final Duration READ_FOR = Duration.ofSeconds(20);

    private final Properties config = new Properties();
    private Map<TopicPartition, Long> start = Map.of();

    /** @param client bootstrap servers and, for a secure broker, the security properties */
    TapeSizes(Properties client) {
        config.putAll(client);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, CreateTopics.MAX_MESSAGE_BYTES);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, CreateTopics.MAX_MESSAGE_BYTES);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10");
    }

    /** Call before the network's first batch is sent. */
    void mark() {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer);
            // Assigned first: a read_committed consumer asked for the end of partitions it does not hold warns.
            consumer.assign(partitions);
            start = new HashMap<>(consumer.endOffsets(partitions));
        }
    }

    /** The median value size of the network's tapes written since {@link #mark}, or -1 if none was found. */
    long medianBytes(String networkId) {
        List<Long> sizes = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            partitions.forEach(p -> consumer.seek(p, start.getOrDefault(p, 0L)));
            long deadline = System.nanoTime() + READ_FOR.toNanos();
            while (sizes.size() < SAMPLE && System.nanoTime() < deadline && !reachedEnd(consumer, end)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (networkId.equals(networkIdOf(record.value()))) {
                        sizes.add((long) record.value().length);
                    }
                }
            }
        }
        return sizes.isEmpty() ? -1 : sizes.stream().sorted().toList().get(sizes.size() / 2);
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** The tape's network id: after magic "GFTP", version and the batch id (docs/wire-format.md). */
    private static String networkIdOf(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        buffer.position(5);
        int batchIdLength = buffer.getInt();
        buffer.position(buffer.position() + batchIdLength);
        byte[] id = new byte[buffer.getInt()];
        buffer.get(id);
        return new String(id, StandardCharsets.UTF_8);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        return consumer.partitionsFor("tapes", Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }
}

package dev.gradflow.benchmarks.pipeline;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads {@code gradients} with {@code read_committed} on a thread of its own and completes the answer each sent
 * batch waits for, by batch id. Only the record's header is parsed (magic, version, batch id, network id, status;
 * see docs/wire-format.md): decoding every gradient would cost the driver CPU the services need.
 *
 * <p>A batch submitted through the gateway gets its id only from the gateway's reply, and its answer may be read
 * before that reply arrives; such answers wait in {@link #unclaimed} until {@link #await} claims them.
 */
final class Answers implements AutoCloseable {
    /** When a batch was answered, and whether it failed. */
    record Answer(long answeredNanos, boolean failed, int bytes) {
    }

    private static final Duration POLL = Duration.ofMillis(50);
    /** Answers nobody waits for (other runs, batches given up on) are dropped after this long. */
    private static final long UNCLAIMED_NANOS = Duration.ofMinutes(2).toNanos();

    private final Map<String, CompletableFuture<Answer>> waiting = new ConcurrentHashMap<>();
    private final Map<String, Answer> unclaimed = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread reader;
    private volatile boolean running = true;
    private volatile Throwable failure;

    /** @param client bootstrap servers and, for a secure broker, the security properties */
    Answers(Properties client) {
        Properties config = new Properties();
        config.putAll(client);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, CreateTopics.MAX_MESSAGE_BYTES);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, CreateTopics.MAX_MESSAGE_BYTES);
        config.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, "-1");
        consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // Assigned, not subscribed: no group, no rebalance, and every partition from the current end.
        List<TopicPartition> partitions = consumer.partitionsFor("gradients", Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end now, before anything is sent
        reader = new Thread(this::read, "gradients-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Call before the batch can possibly be answered: before sending it. */
    CompletableFuture<Answer> expect(String batchId) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        waiting.put(batchId, answer);
        return answer;
    }

    /** For a batch whose id became known only after it was sent: its answer may already be here. */
    CompletableFuture<Answer> await(String batchId) {
        CompletableFuture<Answer> answer = expect(batchId);
        // Whoever takes the answer out of unclaimed, this thread or the reader, completes the future.
        Answer early = unclaimed.remove(batchId);
        if (early != null) {
            waiting.remove(batchId);
            answer.complete(early);
        }
        return answer;
    }

    void forget(String batchId) {
        waiting.remove(batchId);
    }

    void checkHealthy() {
        if (failure != null) {
            throw new IllegalStateException("reading gradients failed: " + failure, failure);
        }
    }

    private void read() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    long now = System.nanoTime();
                    ByteBuffer value = ByteBuffer.wrap(record.value());
                    value.position(5); // magic "GFGR" and version
                    String batchId = string(value);
                    string(value); // network id
                    Answer answer = new Answer(now, value.get() != 0, record.value().length);
                    CompletableFuture<Answer> waiter = waiting.remove(batchId);
                    if (waiter != null) {
                        waiter.complete(answer);
                    } else {
                        unclaimed.put(batchId, answer);
                        // A REST client may have claimed it between the two lookups.
                        CompletableFuture<Answer> late = waiting.remove(batchId);
                        if (late != null && unclaimed.remove(batchId) != null) {
                            late.complete(answer);
                        }
                    }
                }
                dropStale(System.nanoTime());
            }
        } catch (RuntimeException e) {
            if (running) {
                failure = e;
            }
        } finally {
            consumer.close();
        }
    }

    private void dropStale(long now) {
        for (Iterator<Answer> it = unclaimed.values().iterator(); it.hasNext(); ) {
            if (now - it.next().answeredNanos() > UNCLAIMED_NANOS) {
                it.remove();
            }
        }
    }

    private static String string(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.getInt()];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

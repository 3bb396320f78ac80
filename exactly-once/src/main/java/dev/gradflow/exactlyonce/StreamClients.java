package dev.gradflow.exactlyonce;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How gradflow's exactly-once streams set up, retry and close their Kafka clients: one {@code read_committed}
 * consumer in a group (a static member when an instance id is given) and one transactional producer whose
 * {@code transactional.id} is the member's name, both allowed records of 64 MiB.
 */
final class StreamClients {
    private static final Logger LOG = LoggerFactory.getLogger(StreamClients.class);
    /** Room for the largest records gradflow sends (the bundled broker's message.max.bytes). */
    static final String MAX_RECORD_BYTES = String.valueOf(64 << 20);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
    /** The longest wait between two transactions the broker refused as unauthorised. */
    static final Duration MAX_DENIED_BACKOFF = Duration.ofSeconds(8);

    private StreamClients() {
    }

    /**
     * Socket buffers sized by the operating system (-1), which grows them with the traffic, instead of Kafka's fixed
     * 64 KiB (consumer) and 128 KiB (producer): a tape or an answer is often megabytes, and with fixed buffers each
     * record crossed the socket in dozens of wake-ups of a busy thread. Measured with benchmarks/pipeline.sh on the
     * 2-core machine, together with the broker's: 784-256-128-10 x 256 float32 went from 6.9 to 8.7 batches/s.
     */
    static final String SOCKET_BUFFER_BYTES = "-1";

    /**
     * The consumer's properties.
     *
     * @param staticMember whether {@code memberName} is also the {@code group.instance.id}
     * @param overrides the service's own consumer properties, which win
     */
    static Map<String, Object> consumer(Map<String, Object> shared, String groupId, String memberName,
            boolean staticMember, Duration sessionTimeout, Duration heartbeatInterval, int maxPollRecords,
            Map<String, String> overrides) {
        Map<String, Object> properties = known(shared, ConsumerConfig.configNames());
        properties.put("group.id", groupId);
        properties.put("client.id", memberName);
        if (staticMember) {
            properties.put("group.instance.id", memberName);
        }
        properties.put("isolation.level", "read_committed");
        properties.put("enable.auto.commit", "false");
        properties.put("auto.offset.reset", "earliest");
        properties.put("session.timeout.ms", String.valueOf(sessionTimeout.toMillis()));
        properties.put("heartbeat.interval.ms", String.valueOf(heartbeatInterval.toMillis()));
        properties.put("max.poll.records", String.valueOf(maxPollRecords));
        properties.put("max.partition.fetch.bytes", MAX_RECORD_BYTES);
        properties.put("fetch.max.bytes", MAX_RECORD_BYTES);
        properties.put("receive.buffer.bytes", SOCKET_BUFFER_BYTES);
        properties.putAll(overrides);
        return properties;
    }

    /** The transactional producer's properties; {@code overrides} are the service's own, which win. */
    static Map<String, Object> producer(Map<String, Object> shared, String memberName, Duration transactionTimeout,
            Map<String, String> overrides) {
        Map<String, Object> properties = known(shared, ProducerConfig.configNames());
        properties.put("client.id", memberName);
        properties.put("transactional.id", memberName);
        properties.put("enable.idempotence", "true");
        properties.put("acks", "all");
        properties.put("transaction.timeout.ms", String.valueOf(transactionTimeout.toMillis()));
        properties.put("max.request.size", MAX_RECORD_BYTES);
        properties.put("buffer.memory", String.valueOf(256L << 20));
        // All of a transaction's outputs are sent, then flushed by the commit, so lingering costs nothing, and
        // larger batches put a transaction's small outputs for one partition into one request. One request per
        // record would keep several in flight per partition, and a retried first one (a partition that just got
        // its leader, say) makes the broker refuse the others as out of sequence until the client resends them.
        properties.put("linger.ms", "5");
        properties.put("batch.size", String.valueOf(1 << 20));
        // A busy stream begins its next transaction as soon as the last commit returns, while the broker is still
        // writing that commit's markers. The producer sends the offsets (TxnOffsetCommit) ahead of the records, the
        // broker answers CONCURRENT_TRANSACTIONS until the markers are written, a few ms, and the producer retries
        // after retry.backoff.ms: at Kafka's 100 ms default that wait was most of every loaded transaction (20-21
        // transactions/s back to back against 69-79 with 2 ms: benchmarks/transactions.sh --as-service, README
        // "Speed and benchmarks"). Retries of real failures still back off exponentially, up to
        // retry.backoff.max.ms (1 s).
        properties.put("retry.backoff.ms", "2");
        properties.put("send.buffer.bytes", SOCKET_BUFFER_BYTES);
        properties.putAll(overrides);
        return properties;
    }

    /**
     * The shared client properties this kind of client knows. A service's shared Kafka configuration (Quarkus'
     * {@code kafka.*}) also holds keys for other clients and for the framework, which Kafka would warn about.
     */
    static Map<String, Object> known(Map<String, Object> shared, Set<String> names) {
        Map<String, Object> properties = new HashMap<>();
        shared.forEach((name, value) -> {
            if (names.contains(name)) {
                properties.put(name, value);
            }
        });
        return properties;
    }

    /**
     * Retries a Kafka call that fails while the broker is unreachable; null when the stream stops first. Failures
     * no retry can fix (authentication, authorisation) are thrown.
     */
    static <T> T retrying(String what, Supplier<T> call, BooleanSupplier running) {
        while (running.getAsBoolean()) {
            try {
                return call.get();
            } catch (AuthenticationException | AuthorizationException e) {
                throw e;
            } catch (KafkaException e) {
                LOG.warn("{} failed, retrying in {}: {}", what, RETRY_BACKOFF, e.toString());
                try {
                    Thread.sleep(RETRY_BACKOFF.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * What a health check says about a failure that stopped a stream. Kafka's own messages never contain a password;
     * this adds what to check.
     */
    static String failureDetail(RuntimeException e) {
        if (e instanceof AuthenticationException) {
            return "Kafka authentication failed (check the SASL user name and password, and the truststore): " + e;
        }
        if (e instanceof AuthorizationException) {
            return "Kafka authorisation failed (check the principal's ACLs): " + e;
        }
        return e.toString();
    }

    /** The authorisation failure behind a failed transaction, or null when something else failed it. */
    static AuthorizationException deniedBy(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthorizationException denied) {
                return denied;
            }
        }
        return null;
    }

    /** The wait after the {@code attempt}th refused transaction in a row: 1 s, doubling, at most 8 s. */
    static Duration deniedBackoff(int attempt) {
        long millis = RETRY_BACKOFF.toMillis() << Math.min(attempt - 1, 10);
        return Duration.ofMillis(Math.min(millis, MAX_DENIED_BACKOFF.toMillis()));
    }

    /** Sleeps in short steps while {@code running}, so a stop is not held up by a long backoff. */
    static void sleepWhile(Duration duration, BooleanSupplier running) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        while (running.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(Math.max(1, Math.min(100, (deadline - System.nanoTime()) / 1_000_000)));
        }
    }

    /**
     * Closes the clients and their metric binders. The consumer leaves the group: a static member would otherwise
     * keep its partitions until its session times out, and a stopping instance hands them over now.
     */
    static void close(KafkaProducer<?, ?> producer, KafkaConsumer<?, ?> consumer, KafkaClientMetrics... metrics) {
        for (KafkaClientMetrics clientMetrics : metrics) {
            if (clientMetrics != null) {
                clientMetrics.close();
            }
        }
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("closing the producer: {}", e.toString());
            }
        }
        if (consumer != null) {
            try {
                consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.debug("closing the consumer: {}", e.toString());
            }
        }
    }
}

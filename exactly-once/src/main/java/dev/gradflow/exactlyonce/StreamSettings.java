package dev.gradflow.exactlyonce;

import java.time.Duration;
import java.util.Map;

/**
 * How an {@link ExactlyOnceStream} reads, batches and commits. A service maps these from its configuration (a
 * Quarkus {@code @ConfigMapping} interface extending this one); {@link #defaults} gives the values gradflow ships
 * with, for tests and tools.
 */
public interface StreamSettings {

    /** The topic read, e.g. {@code batches}. */
    String inputTopic();

    /** The topic answers are written to, e.g. {@code tapes}. */
    String outputTopic();

    /** The topic dead letters are written to, e.g. {@code batches-dead-letters}. */
    String deadLetterTopic();

    /**
     * The consumer group every instance of the service shares. It is also the prefix of each instance's
     * {@code transactional.id} and {@code group.instance.id}.
     */
    String groupId();

    /** The most results committed in one transaction; more ready results wait for the next one. */
    int maxRecordsPerTransaction();

    /**
     * The most output bytes one transaction carries (a single larger output still gets a transaction of its own).
     * It bounds how long a commit takes, which must stay well inside {@link #transactionTimeout()}.
     */
    long maxBytesPerTransaction();

    /** Records read but not yet committed beyond which the consumer pauses its partitions. */
    int maxInFlightRecords();

    /** Bytes of record values read but not yet committed beyond which the consumer pauses its partitions. */
    long maxInFlightBytes();

    /** How long a poll waits for records when nothing is being processed. */
    Duration idlePoll();

    /**
     * The consumer's {@code session.timeout.ms}: how long a crashed instance keeps its partitions before the group
     * gives them to another. 6 s is the broker's default minimum.
     */
    Duration sessionTimeout();

    /** The consumer's {@code heartbeat.interval.ms}, at most a third of the session timeout. */
    Duration heartbeatInterval();

    /**
     * The producer's {@code transaction.timeout.ms}: how long a crashed instance's open transaction can block
     * {@code read_committed} readers of the partitions it wrote to, when no instance with the same id restarts.
     * A transaction is open only while its outputs are sent and committed (they are computed before), so a few
     * seconds are plenty for {@link #maxBytesPerTransaction()}.
     */
    Duration transactionTimeout();

    /** Further Kafka consumer properties, e.g. {@code max.partition.fetch.bytes}; they override gradflow's. */
    Map<String, String> consumer();

    /** Further Kafka producer properties, e.g. {@code compression.type}; they override gradflow's. */
    Map<String, String> producer();

    /** The settings gradflow ships with, for the given topics and group. */
    static StreamSettings defaults(String inputTopic, String outputTopic, String deadLetterTopic, String groupId) {
        return new Values(inputTopic, outputTopic, deadLetterTopic, groupId, 500, 64L << 20, 1000, 256L << 20,
                Duration.ofMillis(100), Duration.ofSeconds(6), Duration.ofSeconds(2), Duration.ofSeconds(5),
                Map.of(), Map.of());
    }

    /** Settings as plain values. */
    record Values(String inputTopic, String outputTopic, String deadLetterTopic, String groupId,
            int maxRecordsPerTransaction, long maxBytesPerTransaction, int maxInFlightRecords, long maxInFlightBytes, Duration idlePoll,
            Duration sessionTimeout, Duration heartbeatInterval, Duration transactionTimeout,
            Map<String, String> consumer, Map<String, String> producer) implements StreamSettings {

        /** The same settings with other consumer and producer properties. */
        public Values withClients(Map<String, String> consumerProperties, Map<String, String> producerProperties) {
            return new Values(inputTopic, outputTopic, deadLetterTopic, groupId, maxRecordsPerTransaction,
                    maxBytesPerTransaction, maxInFlightRecords, maxInFlightBytes, idlePoll, sessionTimeout, heartbeatInterval,
                    transactionTimeout, consumerProperties, producerProperties);
        }
    }
}

package dev.gradflow.exactlyonce;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link StatefulStream} reads, keeps its state and commits.
 *
 * @param inputTopic the topic read, e.g. {@code jobs}
 * @param stateTopic the compacted topic the handler's state lives in: partition p holds the state of partition p of
 *     the input topic, so it needs at least as many partitions
 * @param createdTopics further compacted topics the stream creates, with as many partitions as the input topic,
 *     where they do not exist yet (the state topic always is)
 * @param deadLetterTopic where records the handler rejects go, with the reason in their headers
 * @param groupId the consumer group of every instance; also the prefix of each instance's transactional id
 * @param maxRecordsPerTransaction the most records handled, and committed together, in one transaction
 * @param sessionTimeout the consumer's {@code session.timeout.ms}
 * @param heartbeatInterval the consumer's {@code heartbeat.interval.ms}
 * @param transactionTimeout the producer's {@code transaction.timeout.ms}
 * @param consumer further Kafka consumer properties, which win over gradflow's
 * @param producer further Kafka producer properties, which win over gradflow's
 */
public record StatefulSettings(String inputTopic, String stateTopic, List<String> createdTopics,
        String deadLetterTopic, String groupId, int maxRecordsPerTransaction, Duration sessionTimeout,
        Duration heartbeatInterval, Duration transactionTimeout, Map<String, String> consumer,
        Map<String, String> producer) {
    public StatefulSettings {
        Objects.requireNonNull(inputTopic, "inputTopic");
        Objects.requireNonNull(stateTopic, "stateTopic");
        createdTopics = List.copyOf(createdTopics);
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(groupId, "groupId");
        if (maxRecordsPerTransaction < 1) {
            throw new IllegalArgumentException("at least one record per transaction, got " + maxRecordsPerTransaction);
        }
        consumer = Map.copyOf(consumer);
        producer = Map.copyOf(producer);
    }
}

package dev.gradflow.jobs.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/** Settings under {@code gradflow.jobs}: the topics the job-service reads and writes, and how. */
@ConfigMapping(prefix = "gradflow.jobs")
public interface JobsConfig {

    /** Job commands (submit, cancel) and the answers of the jobs' batches, keyed by job id: what the service reads. */
    @WithDefault("jobs")
    String commandsTopic();

    /**
     * Each job's state after every step, keyed by job id, compacted: what a new owner of a partition of
     * {@link #commandsTopic()} restores its jobs from. Partition p holds the jobs of partition p of the commands
     * topic, so it needs at least as many partitions.
     */
    @WithDefault("job-state")
    String stateTopic();

    /** Each job's progress and, at its end, its result or failure (JSON, keyed by job id, compacted). */
    @WithDefault("job-progress")
    String progressTopic();

    /** Where a job's batches go. */
    @WithDefault("batches")
    String batchesTopic();

    /** Where a job's network is registered (under the job id) while it runs. */
    @WithDefault("network-definitions")
    String definitionsTopic();

    /** Records of the commands topic that are neither a job command nor an answer. */
    @WithDefault("jobs-dead-letters")
    String deadLetterTopic();

    /** The consumer group of every instance; also the prefix of each instance's transactional id. */
    @WithDefault("job-service")
    String groupId();

    /** The most records handled, and committed together, in one transaction. */
    @WithDefault("100")
    int maxRecordsPerTransaction();

    /**
     * How many of a gradient job's batches may be out unanswered at once: enough to keep every forward-service and
     * gradient-service instance busy, few enough that a large dataset does not travel in one transaction. It does not
     * change any result.
     */
    @WithDefault("32")
    int maxBatchesInFlight();

    /** How often at most a running job publishes its progress; its start, each epoch and its end always do. */
    @WithDefault("PT0.2S")
    Duration progressInterval();

    /** The consumer's {@code session.timeout.ms}: how long a crashed instance keeps its jobs. */
    @WithDefault("PT6S")
    Duration sessionTimeout();

    @WithDefault("PT2S")
    Duration heartbeatInterval();

    /** The producer's {@code transaction.timeout.ms}. */
    @WithDefault("PT10S")
    Duration transactionTimeout();

    /** Largest number of elements in one tensor of a job's network or dataset. */
    @WithDefault("16777216")
    long maxTensorElements();

    /** Largest number of nodes of a job's network. */
    @WithDefault("10000")
    int maxNodes();

    /** Further Kafka consumer properties. */
    Map<String, String> consumer();

    /** Further Kafka producer properties. */
    Map<String, String> producer();
}

package dev.gradflow.pipeline;

import dev.gradflow.kafka.broker.EmbeddedKafkaBroker;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The Kafka broker a pipeline test runs against: the in-process broker (the default, and the only one on machines
 * without Docker), or, when the system property {@value #PROPERTY} is {@code testcontainers}, an upstream Apache
 * Kafka image started by Testcontainers. The build runs {@link PipelineIT} and {@link JobsIT} both ways (see the
 * failsafe executions in this module's pom); without a Docker engine the Testcontainers run skips, saying why.
 */
interface TestKafka extends AutoCloseable {
    /** Selects the broker: {@code in-process} (default) or {@code testcontainers}. */
    String PROPERTY = "gradflow.test.kafka";
    /** The upstream image; {@code -Dgradflow.test.kafka.image=apache/kafka:…} chooses another. */
    String IMAGE = System.getProperty("gradflow.test.kafka.image", "apache/kafka-native:4.2.1");

    String bootstrapServers();

    @Override
    void close();

    /**
     * Starts the broker the run asks for.
     *
     * @param test the test class, for the skip message
     */
    static TestKafka start(Class<?> test) {
        String choice = System.getProperty(PROPERTY, "in-process");
        return switch (choice) {
            case "in-process" -> inProcess();
            case "testcontainers" -> upstream(test);
            default -> throw new IllegalArgumentException(PROPERTY + " must be in-process or testcontainers, got "
                    + choice);
        };
    }

    private static TestKafka inProcess() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start();
        return new TestKafka() {
            @Override
            public String bootstrapServers() {
                return broker.bootstrapServers();
            }

            @Override
            public void close() {
                broker.close();
            }
        };
    }

    private static TestKafka upstream(Class<?> test) {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            docker = false;
        }
        if (!docker) {
            String reason = "no Docker engine here: the Testcontainers run of " + test.getSimpleName() + " against "
                    + IMAGE + " is skipped (the in-process broker ran the same tests)";
            // Failsafe counts a class skipped in @BeforeAll as no tests at all, so say it where a reader looks.
            System.err.println("SKIPPED " + test.getName() + ": " + reason);
            Assumptions.abort(reason);
        }
        KafkaContainer container = new KafkaContainer(IMAGE);
        // What the in-process broker sets (EmbeddedKafkaBroker): partitions for scale-out, records up to 64 MiB, and
        // single-node internal topics that are ready at once.
        brokerSettings().forEach(container::withEnv);
        container.start();
        return new TestKafka() {
            @Override
            public String bootstrapServers() {
                return container.getBootstrapServers();
            }

            @Override
            public void close() {
                container.stop();
            }
        };
    }

    /** The in-process broker's settings as the apache/kafka images take them: {@code KAFKA_} and the name in capitals. */
    static Map<String, String> brokerSettings() {
        String maxBytes = String.valueOf(EmbeddedKafkaBroker.DEFAULT_MAX_MESSAGE_BYTES);
        return Map.ofEntries(
                Map.entry("KAFKA_NUM_PARTITIONS", String.valueOf(EmbeddedKafkaBroker.DEFAULT_PARTITIONS)),
                Map.entry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true"),
                Map.entry("KAFKA_MESSAGE_MAX_BYTES", maxBytes),
                Map.entry("KAFKA_REPLICA_FETCH_MAX_BYTES", maxBytes),
                Map.entry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1"),
                Map.entry("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "1"),
                Map.entry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1"),
                Map.entry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1"),
                Map.entry("KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS", "1"),
                Map.entry("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0"),
                Map.entry("KAFKA_TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS", "1000"),
                Map.entry("KAFKA_ADD_PARTITIONS_TO_TXN_RETRY_BACKOFF_MS", "2"));
    }
}

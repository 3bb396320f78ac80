package dev.gradflow.kafka.broker;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a Quarkus test a real Kafka broker on a free loopback port instead of Dev Services, which
 * need Docker.
 *
 * <p>Use it with {@code @WithTestResource(KafkaBrokerTestResource.class)} (or
 * {@code @QuarkusTestResource}). Every init argument is passed to the broker as a broker property,
 * e.g. {@code @ResourceArg(name = "num.partitions", value = "4")}. Each start gets a fresh broker
 * with an empty temporary log dir, so test classes cannot see each other's records.
 *
 * <p>Plain JUnit tests, which have no Quarkus lifecycle, can use {@link #sharedBroker()} instead.
 */
public class KafkaBrokerTestResource implements QuarkusTestResourceLifecycleManager {

    /** The property the SmallRye Kafka connector and the Quarkus Kafka client read by default. */
    public static final String BOOTSTRAP_SERVERS_PROPERTY = "kafka.bootstrap.servers";

    private static EmbeddedKafkaBroker sharedBroker;

    private final Map<String, String> brokerProperties = new HashMap<>();
    private EmbeddedKafkaBroker broker;

    @Override
    public void init(Map<String, String> initArgs) {
        brokerProperties.putAll(initArgs);
    }

    @Override
    public Map<String, String> start() {
        broker = EmbeddedKafkaBroker.builder().properties(brokerProperties).start();
        return Map.of(
                BOOTSTRAP_SERVERS_PROPERTY, broker.bootstrapServers(),
                // Dev Services would otherwise try to start a Kafka container and fail without Docker.
                "quarkus.kafka.devservices.enabled", "false");
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /**
     * A broker shared by all plain JUnit tests of this JVM, started on first use and stopped when
     * the JVM exits; starting one per test class would add seconds to each class. Tests sharing it
     * should use their own topic names. A failed start is retried on the next call.
     */
    public static synchronized EmbeddedKafkaBroker sharedBroker() {
        if (sharedBroker == null) {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "gradflow-shared-kafka-broker-shutdown"));
            sharedBroker = broker;
        }
        return sharedBroker;
    }
}

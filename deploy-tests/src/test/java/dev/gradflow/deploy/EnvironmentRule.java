package dev.gradflow.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Which environment variable names a service understands. Quarkus (SmallRye Config) reads a key {@code foo.bar-baz}
 * from the environment variable whose name is the key with every character other than a letter or digit replaced by
 * {@code _}, upper-cased: {@code FOO_BAR_BAZ}. A variable a service would not read is a typo or a leftover, and would
 * silently change nothing. The rule: a variable {@code NAME} in a container of service S is understood when
 * <ol>
 *   <li>{@code NAME} is the environment form of a key S's application.properties sets or documents (commented out,
 *       {@code # key=}), profile prefix removed; or</li>
 *   <li>it is the environment form of a key S reads that has no line in the file ({@link #KEYS_READ_WITHOUT_DEFAULT});
 *       or</li>
 *   <li>it is {@code KAFKA_} followed by the environment form of a Kafka client configuration key (producer, consumer
 *       or admin): Quarkus hands every {@code kafka.*} key to the Kafka clients; or</li>
 *   <li>it is read by the JVM, Quarkus or a native library, whatever the application ({@link #PLATFORM_VARIABLES});
 *       or</li>
 *   <li>it is {@code JAVA_OPTS} and the service's image passes it to {@code java}: its
 *       src/main/docker/Dockerfile.jvm mentions {@code $JAVA_OPTS}.</li>
 * </ol>
 */
final class EnvironmentRule {

    /**
     * Keys a service reads through {@code @ConfigProperty} or a config mapping without a line in its
     * application.properties, by service.
     */
    static final Map<String, Set<String>> KEYS_READ_WITHOUT_DEFAULT = Map.of(
            // BatchStream, TapeStream and JobStreamBean: the stable instance id (a pod name) behind the static group
            // membership and the transactional id.
            "forward-service", Set.of("gradflow.instance-id"),
            "gradient-service", Set.of("gradflow.instance-id"),
            "job-service", Set.of("gradflow.instance-id"));

    /** Variables read regardless of application configuration, with who reads them. */
    static final Map<String, String> PLATFORM_VARIABLES = Map.of(
            "JAVA_TOOL_OPTIONS", "the JVM itself, at start-up",
            "QUARKUS_PROFILE", "Quarkus: the active configuration profile",
            "QUARKUS_LOG_LEVEL", "Quarkus core: the root log level (quarkus.log.level)",
            "OPENBLAS_NUM_THREADS", "core's dense products: the threads one product runs on (OpenBLAS itself single)");

    private static final Set<String> KAFKA_CLIENT_KEYS = new HashSet<>();
    /** The Kafka client keys whose values are secrets: those of type PASSWORD, which Kafka never logs. */
    private static final Set<String> KAFKA_PASSWORD_KEYS = new HashSet<>();
    /** Names that say a variable holds a secret, whoever reads it. */
    private static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|SECRET|TOKEN|CREDENTIAL|API_KEY|JAAS).*");

    static {
        KAFKA_CLIENT_KEYS.addAll(ProducerConfig.configNames());
        KAFKA_CLIENT_KEYS.addAll(ConsumerConfig.configNames());
        KAFKA_CLIENT_KEYS.addAll(AdminClientConfig.configNames());
        Stream.of(ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef())
                .flatMap(definition -> definition.configKeys().values().stream())
                .filter(key -> key.type == ConfigDef.Type.PASSWORD)
                .forEach(key -> KAFKA_PASSWORD_KEYS.add(key.name));
    }

    private EnvironmentRule() {
    }

    /** The environment variable Quarkus reads a key from, e.g. {@code GRADFLOW_STREAM_GROUP_ID}. */
    static String environmentName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /**
     * Whether a variable holds a secret, whose value belongs in a Secret and never in a manifest: under
     * {@code KAFKA_}, a Kafka client key of type PASSWORD (sasl.jaas.config, ssl.truststore.password, ...; Kafka's
     * own typing, so that sasl.oauthbearer.token.endpoint.url is not one); any other variable whose name says so
     * ({@link #SECRET_NAME}).
     */
    static boolean holdsASecret(String variable) {
        if (variable.startsWith("KAFKA_")) {
            return KAFKA_PASSWORD_KEYS.stream()
                    .anyMatch(key -> environmentName(key).equals(variable.substring("KAFKA_".length())));
        }
        return SECRET_NAME.matcher(variable).matches();
    }

    /** Why the service understands the variable, or empty when it does not. */
    static Optional<String> reasonUnderstood(ServiceConfig service, String variable) {
        for (String key : service.keys()) {
            if (environmentName(key).equals(variable)) {
                return Optional.of("the key " + key + " of " + service.name() + "'s application.properties");
            }
        }
        for (String key : KEYS_READ_WITHOUT_DEFAULT.getOrDefault(service.name(), Set.of())) {
            if (environmentName(key).equals(variable)) {
                return Optional.of("the key " + key + ", read by " + service.name());
            }
        }
        if (variable.startsWith("KAFKA_")) {
            for (String kafkaKey : KAFKA_CLIENT_KEYS) {
                if (environmentName(kafkaKey).equals(variable.substring("KAFKA_".length()))) {
                    return Optional.of("the Kafka client key " + kafkaKey + " under kafka.*");
                }
            }
        }
        if (variable.equals("JAVA_OPTS")) {
            Path dockerfile = Repository.root().resolve(service.name()).resolve("src/main/docker/Dockerfile.jvm");
            if (Files.isRegularFile(dockerfile) && Yaml.read(dockerfile).contains("$JAVA_OPTS")) {
                return Optional.of("the entrypoint of " + service.name() + "'s image (Dockerfile.jvm)");
            }
        }
        return Optional.ofNullable(PLATFORM_VARIABLES.get(variable));
    }
}

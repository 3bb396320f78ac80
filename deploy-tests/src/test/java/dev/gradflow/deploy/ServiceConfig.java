package dev.gradflow.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one service reads from its application.properties that the manifests must agree with: its HTTP port, the
 * topics it reads and writes, its consumer group, how large a record each of its producers may send, which topics it
 * needs compacted or partitioned like another, and the keys it understands. Values are the ones the {@code prod}
 * profile sees, which is what runs in a container.
 *
 * @param name the service's module and application name, e.g. {@code forward-service}
 * @param properties every key, profile prefixes kept, with its value
 * @param documentedKeys keys that appear only commented out ({@code # key=}), documented as settable
 */
record ServiceConfig(String name, Map<String, String> properties, Set<String> documentedKeys) {

    /** The four services, each from its own src/main/resources/application.properties. */
    static final List<String> NAMES = List.of("gateway", "forward-service", "gradient-service", "job-service");

    /**
     * The exactly-once streams a service may run, by the keys that configure them. A service runs the one whose
     * {@code group-id} key it sets.
     */
    static final List<StreamKeys> STREAMS = List.of(
            // exactly-once/ExactlyOnceStream.java: the forward-service and the gradient-service.
            new StreamKeys("gradflow.stream.", "input-topic", List.of(), List.of("output-topic", "dead-letter-topic"),
                    List.of(), StreamDefaults.MAX_REQUEST_SIZE),
            // exactly-once/StatefulStream.java, as the job-service runs it: it reads its state topic back (partition p for partition p of its
            // commands topic) when it takes a partition over, and keeps the latest state and progress per job.
            new StreamKeys("gradflow.jobs.", "commands-topic", List.of("state-topic"),
                    List.of("state-topic", "progress-topic", "batches-topic", "definitions-topic", "dead-letter-topic"),
                    List.of("state-topic", "progress-topic"), StreamDefaults.MAX_REQUEST_SIZE));

    /**
     * Keys outside a stream's own that name a topic its producer writes too, in the same transactions: the
     * gradient-service answers a job's batches on the job-service's topic.
     */
    static final Set<String> STREAM_OUTPUT_KEYS_ELSEWHERE = Set.of("gradflow.gradient.jobs-topic");

    /** Kafka's producer default for max.request.size (ProducerConfig), used where nothing overrides it. */
    static final long KAFKA_DEFAULT_MAX_REQUEST_SIZE = 1_048_576;

    /** A key commented out in the file, which the file thereby documents as settable: {@code # some.key=}. */
    private static final Pattern COMMENTED_KEY = Pattern.compile("(?m)^#\\s*([a-z][a-zA-Z0-9.\"-]*)\\s*=");
    private static final Pattern CHANNEL_KEY = Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.connector");

    static List<ServiceConfig> all() {
        return NAMES.stream().map(ServiceConfig::load).toList();
    }

    static ServiceConfig named(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no service " + name);
        }
        return load(name);
    }

    static ServiceConfig load(String module) {
        String text = Yaml.read(Repository.applicationProperties(module));
        Properties properties = new Properties();
        try (Reader reader = new StringReader(text)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> map = new TreeMap<>();
        properties.stringPropertyNames().forEach(key -> map.put(key, properties.getProperty(key)));
        Set<String> documented = new TreeSet<>();
        Matcher matcher = COMMENTED_KEY.matcher(text);
        while (matcher.find()) {
            documented.add(matcher.group(1));
        }
        return new ServiceConfig(module, map, documented);
    }

    /** The value the prod profile sees: {@code %prod.key} if set, else {@code key}. */
    Optional<String> value(String key) {
        return Optional.ofNullable(properties.getOrDefault("%prod." + key, properties.get(key)));
    }

    String required(String key) {
        return value(key).orElseThrow(() -> new AssertionError(name + " does not set " + key));
    }

    int httpPort() {
        return Integer.parseInt(required("quarkus.http.port"));
    }

    /** Every key the file sets or documents, without profile prefixes. */
    Set<String> keys() {
        Set<String> keys = new TreeSet<>(documentedKeys);
        for (String key : properties.keySet()) {
            keys.add(key.startsWith("%") && key.indexOf('.') > 0 ? key.substring(key.indexOf('.') + 1) : key);
        }
        return keys;
    }

    /** The exactly-once stream this service runs, if any: the one of {@link #STREAMS} whose group id it sets. */
    Optional<StreamKeys> stream() {
        return STREAMS.stream().filter(keys -> value(keys.prefix() + "group-id").isPresent()).findFirst();
    }

    /** The exactly-once stream's consumer group (e.g. gradflow.stream.group-id), if this service runs one. */
    Optional<String> streamGroupId() {
        return stream().map(keys -> required(keys.prefix() + "group-id"));
    }

    /** The topic the exactly-once stream consumes, if this service runs one: what KEDA should scale it on. */
    Optional<String> streamInputTopic() {
        return stream().map(keys -> required(keys.prefix() + keys.inputKey()));
    }

    /**
     * Topics this service keeps state in, each with the input topic whose partitions it mirrors: partition p of the
     * state topic holds what partition p of the input needs, so it needs at least as many partitions.
     */
    Map<String, String> stateTopicInputs() {
        Map<String, String> topics = new TreeMap<>();
        stream().ifPresent(keys -> keys.stateKeys().forEach(key ->
                topics.put(required(keys.prefix() + key), required(keys.prefix() + keys.inputKey()))));
        return topics;
    }

    /** Topics this service keeps the latest record per key in, which must be compacted. */
    Set<String> compactedTopics() {
        Set<String> topics = new TreeSet<>();
        stream().ifPresent(keys -> keys.compactedKeys().forEach(key -> topics.add(required(keys.prefix() + key))));
        return topics;
    }

    /** Every topic this service reads from: incoming channels, the stream's input and the state it reads back. */
    Set<String> topicsRead() {
        Set<String> topics = new TreeSet<>();
        channels("incoming").forEach(channel -> topics.add(channelTopic("incoming", channel)));
        stream().ifPresent(keys -> {
            topics.add(required(keys.prefix() + keys.inputKey()));
            keys.stateKeys().forEach(key -> topics.add(required(keys.prefix() + key)));
        });
        return topics;
    }

    /**
     * Every topic this service writes to, with the largest request its producer for that topic may send
     * ({@code max.request.size}): outgoing channels, dead-letter queues of incoming channels, and the stream's output
     * topics (dead letters included, and {@link #STREAM_OUTPUT_KEYS_ELSEWHERE}).
     */
    Map<String, Long> topicsWritten() {
        Map<String, Long> written = new LinkedHashMap<>();
        for (String channel : channels("outgoing")) {
            String prefix = "mp.messaging.outgoing." + channel + ".";
            written.merge(channelTopic("outgoing", channel), maxRequestSize(prefix + "max.request.size"), Math::max);
        }
        for (String channel : channels("incoming")) {
            String prefix = "mp.messaging.incoming." + channel + ".";
            if ("dead-letter-queue".equals(value(prefix + "failure-strategy").orElse(""))) {
                // SmallRye builds the dead-letter producer from the channel's own configuration, with keys under
                // dead-letter-queue. overriding it (KafkaDeadLetterQueue.Factory, Configs.prefixOverride).
                String topic = value(prefix + "dead-letter-queue.topic").orElse("dead-letter-topic-" + channel);
                long size = maxRequestSize(prefix + "dead-letter-queue.max.request.size", prefix + "max.request.size");
                written.merge(topic, size, Math::max);
            }
        }
        Optional<StreamKeys> stream = stream();
        if (stream.isPresent()) {
            StreamKeys keys = stream.get();
            long size = value(keys.prefix() + "producer.\"max.request.size\"").map(Long::parseLong)
                    .orElse(keys.defaultMaxRequestSize());
            keys.outputKeys().forEach(key -> written.merge(required(keys.prefix() + key), size, Math::max));
            for (String key : STREAM_OUTPUT_KEYS_ELSEWHERE) {
                value(key).ifPresent(topic -> written.merge(topic, size, Math::max));
            }
        }
        return written;
    }

    /** Every topic this service reads or writes. */
    Set<String> topics() {
        Set<String> topics = new TreeSet<>(topicsRead());
        topics.addAll(topicsWritten().keySet());
        return topics;
    }

    /**
     * Keys whose name says they name a topic ({@code ...topic} or {@code ...-topic}) but that none of the readings
     * above knows: a topic the checks would not see. A channel's {@code topic} and {@code dead-letter-queue.topic}
     * and the keys of {@link #STREAMS} and {@link #STREAM_OUTPUT_KEYS_ELSEWHERE} are known.
     */
    Set<String> unknownTopicKeys() {
        Set<String> known = new TreeSet<>(STREAM_OUTPUT_KEYS_ELSEWHERE);
        for (StreamKeys keys : STREAMS) {
            known.add(keys.prefix() + keys.inputKey());
            keys.stateKeys().forEach(key -> known.add(keys.prefix() + key));
            keys.outputKeys().forEach(key -> known.add(keys.prefix() + key));
        }
        Set<String> unknown = new TreeSet<>();
        for (String key : keys()) {
            boolean channelTopic = key.startsWith("mp.messaging.") && key.endsWith(".topic");
            if (key.matches(".*[.-]topic") && !channelTopic && !known.contains(key)) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    private long maxRequestSize(String... keysInOrder) {
        for (String key : keysInOrder) {
            Optional<String> value = value(key);
            if (value.isPresent()) {
                return Long.parseLong(value.get());
            }
        }
        return value("kafka.max.request.size").map(Long::parseLong).orElse(KAFKA_DEFAULT_MAX_REQUEST_SIZE);
    }

    private Set<String> channels(String direction) {
        Set<String> channels = new TreeSet<>();
        for (String key : properties.keySet()) {
            Matcher matcher = CHANNEL_KEY.matcher(key);
            if (matcher.matches() && matcher.group(1).equals(direction)
                    && "smallrye-kafka".equals(properties.get(key))) {
                channels.add(matcher.group(2));
            }
        }
        return channels;
    }

    /** A channel's topic: its {@code topic} attribute, or the channel's own name (SmallRye's default). */
    private String channelTopic(String direction, String channel) {
        return value("mp.messaging." + direction + "." + channel + ".topic").orElse(channel);
    }

    /**
     * The keys of one kind of exactly-once stream, each after {@code prefix}.
     *
     * @param prefix e.g. {@code gradflow.stream.}
     * @param inputKey the topic it consumes in its group (also what KEDA scales it on)
     * @param stateKeys topics it reads back, partition by partition of its input: each needs at least the input's
     *     partitions
     * @param outputKeys topics its transactional producer writes
     * @param compactedKeys topics it keeps the latest record per key in
     * @param defaultMaxRequestSize its producer's max.request.size unless {@code <prefix>producer."max.request.size"}
     *     overrides it
     */
    record StreamKeys(String prefix, String inputKey, List<String> stateKeys, List<String> outputKeys,
            List<String> compactedKeys, long defaultMaxRequestSize) {
    }

    /**
     * What the exactly-once streams (exactly-once/ExactlyOnceStream.java and StatefulStream.java, whose clients
     * StreamClients.java sets up) set when application.properties does not override it. A test reads that file to
     * keep this in step.
     */
    static final class StreamDefaults {

        /** StreamClients.MAX_RECORD_BYTES, the streams' producers' max.request.size. */
        static final long MAX_REQUEST_SIZE = 64L << 20;

        private StreamDefaults() {
        }
    }
}

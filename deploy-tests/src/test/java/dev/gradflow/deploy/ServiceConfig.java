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
 * topics it reads and writes, its consumer group, how large a record each of its producers may send, and the keys it
 * understands. Values are the ones the {@code prod} profile sees, which is what runs in a container.
 *
 * @param name the service's module and application name, e.g. {@code forward-service}
 * @param properties every key, profile prefixes kept, with its value
 * @param documentedKeys keys that appear only commented out ({@code # key=}), documented as settable
 */
record ServiceConfig(String name, Map<String, String> properties, Set<String> documentedKeys) {

    /** The three services, each from its own src/main/resources/application.properties. */
    static final List<String> NAMES = List.of("gateway", "forward-service", "gradient-service");

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

    /** The exactly-once stream's consumer group (gradflow.stream.group-id), if this service runs one. */
    Optional<String> streamGroupId() {
        return value("gradflow.stream.group-id");
    }

    /** The topic the exactly-once stream consumes, if this service runs one: what KEDA should scale it on. */
    Optional<String> streamInputTopic() {
        return value("gradflow.stream.input-topic");
    }

    /** Every topic this service reads from: incoming channels and the stream's input. */
    Set<String> topicsRead() {
        Set<String> topics = new TreeSet<>();
        channels("incoming").forEach(channel -> topics.add(channelTopic("incoming", channel)));
        streamInputTopic().ifPresent(topics::add);
        return topics;
    }

    /**
     * Every topic this service writes to, with the largest request its producer for that topic may send
     * ({@code max.request.size}): outgoing channels, dead-letter queues of incoming channels, and the stream's output
     * and dead-letter topics.
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
        if (streamGroupId().isPresent()) {
            long size = value("gradflow.stream.producer.\"max.request.size\"").map(Long::parseLong)
                    .orElse(StreamDefaults.MAX_REQUEST_SIZE);
            written.merge(required("gradflow.stream.output-topic"), size, Math::max);
            written.merge(required("gradflow.stream.dead-letter-topic"), size, Math::max);
        }
        return written;
    }

    /** Every topic this service reads or writes. */
    Set<String> topics() {
        Set<String> topics = new TreeSet<>(topicsRead());
        topics.addAll(topicsWritten().keySet());
        return topics;
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
     * What the exactly-once stream (exactly-once/ExactlyOnceStream.java) sets when application.properties does not
     * override it. A test reads that file to keep this in step.
     */
    static final class StreamDefaults {

        /** ExactlyOnceStream.MAX_RECORD_BYTES, the producer's max.request.size. */
        static final long MAX_REQUEST_SIZE = 64L << 20;

        private StreamDefaults() {
        }
    }
}

package dev.gradflow.exactlyonce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.kafka.broker.EmbeddedKafkaBroker;
import dev.gradflow.kafka.broker.ScramUser;
import dev.gradflow.kafka.broker.TopicsReady;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The exactly-once stream against the broker's secure mode: the security properties reach both clients, credentials
 * the broker refuses stop the stream with a reason and without the secret, and a transaction refused for a missing
 * ACL loses nothing and goes through once the ACL exists.
 */
class ExactlyOnceStreamSecurityTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().secure().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void aTransactionRefusedForAMissingAclLosesNothingAndCommitsOnceTheAclExists() throws Exception {
        StreamSettings settings = StreamSettings.defaults("secure-in", "secure-out", "secure-dead", "secure-stream");
        try (Admin admin = Admin.create(broker.adminClientProperties())) {
            TopicsReady.create(admin, Duration.ofSeconds(60), List.of(new NewTopic("secure-in", 2, (short) 1),
                    new NewTopic("secure-out", 2, (short) 1), new NewTopic("secure-dead", 1, (short) 1)));
            // Everything the stream needs except writing its output.
            admin.createAcls(List.of(allow("secure-stream", ResourceType.TOPIC, "secure-in", PatternType.LITERAL,
                            AclOperation.READ),
                    allow("secure-stream", ResourceType.TOPIC, "secure-dead", PatternType.LITERAL, AclOperation.WRITE),
                    allow("secure-stream", ResourceType.GROUP, "secure-stream", PatternType.PREFIXED, AclOperation.READ),
                    allow("secure-stream", ResourceType.TRANSACTIONAL_ID, "secure-stream-", PatternType.PREFIXED,
                            AclOperation.WRITE))).all().get(30, TimeUnit.SECONDS);
        }
        ScramUser user = broker.createUser("secure-stream");
        produce("secure-in", 5);

        try (ExactlyOnceStream stream = ExactlyOnceStream.start(settings, broker.clientProperties(user),
                Optional.of("a"), record -> Outcome.Answer.ok(record.key(), record.value(), 1), new SimpleMeterRegistry())) {
            await(() -> stream.health().state() == StreamHealth.State.BLOCKED, "the stream reports it is blocked");
            assertThat(stream.health().isUp()).isFalse();
            assertThat(stream.health().isAlive()).as("a restart cannot help; granting the ACL does").isTrue();
            assertThat(stream.health().detail()).contains("refused the transaction", "TopicAuthorizationException",
                    "secure-out");
            assertThat(committedOffsets("secure-stream")).as("nothing committed while refused").isEmpty();

            try (Admin admin = Admin.create(broker.adminClientProperties())) {
                admin.createAcls(List.of(allow("secure-stream", ResourceType.TOPIC, "secure-out", PatternType.LITERAL,
                        AclOperation.WRITE))).all().get(30, TimeUnit.SECONDS);
            }
            List<String> answers = readCommitted("secure-out", 5);
            assertThat(answers).containsExactlyInAnyOrder("record-0", "record-1", "record-2", "record-3", "record-4");
            await(() -> stream.health().state() == StreamHealth.State.RUNNING, "the stream runs again");
        }
        assertThat(committedOffsets("secure-stream").values().stream().mapToLong(OffsetAndMetadata::offset).sum())
                .as("every record committed").isEqualTo(5);
    }

    @Test
    void aWrongPasswordStopsTheStreamWithTheReasonAndWithoutTheSecret() throws Exception {
        String password = "wrong-password-" + System.nanoTime();
        StreamSettings settings = StreamSettings.defaults("secure-in", "secure-out", "secure-dead", "secure-stream");
        try (ExactlyOnceStream stream = ExactlyOnceStream.start(settings,
                broker.clientProperties(new ScramUser("secure-stream", password)), Optional.empty(),
                record -> Outcome.Answer.ok(record.key(), record.value(), 1), new SimpleMeterRegistry())) {
            await(() -> stream.health().state() == StreamHealth.State.FAILED, "the stream stops");
            assertThat(stream.health().isAlive()).isFalse();
            assertThat(stream.health().detail()).contains("Kafka authentication failed", "SaslAuthenticationException",
                    "invalid credentials").doesNotContain(password);
        }
    }

    private static AclBinding allow(String user, ResourceType type, String name, PatternType pattern,
            AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    private static void produce(String topic, int count) {
        Map<String, Object> config = new HashMap<>(broker.adminClientProperties());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, ("record-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(String group) throws Exception {
        try (Admin admin = Admin.create(broker.adminClientProperties())) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS));
            offsets.values().removeIf(java.util.Objects::isNull);
            return offsets;
        }
    }

    private static List<String> readCommitted(String topic, int expected) {
        Map<String, Object> config = new HashMap<>(broker.adminClientProperties());
        config.put("isolation.level", "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plus(TIMEOUT);
            while (values.size() < expected && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(record.value(), StandardCharsets.UTF_8));
                }
            }
            // Anything beyond the expected records would be a duplicate: read a moment longer.
            consumer.poll(Duration.ofSeconds(1)).forEach(record -> values.add(new String(record.value(),
                    StandardCharsets.UTF_8)));
        }
        return values;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as(what).isBefore(deadline);
            Thread.sleep(50);
        }
    }
}

package dev.gradflow.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The broker's secure mode: TLS, SCRAM, the authorizer, and the service table applied to it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureEmbeddedKafkaBrokerTest {
    /** A refused client gives up after this; a plaintext one would otherwise retry for a minute. */
    private static final int REFUSED_TIMEOUT_MS = 4000;

    private EmbeddedKafkaBroker broker;
    private Map<String, ScramUser> users;
    private Path tlsDirectory;

    @BeforeAll
    void start() {
        long started = System.nanoTime();
        broker = EmbeddedKafkaBroker.builder().secure().start();
        long brokerMillis = (System.nanoTime() - started) / 1_000_000;
        users = ServiceAcls.setUp(broker);
        System.out.printf("Secure broker started in %d ms, topics, users and ACLs set up in %d ms more%n",
                brokerMillis, (System.nanoTime() - started) / 1_000_000 - brokerMillis);
        tlsDirectory = broker.tls().directory();
    }

    @AfterAll
    void stop() {
        broker.close();
        assertThat(tlsDirectory).as("TLS stores deleted on close").doesNotExist();
    }

    @Test
    void aServiceUserWritesAndReadsItsTopicsOverSaslSsl() throws Exception {
        ScramUser gateway = users.get("gateway");
        try (KafkaProducer<String, String> producer = producer(broker.clientProperties(gateway))) {
            producer.send(new ProducerRecord<>("datasets", "k", "v")).get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> config = new HashMap<>(broker.clientProperties(gateway));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "gateway-datasets-test");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("datasets"));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
            }
            assertThat(values).containsExactly("v");
        }
    }

    @Test
    void aServiceSeesOnlyTheTopicsItsAclsName() throws Exception {
        try (Admin admin = Admin.create(new HashMap<>(broker.clientProperties(users.get("gradient-service"))))) {
            assertThat(admin.listTopics(new ListTopicsOptions()).names().get(30, TimeUnit.SECONDS))
                    .containsExactlyInAnyOrder("tapes", "gradients", "jobs", "tapes-dead-letters");
        }
    }

    @Test
    void aPrincipalIsRefusedATopicOutsideItsAcls() {
        ScramUser gradient = users.get("gradient-service");
        try (KafkaProducer<String, String> producer = producer(broker.clientProperties(gradient))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("batches", "k", "v")).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicAuthorizationException.class)
                    .hasMessageContaining("batches");
        }
        Map<String, Object> config = new HashMap<>(broker.clientProperties(gradient));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition("batches", 0)));
            consumer.seekToBeginning(consumer.assignment());
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                    .isInstanceOf(TopicAuthorizationException.class).hasMessageContaining("batches");
        }
    }

    @Test
    void aWrongPasswordIsRefusedAsAnAuthenticationFailure() {
        Map<String, Object> config = new HashMap<>(broker.clientProperties(new ScramUser("gateway", "not-the-password")));
        try (Admin admin = Admin.create(config)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("invalid credentials");
        }
    }

    @Test
    void aPlaintextClientCannotTalkToTheBootstrapPort() {
        Map<String, Object> config = refusedClient();
        assertRefused(config);
    }

    @Test
    void aTlsClientWithoutSaslIsRefused() {
        Map<String, Object> config = refusedClient();
        config.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SSL");
        config.putAll(broker.tls().truststoreProperties());
        assertRefused(config);
    }

    @Test
    void aClientThatDoesNotTrustTheBrokersCaIsRefused() {
        Map<String, Object> config = refusedClient();
        config.putAll(broker.clientProperties(broker.adminUser()));
        config.keySet().removeIf(key -> key.startsWith("ssl.truststore"));
        try (Admin admin = Admin.create(config)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SslAuthenticationException.class);
        }
    }

    @Test
    void theControllerPortWantsTheBrokersOwnCertificate() {
        // A client with valid SCRAM credentials and the right truststore, pointed at the controller listener.
        Map<String, Object> config = refusedClient();
        config.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SSL");
        config.putAll(broker.tls().truststoreProperties());
        config.remove(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        config.put(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, "127.0.0.1:" + broker.controllerPort());
        try (Admin admin = Admin.create(config)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfAny(SslAuthenticationException.class, TimeoutException.class);
        }
    }

    @Test
    void refusesALogDirFormattedByAnEarlierStart(@TempDir Path dir) {
        Path logDir = dir.resolve("kafka");
        EmbeddedKafkaBroker.builder().logDir(logDir).start().close();
        EmbeddedKafkaBroker secure = EmbeddedKafkaBroker.builder().secure().logDir(logDir).build();
        assertThatThrownBy(secure::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs a log dir that is not formatted yet");
    }

    private Map<String, Object> refusedClient() {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, REFUSED_TIMEOUT_MS);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, REFUSED_TIMEOUT_MS);
        return config;
    }

    /** The client never gets an answer: the connection is closed before any request is served. */
    private static void assertRefused(Map<String, Object> config) {
        try (Admin admin = Admin.create(config)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TimeoutException.class);
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, String> properties) {
        Map<String, Object> config = new HashMap<>(properties);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }
}

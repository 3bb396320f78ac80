package dev.gradflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradflow.kafka.broker.EmbeddedKafkaBroker;
import dev.gradflow.kafka.broker.ScramUser;
import dev.gradflow.kafka.broker.ServiceAcls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The pipeline against the broker's secure mode, as a deployment runs it: TLS with a certificate authority made at
 * start, SASL/SCRAM-SHA-512, KRaft's authorizer with nothing allowed that no ACL allows, and one principal per service
 * with exactly the ACLs of {@link ServiceAcls}. Each service gets its credentials and the truststore through
 * environment variables only ({@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_JAAS_CONFIG}, ...). One broker and
 * one stack serve every test; the tests that take something away put it back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** A refused client gives up after this; one that is never answered would otherwise wait a minute. */
    private static final int REFUSED_TIMEOUT_MS = 4000;

    private final Path repository = Path.of(System.getProperty("gradflow.repository.root", ".."));
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final List<ServiceProcess> refused = new ArrayList<>();
    private EmbeddedKafkaBroker broker;
    private Map<String, ScramUser> users;
    private Gateway gateway;

    @BeforeAll
    void startSecurePipeline() throws Exception {
        broker = EmbeddedKafkaBroker.builder().secure().start();
        users = ServiceAcls.setUp(broker);
        for (String module : List.of("forward-service", "gradient-service", "job-service", "gateway")) {
            services.put(module, ServiceProcess.start(repository, module, broker.bootstrapServers(), null,
                    credentials(users.get(module))));
        }
        for (ServiceProcess service : services.values()) {
            service.awaitReady(READY_TIMEOUT);
        }
        gateway = new Gateway(services.get("gateway").baseUrl());
    }

    @AfterAll
    void stopSecurePipeline() throws Exception {
        for (ServiceProcess service : refused) {
            service.close();
        }
        for (ServiceProcess service : services.values()) {
            service.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** What a service is given: everything but the bootstrap servers, which every service gets anyway. */
    private Map<String, String> credentials(ScramUser user) {
        Map<String, String> properties = new LinkedHashMap<>(broker.clientProperties(user));
        properties.remove(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        return properties;
    }

    private String example(String file) throws IOException {
        return Files.readString(repository.resolve("examples").resolve(file));
    }

    @Test
    @Order(1)
    void theChaptersSingleNeuronGoesThroughGatewayForwardAndGradientOverTlsAndScram() throws Exception {
        String network = gateway.register(example("single-neuron.network.json"));
        long started = System.nanoTime();
        JsonNode result = gateway.awaitResult(gateway.submit(network, example("single-neuron.batch.json")),
                ANSWER_TIMEOUT);
        System.out.printf("secure pipeline: single-neuron batch answered %d ms after its submission%n",
                (System.nanoTime() - started) / 1_000_000);

        assertThat(result.get("status").asText()).isEqualTo("done");
        assertThat(result.get("output").asDouble()).isEqualTo(6.0);
        assertThat(doubles(result.at("/parameterGradients/w"))).containsExactly(1, -2, 3);
        assertThat(result.at("/parameterGradients/b").asDouble()).isEqualTo(1.0);
        assertThat(doubles(result.at("/inputGradients/x"))).containsExactly(-3, -1, 2);
    }

    @Test
    @Order(2)
    void aJobGoesThroughTheJobServiceWithItsOwnPrincipal() throws Exception {
        // The book's chapter 9 loss of the untrained network, 1.0986104: gateway → jobs → job-service → batches and
        // network-definitions → forward → gradient → jobs → job-service → job-progress → gateway.
        String jobId = gateway.submitJob("""
                {"network": {"kind": "layers", "dtype": "float32", "inputSize": 2, "layers": [
                   {"type": "dense", "units": 3, "activation": "relu"},
                   {"type": "dense", "units": 3, "activation": "softmax"}], "loss": "softmax-cross-entropy"},
                 "dataset": {"generator": "spiral", "samples": 100, "classes": 3}, "init": "nnfs",
                 "batchSize": 300, "mode": "gradient"}""");
        assertThat(gateway.awaitJob(jobId, ANSWER_TIMEOUT).get("status").asText()).isEqualTo("done");
        JsonNode result = gateway.request("GET", "/jobs/" + jobId + "/result", null).json();
        assertThat(result.get("output").asDouble()).isCloseTo(1.0986104, within(2e-7));
    }

    @Test
    @Order(3)
    void aPrincipalIsRefusedTopicsOutsideItsAcls() {
        Map<String, Object> gradientService = new HashMap<>(broker.clientProperties(users.get("gradient-service")));
        gradientService.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(gradientService, new StringSerializer(),
                new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("batches", "forged", "forged"))
                    .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicAuthorizationException.class)
                    .hasMessageContaining("batches");
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(gradientService, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition("batches", 0)));
            consumer.seekToBeginning(consumer.assignment());
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                    .isInstanceOf(TopicAuthorizationException.class).hasMessageContaining("batches");
        }
    }

    @Test
    @Order(4)
    void aServiceDeniedAWriteItNeedsKeepsTheRecordUncommittedAndAnswersItOnceTheAclIsGranted() throws Exception {
        AclBinding writeGradients = ServiceAcls.topicBinding("gradient-service", "gradients", AclOperation.WRITE);
        ServiceProcess gradient = services.get("gradient-service");
        String network = gateway.register(example("single-neuron.network.json"));
        try (Admin admin = Admin.create(broker.adminClientProperties())) {
            admin.deleteAcls(List.of(writeGradients.toFilter())).all().get(30, TimeUnit.SECONDS);
            Thread.sleep(500); // the broker applies the controller's change a moment after the controller commits it
            try {
                String batch = gateway.submit(network, example("single-neuron.batch.json"));

                Gateway.Response health = awaitHealth(gradient, 503, "BLOCKED");
                assertThat(health.body()).contains("TopicAuthorizationException", "gradients", "refused the transaction");
                assertThat(services.get("gradient-service").get("/q/health/live").status())
                        .as("alive: granting the ACL fixes it, a restart would not").isEqualTo(200);
                assertThat(gateway.request("GET", "/batches/" + batch, null).json().get("status").asText())
                        .isEqualTo("pending");
                assertThat(uncommitted(admin, "gradient-service", "tapes"))
                        .as("the tape is on its topic, not committed").isEqualTo(1);

                admin.createAcls(List.of(writeGradients)).all().get(30, TimeUnit.SECONDS);
                JsonNode result = gateway.awaitResult(batch, ANSWER_TIMEOUT);
                assertThat(result.get("status").asText()).isEqualTo("done");
                assertThat(doubles(result.at("/parameterGradients/w"))).containsExactly(1, -2, 3);
                assertThat(uncommitted(admin, "gradient-service", "tapes")).isZero();
                awaitHealth(gradient, 200, "RUNNING");
            } finally {
                admin.createAcls(List.of(writeGradients)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Order(5)
    void aPlaintextClientCannotConnectToTheBootstrapPortNorATlsClientWithoutSasl() {
        Map<String, Object> plaintext = refusedClient();
        assertNeverAnswered(plaintext);

        Map<String, Object> tlsOnly = refusedClient();
        tlsOnly.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SSL");
        tlsOnly.putAll(broker.tls().truststoreProperties());
        assertNeverAnswered(tlsOnly);
    }

    @Test
    @Order(6)
    void aServiceWithAWrongPasswordIsRefusedAndSaysSoWithoutTheSecret() throws Exception {
        String password = "wrong-" + ScramUser.withRandomPassword("x").password();
        ServiceProcess forward = ServiceProcess.start(repository, "forward-service", broker.bootstrapServers(), null,
                credentials(new ScramUser("forward-service", password)));
        refused.add(forward);
        ServiceProcess gatewayProcess = ServiceProcess.start(repository, "gateway", broker.bootstrapServers(), null,
                credentials(new ScramUser("gateway", password)));
        refused.add(gatewayProcess);

        for (ServiceProcess service : List.of(forward, gatewayProcess)) {
            Gateway.Response health = awaitHealth(service, 503, "uthentication failed");
            assertThat(health.body()).as("health of %s", service.log()).doesNotContain(password);
            String log = Files.readString(service.log());
            assertThat(log).as("log %s", service.log()).containsIgnoringCase("authentication failed")
                    .doesNotContain(password);
        }
        assertThat(forward.get("/q/health/live").status()).as("forward-service alive").isEqualTo(503);
    }

    @Test
    @Order(7)
    void noServiceLogOrHealthCheckEverShowsASecret() throws Exception {
        List<String> secrets = new ArrayList<>();
        users.values().forEach(user -> secrets.add(user.password()));
        secrets.add(broker.adminUser().password());
        secrets.add(broker.tls().truststorePassword());
        secrets.add(broker.tls().keystorePassword());
        for (ServiceProcess service : services.values()) {
            String log = Files.readString(service.log());
            String health = service.get("/q/health").body();
            for (String secret : secrets) {
                assertThat(log).as("log %s", service.log()).doesNotContain(secret);
                assertThat(health).doesNotContain(secret);
            }
        }
    }

    /**
     * Records of {@code topic} that {@code group} has not committed: read as the admin ({@code read_committed}) from
     * the group's committed offsets to the end. Counting records, not offsets, leaves out the transactions' markers.
     */
    private long uncommitted(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<String, Object> config = new HashMap<>(broker.adminClientProperties());
        config.put("isolation.level", "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                consumer.seek(partition, offset == null ? 0 : offset.offset());
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long records = 0;
            Instant deadline = Instant.now().plus(ANSWER_TIMEOUT);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                assertThat(Instant.now()).as("reading %s to its end", topic).isBefore(deadline);
                records += consumer.poll(Duration.ofMillis(200)).count();
            }
            return records;
        }
    }

    private Gateway.Response awaitHealth(ServiceProcess service, int status, String text) throws Exception {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        Gateway.Response last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                last = service.get("/q/health/ready");
                if (last.status() == status && last.body().contains(text)) {
                    return last;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no " + status + " with '" + text + "' from " + service.log() + " within "
                + READY_TIMEOUT + "; last answer: " + (last == null ? "none" : last.status() + " " + last.body()));
    }

    private Map<String, Object> refusedClient() {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, REFUSED_TIMEOUT_MS);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, REFUSED_TIMEOUT_MS);
        return config;
    }

    /** The broker closes the connection before serving any request, so the client only ever times out. */
    private static void assertNeverAnswered(Map<String, Object> config) {
        try (Admin admin = Admin.create(config)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TimeoutException.class);
        }
    }

    private static double[] doubles(JsonNode array) {
        List<Double> values = new ArrayList<>();
        array.forEach(value -> values.add(value.doubleValue()));
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}

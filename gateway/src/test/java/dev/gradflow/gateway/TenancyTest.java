package dev.gradflow.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.core.wire.TenantHeader;
import dev.gradflow.gateway.service.IdempotencyKeys;
import dev.gradflow.gateway.tenant.KeyHashes;
import dev.gradflow.kafka.broker.KafkaBrokerTestResource;
import dev.gradflow.kafka.broker.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.http.Header;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenants against a real broker: each tenant sees its own networks, batches, jobs and datasets and nobody else's
 * (another tenant's id is answered exactly as an unknown one), records written straight to the topics belong to the
 * tenant their header names, idempotency keys are per tenant, keys rotate with the file, limits hold per tenant, and
 * no key ever reaches the log. The tenants are {@link TenantsProfile}'s.
 */
@QuarkusTest
@TestProfile(TenantsProfile.class)
@WithTestResource(KafkaBrokerTestResource.class)
class TenancyTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String CSV = "a,b,label\n1,2,0\n3,4,1\n";
    private static final String INLINE_JOB = """
            {"network": {"kind": "layers", "inputSize": 2, "layers": [{"type": "dense", "units": 2}],
                         "loss": "mean-squared-error"},
             "dataset": {"inputs": {"x": [[1, 2], [3, 4]]}, "targets": {"y": [[0, 1], [1, 0]]}},
             "batchSize": 1, "mode": "gradient"}""";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @TestHTTPResource("/")
    URL root;

    TopicProbe kafka;

    @BeforeEach
    void connect() {
        kafka = new TopicProbe(bootstrapServers, TIMEOUT);
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    private static RequestSpecification as(String key) {
        return given().header("X-API-Key", key);
    }

    private static String example(String file) {
        try {
            return Files.readString(Path.of("..", "examples", file));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String register(String key, String example) {
        return as(key).contentType(ContentType.JSON).body(example(example + ".network.json"))
                .when().post("/networks").then().statusCode(201).extract().path("networkId");
    }

    private static String submit(String key, String networkId, String example) {
        return as(key).contentType(ContentType.JSON).body(example(example + ".batch.json"))
                .when().post("/networks/" + networkId + "/batches").then().statusCode(202).extract().path("batchId");
    }

    /**
     * Asks for another tenant's id and for an unknown id of the same length the same way, and checks that the two
     * answers are one answer: status, headers and body alike but for the id.
     */
    private static void answeredAsUnknown(String foreignId, Function<String, Response> ask) {
        String unknownId = UUID.randomUUID().toString().substring(0, Math.min(36, foreignId.length()))
                + "x".repeat(Math.max(0, foreignId.length() - 36));
        Response foreign = ask.apply(foreignId);
        Response unknown = ask.apply(unknownId);

        assertThat(foreign.statusCode()).as(foreign.asString()).isIn(400, 404).isEqualTo(unknown.statusCode());
        assertThat(foreign.asString().replace(foreignId, "<id>")).isEqualTo(unknown.asString().replace(unknownId,
                "<id>"));
        assertThat(headers(foreign)).isEqualTo(headers(unknown));
    }

    private static Map<String, String> headers(Response response) {
        return response.headers().asList().stream().filter(header -> !header.getName().equalsIgnoreCase("date"))
                .collect(Collectors.toMap(Header::getName, Header::getValue));
    }

    @Test
    void anotherTenantsNetworkIsAnsweredAsAnUnknownOne() {
        String network = register(TenantsProfile.KEY_A, "single-neuron");

        answeredAsUnknown(network, id -> as(TenantsProfile.KEY_B).get("/networks/" + id));
        answeredAsUnknown(network, id -> as(TenantsProfile.KEY_B).contentType(ContentType.JSON)
                .body(example("single-neuron.batch.json")).post("/networks/" + id + "/batches"));
        answeredAsUnknown(network, id -> as(TenantsProfile.KEY_B).contentType(ContentType.JSON)
                .body(example("single-neuron.batch.json")).post("/networks/" + id + "/gradient-check"));
        as(TenantsProfile.KEY_B).get("/networks/" + network).then().statusCode(404)
                .body("message", is("network \"" + network + "\" is not registered"));

        as(TenantsProfile.KEY_A).get("/networks/" + network).then().statusCode(200);
        assertThat(kafka.readAll("batches")).as("nothing was published for team-b")
                .noneMatch(r -> BatchRecord.decode(r.value()).networkId().equals(network));
        ConsumerRecord<String, byte[]> definition = kafka.awaitRecord("network-definitions",
                r -> network.equals(r.key()));
        assertThat(tenantOf(definition)).isEqualTo("team-a");
    }

    @Test
    void anotherTenantsBatchAndItsGraphAreAnsweredAsUnknownOnesBeforeAndAfterTheAnswer() {
        String network = register(TenantsProfile.KEY_A, "single-neuron");
        String batch = submit(TenantsProfile.KEY_A, network, "single-neuron");

        answeredAsUnknown(batch, id -> as(TenantsProfile.KEY_B).get("/batches/" + id));
        answeredAsUnknown(batch, id -> as(TenantsProfile.KEY_B).get("/batches/" + id + "/graph"));
        assertThat(tenantOf(kafka.awaitRecord("batches", r -> batch.equals(r.key())))).isEqualTo("team-a");

        kafka.produce("gradients", network, GradientRecord.failed(batch, network, "something broke").encode());
        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> as(TenantsProfile.KEY_A)
                .get("/batches/" + batch).then().statusCode(200).body("status", is("failed")));

        answeredAsUnknown(batch, id -> as(TenantsProfile.KEY_B).get("/batches/" + id));
        answeredAsUnknown(batch, id -> as(TenantsProfile.KEY_B).get("/batches/" + id + "/graph"));
        // Guessing: the id this batch would have had without tenants, and ids near it, are as unknown.
        for (String guess : List.of(IdempotencyKeys.batchId(null, network, "1"), network, batch.toUpperCase())) {
            as(TenantsProfile.KEY_B).get("/batches/" + guess).then().statusCode(404)
                    .body("message", is("batch \"" + guess + "\" is not known"));
        }
    }

    @Test
    void anotherTenantsJobIsAnsweredAsAnUnknownOne() {
        String job = as(TenantsProfile.KEY_A).contentType(ContentType.JSON).body(INLINE_JOB).post("/jobs")
                .then().statusCode(201).extract().path("jobId");

        answeredAsUnknown(job, id -> as(TenantsProfile.KEY_B).get("/jobs/" + id));
        answeredAsUnknown(job, id -> as(TenantsProfile.KEY_B).get("/jobs/" + id + "/result"));
        answeredAsUnknown(job, id -> as(TenantsProfile.KEY_B).delete("/jobs/" + id));
        answeredAsUnknown(job, id -> as(TenantsProfile.KEY_B).accept("text/event-stream").get("/jobs/" + id
                + "/events"));
        assertThat(as(TenantsProfile.KEY_B).get("/jobs").then().statusCode(200).extract().<List<String>>path("jobId"))
                .doesNotContain(job);
        assertThat(as(TenantsProfile.KEY_A).get("/jobs").then().statusCode(200).extract().<List<String>>path("jobId"))
                .contains(job);
        assertThat(tenantOf(kafka.awaitRecord("jobs", r -> job.equals(r.key())))).isEqualTo("team-a");

        // The job-service copies the submission's tenant onto the job's progress; any gateway reads it from there.
        kafka.produce(tenantRecord("job-progress", job, "{\"jobId\": \"" + job + "\", \"status\": \"running\"}",
                "team-a"));
        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> as(TenantsProfile.KEY_A)
                .get("/jobs/" + job).then().statusCode(200).body("status", is("running")));
        answeredAsUnknown(job, id -> as(TenantsProfile.KEY_B).get("/jobs/" + id));
    }

    @Test
    void anotherTenantsDatasetIsAnsweredAsAnUnknownOneAndCannotBeNamedInAJob() {
        String network = register(TenantsProfile.KEY_A, "single-neuron");
        String dataset = as(TenantsProfile.KEY_A).contentType("text/csv").body(CSV).post("/datasets?targets=label")
                .then().statusCode(201).extract().path("datasetId");

        answeredAsUnknown(dataset, id -> as(TenantsProfile.KEY_B).get("/datasets/" + id));
        answeredAsUnknown(dataset, id -> as(TenantsProfile.KEY_B).contentType(ContentType.JSON)
                .body(INLINE_JOB.replaceFirst("\"dataset\": \\{.*},", "\"dataset\": {\"id\": \"" + id + "\"},"))
                .post("/jobs"));
        answeredAsUnknown(network, id -> as(TenantsProfile.KEY_B).contentType(ContentType.JSON)
                .body(INLINE_JOB.replaceFirst("(?s)\"network\": \\{.*?},\\s*\"dataset\"", "\"network\": \"" + id
                        + "\", \"dataset\"")).post("/jobs"));
        as(TenantsProfile.KEY_B).contentType(ContentType.JSON).body(INLINE_JOB.replaceFirst("(?s)\"network\": \\{.*?},"
                + "\\s*\"dataset\"", "\"network\": \"" + network + "\", \"dataset\"")).post("/jobs").then()
                .statusCode(400).body("field", is("network"))
                .body("message", is("network: no network with id \"" + network + "\" is registered"));
        assertThat(tenantOf(kafka.awaitRecord("datasets", r -> dataset.equals(r.key())))).isEqualTo("team-a");
        as(TenantsProfile.KEY_A).get("/datasets/" + dataset).then().statusCode(200).body("rows", is(2));
    }

    @Test
    void recordsWrittenStraightToTheTopicsBelongToTheTenantTheirHeaderNamesOrToTheUnownedRecordsTenant() {
        String ofB = "net-" + UUID.randomUUID();
        String ofNobody = "net-" + UUID.randomUUID();
        String definition = example("single-neuron.network.json");
        kafka.produce(tenantRecord("network-definitions", ofB, definition, "team-b"));
        kafka.produce(tenantRecord("network-definitions", ofNobody, definition, null));

        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> as(TenantsProfile.KEY_OPS)
                .get("/networks/" + ofNobody).then().statusCode(200));
        as(TenantsProfile.KEY_B).get("/networks/" + ofB).then().statusCode(200);
        for (String key : List.of(TenantsProfile.KEY_A, TenantsProfile.KEY_B)) {
            answeredAsUnknown(ofNobody, id -> as(key).get("/networks/" + id));
        }
        answeredAsUnknown(ofB, id -> as(TenantsProfile.KEY_A).get("/networks/" + id));
        answeredAsUnknown(ofB, id -> as(TenantsProfile.KEY_OPS).get("/networks/" + id));

        // An answer needs no tenant: a batch is its network's owner's.
        String batch = UUID.randomUUID().toString();
        kafka.produce("gradients", ofNobody, GradientRecord.failed(batch, ofNobody, "from elsewhere").encode());
        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> as(TenantsProfile.KEY_OPS)
                .get("/batches/" + batch).then().statusCode(200).body("status", is("failed")));
        answeredAsUnknown(batch, id -> as(TenantsProfile.KEY_A).get("/batches/" + id));

        String job = "job-" + UUID.randomUUID();
        kafka.produce(tenantRecord("job-progress", job, "{\"jobId\": \"" + job + "\", \"status\": \"running\"}",
                null));
        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> as(TenantsProfile.KEY_OPS)
                .get("/jobs/" + job).then().statusCode(200));
        answeredAsUnknown(job, id -> as(TenantsProfile.KEY_A).get("/jobs/" + id));
    }

    @Test
    void anIdempotencyKeyIsItsTenantsOwn() {
        String network = register(TenantsProfile.KEY_A, "single-neuron");
        String body = example("single-neuron.batch.json");
        String first = as(TenantsProfile.KEY_A).header("Idempotency-Key", "order-1").contentType(ContentType.JSON)
                .body(body).post("/networks/" + network + "/batches").then().statusCode(202)
                .header("Idempotent-Replayed", nullValue()).extract().path("batchId");

        // team-b replays team-a's key on team-a's network: the network is unknown to it, nothing is published.
        answeredAsUnknown(network, id -> as(TenantsProfile.KEY_B).header("Idempotency-Key", "order-1")
                .contentType(ContentType.JSON).body(body).post("/networks/" + id + "/batches"));
        // On its own network the same key is a fresh submission: a new batch, not a replay, not a conflict.
        String ownNetwork = register(TenantsProfile.KEY_B, "single-neuron");
        String second = as(TenantsProfile.KEY_B).header("Idempotency-Key", "order-1").contentType(ContentType.JSON)
                .body("{\"inputs\": {\"x\": [9, 9, 9]}}").post("/networks/" + ownNetwork + "/batches").then()
                .statusCode(202).header("Idempotent-Replayed", nullValue()).extract().path("batchId");
        as(TenantsProfile.KEY_A).header("Idempotency-Key", "order-1").contentType(ContentType.JSON).body(body)
                .post("/networks/" + network + "/batches").then().statusCode(202)
                .header("Idempotent-Replayed", is("true")).body("batchId", is(first));

        assertThat(second).isNotEqualTo(first);
        assertThat(first).isEqualTo(IdempotencyKeys.batchId("team-a", network, "order-1"))
                .isNotEqualTo(IdempotencyKeys.batchId("team-b", network, "order-1"))
                .isNotEqualTo(IdempotencyKeys.batchId(null, network, "order-1"));
        assertThat(kafka.readAll("batches").stream().filter(r -> BatchRecord.decode(r.value()).networkId()
                .equals(network)).map(ConsumerRecord::key).toList()).containsExactly(first);
    }

    @Test
    void aKeyRemovedFromTheFileIs401WithoutARestartAndTheNewKeySeesTheSameRecords() throws IOException {
        String oldKey = TenantsProfile.KEY_ROTATING;
        String newKey = TenantsProfile.newKey();
        String network = register(oldKey, "single-neuron");
        as(newKey).get("/networks/" + network).then().statusCode(401);

        try {
            TenantsProfile.publish(TenantsProfile.file(List.of(oldKey, newKey)));
            Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
                    as(newKey).get("/networks/" + network).then().statusCode(200));
            as(oldKey).get("/networks/" + network).then().statusCode(200);

            TenantsProfile.publish(TenantsProfile.file(List.of(newKey)));
            Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
                    as(oldKey).get("/networks/" + network).then().statusCode(401)
                            .body("message", is("invalid API key (header X-API-Key)")));
            as(newKey).get("/networks/" + network).then().statusCode(200);
            given().get("/q/metrics").then().body(containsString(
                    "gradflow_gateway_tenants_reloads_total{outcome=\"ok\"}"));
        } finally {
            TenantsProfile.publish(TenantsProfile.file(List.of(oldKey)));
            Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
                    as(oldKey).get("/networks/" + network).then().statusCode(200));
        }
    }

    @Test
    void aTenantOverItsRateIs429WithRetryAfterAndTheOthersGoOn() {
        // slow: a burst of 2, then one request every 2 s.
        List<Integer> statuses = new ArrayList<>();
        Response refused = null;
        for (int i = 0; i < 4 && refused == null; i++) {
            Response response = as(TenantsProfile.KEY_SLOW).get("/jobs");
            statuses.add(response.statusCode());
            if (response.statusCode() == 429) {
                refused = response;
            }
            as(TenantsProfile.KEY_A).get("/jobs").then().statusCode(200);
        }

        assertThat(statuses).startsWith(200, 200).endsWith(429);
        assertThat(refused.header("Retry-After")).isIn("1", "2");
        assertThat(refused.jsonPath().getString("message")).startsWith("tenant slow sent more than 0.5 requests per"
                + " second (burst 2); retry after ");
        given().get("/q/metrics").then().body(containsString(
                "gradflow_gateway_requests_rejected_total{reason=\"rate\",tenant=\"slow\"}"));
    }

    @Test
    void aTenantOverItsBytesInFlightIs429UntilItsBodiesAreAnsweredAndABodyLargerThanAllIs413() throws Exception {
        String padded = pad(example("single-neuron.network.json"), 1500);
        as(TenantsProfile.KEY_SMALL).contentType(ContentType.JSON).body(pad(padded, 2500)).post("/networks")
                .then().statusCode(413).body("message", is("the body has 2500 bytes, more than tenant small may have"
                        + " in flight (2000, maxBytesInFlight)"));

        // A body of 1,500 bytes that arrives slowly holds 1,500 of the tenant's 2,000 bytes while it arrives.
        byte[] slowBody = padded.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /networks HTTP/1.1\r\nHost: " + root.getHost() + "\r\nX-API-Key: "
                    + TenantsProfile.KEY_SMALL + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + slowBody.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(slowBody, 0, 100);
            out.flush();
            Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> given().get("/q/metrics").then()
                    .body(containsString("gradflow_gateway_bytes_in_flight{tenant=\"small\"} 1500.0")));

            Response refused = as(TenantsProfile.KEY_SMALL).contentType(ContentType.JSON)
                    .body(pad(example("single-neuron.network.json"), 1000)).post("/networks");
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.jsonPath().getString("message")).isEqualTo("tenant small has more than 2000 request"
                    + " bytes in flight (maxBytesInFlight); retry after 1 s");
            // Another tenant's bytes are its own.
            as(TenantsProfile.KEY_A).contentType(ContentType.JSON).body(pad(padded, 1900)).post("/networks")
                    .then().statusCode(201);

            out.write(slowBody, 100, slowBody.length - 100);
            out.flush();
            String answer = new String(readAll(socket.getInputStream()), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 201");
        }
        Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> given().get("/q/metrics").then()
                .body(containsString("gradflow_gateway_bytes_in_flight{tenant=\"small\"} 0.0")));
        as(TenantsProfile.KEY_SMALL).contentType(ContentType.JSON).body(pad(padded, 1000)).post("/networks")
                .then().statusCode(201);
        given().get("/q/metrics").then().body(containsString(
                "gradflow_gateway_requests_rejected_total{reason=\"bytes-in-flight\",tenant=\"small\"} 1.0"));
    }

    @Test
    void noKeyReachesTheLogNeitherAcceptedNorRefusedNorPastedIntoTheFile() throws IOException {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
                StringBuilder line = new StringBuilder(String.valueOf(message));
                for (Throwable thrown = record.getThrown(); thrown != null; thrown = thrown.getCause()) {
                    line.append(" | ").append(thrown);
                }
                lines.add(line.toString());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger rootLogger = Logger.getLogger("");
        rootLogger.addHandler(capture);
        String guessed = TenantsProfile.newKey();
        String pasted = TenantsProfile.newKey();
        try {
            as(TenantsProfile.KEY_A).get("/networks/no-such-network").then().statusCode(404);
            as(guessed).get("/networks/no-such-network").then().statusCode(401)
                    .body("message", is("invalid API key (header X-API-Key)"));
            // An operator pastes a key where its hash belongs: the file is refused, and says where, not what.
            TenantsProfile.publish(TenantsProfile.file(List.of(TenantsProfile.KEY_ROTATING))
                    .replace(KeyHashes.hash(TenantsProfile.KEY_ROTATING), pasted));
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> lines.stream().anyMatch(line ->
                    line.contains("cannot be used: tenants.rotating.keys[0]: expected \"sha256:\"")));
            as(TenantsProfile.KEY_ROTATING).get("/jobs").then().statusCode(200);
        } finally {
            TenantsProfile.publish(TenantsProfile.file(List.of(TenantsProfile.KEY_ROTATING)));
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> lines.stream().anyMatch(line ->
                    line.contains("read again")));
            rootLogger.removeHandler(capture);
        }

        assertThat(lines).isNotEmpty();
        for (String key : List.of(TenantsProfile.KEY_A, TenantsProfile.KEY_ROTATING, guessed, pasted)) {
            assertThat(lines).noneMatch(line -> line.contains(key));
        }
        given().get("/q/metrics").then().body(containsString(
                "gradflow_gateway_requests_rejected_total{reason=\"invalid-key\",tenant=\"(none)\"}"));
    }

    private static ProducerRecord<String, byte[]> tenantRecord(String topic, String key, String value,
            String tenant) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key,
                value.getBytes(StandardCharsets.UTF_8));
        if (tenant != null) {
            record.headers().add(new RecordHeader(TenantHeader.NAME, TenantHeader.encode(tenant)));
        }
        return record;
    }

    private static String tenantOf(ConsumerRecord<String, byte[]> record) {
        org.apache.kafka.common.header.Header header = record.headers().lastHeader(TenantHeader.NAME);
        return header == null ? null : TenantHeader.decode(header.value());
    }

    /** JSON padded with trailing spaces to exactly {@code bytes} bytes. */
    private static String pad(String json, int bytes) {
        String trimmed = json.strip();
        return trimmed + " ".repeat(bytes - trimmed.getBytes(StandardCharsets.UTF_8).length);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}

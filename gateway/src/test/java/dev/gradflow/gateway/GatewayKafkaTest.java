package dev.gradflow.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.kafka.broker.KafkaBrokerTestResource;
import dev.gradflow.kafka.broker.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The gateway against a real in-process Kafka broker: REST in, records out; gradient records in, REST out. */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
class GatewayKafkaTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    TopicProbe kafka;

    @BeforeEach
    void connect() {
        kafka = new TopicProbe(bootstrapServers, TIMEOUT);
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    private static String example(String file) throws IOException {
        return Files.readString(Path.of("..", "examples", file));
    }

    private static String register(String definition) {
        return given().contentType(ContentType.JSON).body(definition)
                .when().post("/networks")
                .then().statusCode(201).header("Location", containsString("/networks/"))
                .extract().path("networkId");
    }

    @Test
    void aRegisteredDefinitionIsPublishedKeyedByItsId() throws IOException {
        String networkId = register(example("single-neuron.network.json"));

        ConsumerRecord<String, byte[]> record = kafka.awaitRecord("network-definitions", r -> networkId.equals(r.key()));

        assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains("\"op\":\"relu\"");
        given().when().get("/networks/" + networkId).then().statusCode(200)
                .body("inputs.x", equalTo(List.of(3)))
                .body("parameters.w", equalTo(List.of(3)))
                .body("parameters.b", equalTo(List.of()))
                .body("output", is("y"));
    }

    @Test
    void anAcceptedBatchIsPublishedAndItsResultServedWhenTheGradientsArrive() throws IOException {
        String networkId = register(example("single-neuron.network.json"));
        String batchId = given().contentType(ContentType.JSON).body(example("single-neuron.batch.json"))
                .when().post("/networks/" + networkId + "/batches")
                .then().statusCode(202).body("status", is("pending"))
                .header("Location", containsString("/batches/"))
                .extract().path("batchId");

        ConsumerRecord<String, byte[]> record = kafka.awaitRecord("batches",
                r -> BatchRecord.decode(r.value()).batchId().equals(batchId));
        assertThat(record.key()).as("batches are keyed by batch id").isEqualTo(batchId);
        assertThat(BatchRecord.decode(record.value()).tensors()).isEqualTo(Map.of("x", Tensor.vector(1, -2, 3)));
        given().when().get("/batches/" + batchId).then().statusCode(200).body("status", is("pending"));

        GradientSet answer = new GradientSet(Tensor.scalar(6), Map.of("w", Tensor.vector(1, -2, 3), "b",
                Tensor.scalar(1)), Map.of("x", Tensor.vector(-3, -1, 2)));
        kafka.produce("gradients", networkId, GradientRecord.ok(batchId, networkId, answer).encode());

        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
                given().when().get("/batches/" + batchId).then().statusCode(200)
                        .body("status", is("done"))
                        .body("output", is(6.0f))
                        .body("parameterGradients.w", equalTo(List.of(1.0f, -2.0f, 3.0f)))
                        .body("parameterGradients.b", is(1.0f))
                        .body("inputGradients.x", equalTo(List.of(-3.0f, -1.0f, 2.0f)))
                        .body("error", nullValue()));
    }

    @Test
    void aFailedAnswerIsServedWithItsReason() throws IOException {
        String networkId = register(example("chain-rule.network.json"));
        String batchId = given().contentType(ContentType.JSON).body(example("chain-rule.batch.json"))
                .when().post("/networks/" + networkId + "/batches").then().statusCode(202).extract().path("batchId");
        kafka.produce("gradients", networkId, GradientRecord.failed(batchId, networkId, "something broke").encode());

        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
                given().when().get("/batches/" + batchId).then().statusCode(200)
                        .body("status", is("failed")).body("error", is("something broke")));
    }

    @Test
    void aDefinitionWrittenStraightToTheTopicIsAcceptedToo() throws IOException {
        String networkId = "external-" + UUID.randomUUID();
        kafka.produce("network-definitions", networkId, example("relu.network.json").getBytes(StandardCharsets.UTF_8));

        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
                given().contentType(ContentType.JSON).body("{\"inputs\": {\"x\": 0}}")
                        .when().post("/networks/" + networkId + "/batches").then().statusCode(202));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            broken JSON | {"kind": "graph", | $ | $: malformed JSON at line 1, column 18: Unexpected end-of-input within/between Object entries
            empty body | '' | $ | $: the body is empty; expected a JSON object
            not an object | [1, 2] | $ | $: expected an object, got an array
            unknown op | {"kind": "graph", "inputs": {"x": {"shape": []}}, "nodes": [{"name": "y", "op": "gelu", "inputs": ["x"]}], "output": "y"} | nodes[0].op | nodes[0].op: unknown op 'gelu', expected one of [abs, add, binary-cross-entropy, categorical-cross-entropy, clip, dense, div, dropout, exp, log, matmul, max, mean, mean-absolute-error, mean-squared-error, min, mul, neg, pow, reduce-max, relu, reshape, sigmoid, softmax, softmax-cross-entropy, sqrt, sub, sum, tanh, transpose]
            wrong type | {"kind": "layers", "inputSize": "four", "layers": [], "loss": "mean-squared-error"} | inputSize | inputSize: expected a number, got the string "four"
            infinite value | {"kind": "graph", "inputs": {}, "parameters": {"w": {"value": [1, 1e999]}}, "nodes": [{"name": "s", "op": "sum", "inputs": ["w"]}], "output": "s"} | parameters.w.value[1] | parameters.w.value[1]: must be a finite number, got Infinity
            """)
    void aBadDefinitionIsRejectedNamingTheField(String title, String body, String field, String message) {
        given().contentType(ContentType.JSON).body(body)
                .when().post("/networks")
                .then().statusCode(400)
                .body("status", is(400)).body("field", is(field)).body("message", is(message));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            wrong shape | {"inputs": {"x": [1, 2]}} | inputs.x | inputs.x: has shape [2], expected [3] (N is the batch size)
            unknown input | {"inputs": {"x": [1, 2, 3], "q": 1}} | inputs.q | inputs.q: the network has no input named "q"; expected [x]
            missing inputs | {} | inputs | inputs: is required; the network expects [x]
            ragged | {"inputs": {"x": [[1], 2, 3]}} | inputs.x[1] | inputs.x[1]: expected an array of length 1 (shape [3, 1]), got 2
            unknown field | {"inputs": {"x": [1, 2, 3]}, "weights": 1} | weights | weights: unknown field, expected one of [inputs, targets, trace]
            """)
    void aBadBatchIsRejectedNamingTheField(String title, String body, String field, String message) throws IOException {
        String networkId = register(example("single-neuron.network.json"));
        given().contentType(ContentType.JSON).body(body)
                .when().post("/networks/" + networkId + "/batches")
                .then().statusCode(400).body("field", is(field)).body("message", is(message));
    }

    @Test
    void theGradientCheckComparesTheEngineWithFiniteDifferences() throws IOException {
        String networkId = register(example("mlp.network.json"));
        String batch = example("mlp.batch.json").replaceFirst("\\{", "{\"maxElementsPerTensor\": 10, ");

        given().contentType(ContentType.JSON).body(batch)
                .when().post("/networks/" + networkId + "/gradient-check")
                .then().statusCode(200)
                .body("dtype", is("float64"))
                .body("passed", is(true))
                .body("tolerance", is(1.0e-6f))
                .body("parameters.'dense1.weights'.checkedElements", is(10))
                .body("parameters.'dense1.weights'.totalElements", is(32))
                .body("parameters.'dense2.biases'.checkedElements", is(3))
                .body("inputs.x.checkedElements", is(10));
    }

    @Test
    void aFloat32NetworkIsAcceptedAndChecked() throws IOException {
        String networkId = register(example("mlp.network.json").replace("\"float64\"", "\"float32\""));
        given().when().get("/networks/" + networkId).then().statusCode(200).body("dtype", is("float32"));
        given().contentType(ContentType.JSON).body(example("mlp.batch.json"))
                .when().post("/networks/" + networkId + "/gradient-check")
                .then().statusCode(200).body("dtype", is("float32")).body("passed", is(true))
                .body("tolerance", is(1.0e-3f));
    }

    @Test
    void aGradientCheckAskingForTooMuchIsRejected() throws IOException {
        String networkId = register(example("mlp.network.json"));
        given().contentType(ContentType.JSON)
                .body("{\"inputs\": {\"x\": [[1, 2, 3, 4]]}, \"targets\": {\"y\": [0]}, \"maxElementsPerTensor\": 100000}")
                .when().post("/networks/" + networkId + "/gradient-check")
                .then().statusCode(400).body("field", is("maxElementsPerTensor"))
                .body("message", is("maxElementsPerTensor: must be an integer between 1 and 256"
                        + " (gradflow.gateway.gradient-check-max-elements), got 100000"));
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyGetsTheSameBatchIdAndPublishesNothing() throws IOException {
        String networkId = register(example("single-neuron.network.json"));
        String body = example("single-neuron.batch.json");
        String first = given().contentType(ContentType.JSON).header("Idempotency-Key", "job-7/batch-1").body(body)
                .when().post("/networks/" + networkId + "/batches")
                .then().statusCode(202).extract().path("batchId");
        String second = given().contentType(ContentType.JSON).header("Idempotency-Key", "job-7/batch-1").body(body)
                .when().post("/networks/" + networkId + "/batches")
                .then().statusCode(202).header("Idempotent-Replayed", "true").extract().path("batchId");
        assertThat(second).isEqualTo(first);
        given().contentType(ContentType.JSON).header("Idempotency-Key", "job-7/batch-1")
                .body("{\"inputs\": {\"x\": [9, 9, 9]}}")
                .when().post("/networks/" + networkId + "/batches")
                .then().statusCode(409)
                .body("message", is("Idempotency-Key \"job-7/batch-1\" was already used for a different batch"));
        // Every publication was acknowledged before its answer, so the topic as it is now holds them all.
        List<ConsumerRecord<String, byte[]>> published = kafka.readAll("batches");
        assertThat(published.stream().filter(r -> BatchRecord.decode(r.value()).batchId().equals(first)))
                .as("records for the keyed batch").hasSize(1);
    }

    @Test
    void aBodyOverTheLimitIs413WithAJsonError() {
        byte[] large = new byte[64 * 1024 * 1024 + 10];
        Arrays.fill(large, (byte) ' ');
        given().contentType(ContentType.JSON).body(large)
                .when().post("/networks")
                .then().statusCode(413).body("status", is(413)).body("field", is("$"))
                .body("message", is("$: the body has 67108874 bytes, more than the limit of 67108864"
                        + " (gradflow.gateway.max-body-bytes)"));
    }

    @Test
    void aBodyThatIsNotJsonIs415() {
        given().contentType(ContentType.TEXT).body("hello").when().post("/networks")
                .then().statusCode(415).body("status", is(415)).body("message", is("the body must be JSON (Content-Type: application/json)"));
    }

    @Test
    void unknownNetworksAndBatchesAre404() {
        given().contentType(ContentType.JSON).body("{\"inputs\": {}}")
                .when().post("/networks/nope/batches")
                .then().statusCode(404).body("message", is("network \"nope\" is not registered"));
        given().when().get("/networks/nope").then().statusCode(404);
        given().when().get("/batches/nope").then().statusCode(404).body("message", is("batch \"nope\" is not known"));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() throws IOException {
        register(example("relu.network.json"));
        given().when().get("/q/health").then().statusCode(200).body("status", is("UP"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("gradflow_records_published_total{channel=\"network-definitions\"}"));
        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
                given().when().get("/q/metrics").then().statusCode(200).body(containsString(
                        "gradflow_records_processed_total{channel=\"network-definitions\",outcome=\"ok\"}")));
        given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("/networks/{networkId}/batches"));
    }
}

package dev.gradflow.forward;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.wire.AnswerTopic;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.TraceRequest;
import dev.gradflow.core.wire.TapeRecord;
import dev.gradflow.kafka.broker.KafkaBrokerTestResource;
import dev.gradflow.kafka.broker.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The forward-service against a real in-process Kafka broker: records in, tapes (or dead letters) out. */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
class ForwardServiceKafkaTest {
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

    private static byte[] example(String name) throws IOException {
        return Files.readAllBytes(Path.of("..", "examples", name + ".network.json"));
    }

    private TapeRecord awaitTape(String batchId) {
        ConsumerRecord<String, byte[]> record = kafka.awaitRecord("tapes",
                r -> TapeRecord.decode(r.value()).batchId().equals(batchId));
        TapeRecord tape = TapeRecord.decode(record.value());
        assertThat(record.key()).as("tapes are keyed by batch id").isEqualTo(tape.batchId());
        return tape;
    }

    @Test
    void aBatchBecomesATapeWhoseBackwardPassGivesTheChaptersGradients() throws IOException {
        String network = "net-" + UUID.randomUUID();
        kafka.produce("network-definitions", network, example("single-neuron"));
        String batchId = "batch-" + UUID.randomUUID();
        kafka.produce("batches", network, new BatchRecord(batchId, network, Map.of("x", Tensor.vector(1, -2, 3))).encode());

        TapeRecord tape = awaitTape(batchId);

        assertThat(tape.isFailed()).isFalse();
        assertThat(tape.networkId()).isEqualTo(network);
        GradientSet gradients = BackwardPass.run(tape.tape());
        assertThat(gradients.output().item()).isEqualTo(6.0);
        assertThat(gradients.parameters().get("w").toDoubleArray()).containsExactly(1, -2, 3);
        assertThat(gradients.inputs().get("x").toDoubleArray()).containsExactly(-3, -1, 2);
    }

    @Test
    void aSmallBatchIsTracedByDefaultALargeOneOnlyWhenItOrItsDefinitionAsks() throws IOException {
        String network = "net-" + UUID.randomUUID();
        kafka.produce("network-definitions", network, example("mlp"));
        Map<String, Tensor> small = mlpBatch(2);
        Map<String, Tensor> large = mlpBatch(200);
        String smallId = "small-" + UUID.randomUUID();
        String largeId = "large-" + UUID.randomUUID();
        String askedId = "asked-" + UUID.randomUUID();
        String refusedId = "refused-" + UUID.randomUUID();
        kafka.produce("batches", smallId, new BatchRecord(smallId, network, small).encode());
        kafka.produce("batches", largeId, new BatchRecord(largeId, network, large).encode());
        kafka.produce("batches", askedId, new BatchRecord(askedId, network, large).traced(TraceRequest.ALWAYS)
                .encode());
        kafka.produce("batches", refusedId, new BatchRecord(refusedId, network, small).traced(TraceRequest.NEVER)
                .encode());

        TapeRecord smallTape = awaitTape(smallId);
        assertThat(smallTape.values()).as("a batch of at most 1,000 elements in all is traced")
                .hasSize(smallTape.tape().nodes().size());
        assertThat(smallTape.values().get(smallTape.tape().output())).isEqualTo(smallTape.tape().outputValue());
        assertThat(awaitTape(largeId).values()).isNull();
        assertThat(awaitTape(askedId).values()).isNotNull();
        assertThat(awaitTape(refusedId).values()).isNull();

        String tracedNetwork = "traced-" + UUID.randomUUID();
        String definition = new String(example("mlp"), java.nio.charset.StandardCharsets.UTF_8).trim();
        kafka.produce("network-definitions", tracedNetwork, (definition.substring(0, definition.length() - 1)
                + ", \"trace\": true}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String byDefinition = "by-definition-" + UUID.randomUUID();
        kafka.produce("batches", byDefinition, new BatchRecord(byDefinition, tracedNetwork, large).encode());
        assertThat(awaitTape(byDefinition).values()).as("the definition says \"trace\": true").isNotNull();
    }

    @Test
    void aTracedBatchWhoseForwardPassFailsCarriesTheGraphUpToTheFailingNode() throws IOException {
        String network = "net-" + UUID.randomUUID();
        kafka.produce("network-definitions", network, ("{\"kind\": \"graph\", \"inputs\": {\"x\": {\"shape\": []}},"
                + " \"nodes\": [{\"name\": \"lx\", \"op\": \"log\", \"inputs\": [\"x\"]},"
                + " {\"name\": \"y\", \"op\": \"neg\", \"inputs\": [\"lx\"]}], \"output\": \"y\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String batchId = "log0-" + UUID.randomUUID();
        kafka.produce("batches", batchId, new BatchRecord(batchId, network, Map.of("x", Tensor.scalar(0))).encode());

        TapeRecord tape = awaitTape(batchId);

        assertThat(tape.failure()).contains("node \"lx\"");
        assertThat(tape.failedTrace().failure().node()).isEqualTo(1);
        assertThat(tape.failedTrace().nodes()).extracting(node -> node.name()).containsExactly("x", "lx");
        assertThat(tape.failedTrace().nodes().get(1).value().item()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    private static Map<String, Tensor> mlpBatch(int rows) {
        double[] x = new double[rows * 4];
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < 4; j++) {
                x[4 * i + j] = (i + 1) * 0.01 * (j - 1.5);
            }
            y[i] = i % 3;
        }
        return Map.of("x", Tensor.ofDoubles(new int[] {rows, 4}, x), "y", Tensor.ofDoubles(new int[] {rows}, y));
    }

    @Test
    void aJobsBatchRunsWithTheParametersItBringsAndItsTapeIsAnsweredOnTheJobsTopic() throws IOException {
        String network = "job-" + UUID.randomUUID();
        kafka.produce("network-definitions", network, example("single-neuron"));
        String batchId = network + "/0/0";
        Map<String, Tensor> parameters = Map.of("w", Tensor.vector(1, 1, 1), "b", Tensor.scalar(0.5));
        kafka.produce("batches", batchId, new BatchRecord(batchId, network, 7, AnswerTopic.JOBS,
                Map.of("x", Tensor.vector(1, -2, 3)), parameters).encode());

        TapeRecord tape = awaitTape(batchId);

        assertThat(tape.answerTopic()).isEqualTo(AnswerTopic.JOBS);
        GradientSet gradients = BackwardPass.run(tape.tape());
        assertThat(gradients.output().item()).as("relu(1 - 2 + 3 + 0.5), not the definition's -3 - 2 + 6 + 1")
                .isEqualTo(2.5);
        assertThat(gradients.parameters().get("w").toDoubleArray()).containsExactly(1, -2, 3);
        assertThat(gradients.inputs().get("x").toDoubleArray()).containsExactly(1, 1, 1);
    }

    @Test
    void aBatchWhoseParametersDoNotFitBecomesAFailedTapeNamingTheParameter() throws IOException {
        String network = "job-" + UUID.randomUUID();
        kafka.produce("network-definitions", network, example("single-neuron"));
        String batchId = network + "/0/0";
        kafka.produce("batches", batchId, new BatchRecord(batchId, network, 7, AnswerTopic.JOBS,
                Map.of("x", Tensor.vector(1, -2, 3)), Map.of("w", Tensor.vector(1, 1), "b", Tensor.scalar(0)))
                .encode());

        TapeRecord tape = awaitTape(batchId);

        assertThat(tape.failure()).startsWith("parameters.w: is float64 [2], the network declares float64 [3]");
        assertThat(tape.answerTopic()).as("a failure is answered where the batch asked, too")
                .isEqualTo(AnswerTopic.JOBS);
    }

    @Test
    void aBatchThatArrivesBeforeItsDefinitionWaitsForIt() throws IOException {
        String network = "net-" + UUID.randomUUID();
        String batchId = "early-" + UUID.randomUUID();
        kafka.produce("batches", network, new BatchRecord(batchId, network, Map.of("x", Tensor.scalar(1))).encode());
        kafka.produce("network-definitions", network, example("chain-rule"));

        TapeRecord tape = awaitTape(batchId);

        assertThat(BackwardPass.run(tape.tape()).inputs().get("x").item()).isEqualTo(960.0);
    }

    @Test
    void aBatchOfTheWrongShapeBecomesAFailedTapeNamingTheField() throws IOException {
        String network = "net-" + UUID.randomUUID();
        kafka.produce("network-definitions", network, example("single-neuron"));
        String batchId = "bad-" + UUID.randomUUID();
        kafka.produce("batches", network, new BatchRecord(batchId, network, Map.of("x", Tensor.vector(1, 2))).encode());

        TapeRecord tape = awaitTape(batchId);

        assertThat(tape.failure()).isEqualTo("inputs.x: has shape [2], expected [3] (N is the batch size)");
    }

    @Test
    void bytesThatAreNotABatchGoToTheDeadLetterTopicAndTheServiceCarriesOn() throws IOException {
        String network = "net-" + UUID.randomUUID();
        kafka.produce("network-definitions", network, example("single-neuron"));
        kafka.produce("batches", network, "definitely not a batch".getBytes(StandardCharsets.UTF_8));
        String batchId = "after-" + UUID.randomUUID();
        kafka.produce("batches", network, new BatchRecord(batchId, network, Map.of("x", Tensor.vector(1, -2, 3))).encode());

        ConsumerRecord<String, byte[]> deadLetter = kafka.awaitRecord("batches-dead-letters",
                r -> new String(r.value(), StandardCharsets.UTF_8).equals("definitely not a batch"));
        Header reason = deadLetter.headers().lastHeader("dead-letter-reason");
        assertThat(new String(reason.value(), StandardCharsets.UTF_8))
                .contains("batch record: bad magic \"defi\", expected \"GFBA\"");
        assertThat(awaitTape(batchId).isFailed()).isFalse();
    }

    @Test
    void healthAndMetricsAreServed() throws IOException {
        String network = "net-" + UUID.randomUUID();
        kafka.produce("network-definitions", network, example("relu"));
        String batchId = "metrics-" + UUID.randomUUID();
        kafka.produce("batches", network, new BatchRecord(batchId, network, Map.of("x", Tensor.scalar(2))).encode());
        awaitTape(batchId);

        given().when().get("/q/health").then().statusCode(200).body("status", is("UP"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("gradflow_records_processed_total{channel=\"batches\",outcome=\"ok\"}"))
                .body(containsString("gradflow_processing_time_seconds_count{stage=\"forward\"}"))
                .body(containsString("gradflow_transactions_total{channel=\"batches\",outcome=\"committed\"}"))
                // The build brings OpenBLAS for linux-x86_64, the platform CI runs on.
                .body(containsString("gradflow_engine_info{implementation=\"openblas\""));
    }
}

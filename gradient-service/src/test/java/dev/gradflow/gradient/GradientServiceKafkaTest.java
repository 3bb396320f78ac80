package dev.gradflow.gradient;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.Tape;
import dev.gradflow.core.tape.TapeNode;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.trace.ChainRuleTrace;
import dev.gradflow.core.wire.AnswerTopic;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.core.wire.TapeRecord;
import dev.gradflow.kafka.broker.KafkaBrokerTestResource;
import dev.gradflow.kafka.broker.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gradient-service against a real in-process Kafka broker: tapes in, gradients (or dead letters) out. */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
class GradientServiceKafkaTest {
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

    private GradientRecord awaitAnswer(String batchId) {
        ConsumerRecord<String, byte[]> record = kafka.awaitRecord("gradients",
                r -> GradientRecord.decode(r.value()).batchId().equals(batchId));
        GradientRecord answer = GradientRecord.decode(record.value());
        assertThat(record.key()).as("gradients are keyed by network id").isEqualTo(answer.networkId());
        return answer;
    }

    private static Tape polynomialTape(double x, double y, double z) throws IOException {
        Object tree = new ObjectMapper()
                .readValue(Path.of("..", "examples", "polynomial.network.json").toFile(), Object.class);
        var graph = GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(tree), Limits.DEFAULT);
        return ForwardPass.record(graph, Map.of("x", Tensor.scalar(x), "y", Tensor.scalar(y), "z", Tensor.scalar(z)));
    }

    @Test
    void aTapeIsAnsweredWithTheGradientOfTheChaptersPolynomial() throws IOException {
        String batchId = "batch-" + UUID.randomUUID();
        double x = 1.5;
        double y = -2;
        double z = 0.5;
        kafka.produce("tapes", "net-1", TapeRecord.ok(batchId, "net-1", polynomialTape(x, y, z)).encode());

        GradientRecord answer = awaitAnswer(batchId);

        assertThat(answer.isFailed()).isFalse();
        assertThat(answer.gradients().inputs().get("x").item()).isCloseTo(9 * x * x * z, within(1e-12));
        assertThat(answer.gradients().inputs().get("y").item()).isCloseTo(-2 * y + 2 * z, within(1e-12));
        assertThat(answer.gradients().inputs().get("z").item()).isCloseTo(3 * x * x * x + 5 + 2 * y, within(1e-12));
    }

    @Test
    void aTracedTapeIsAnsweredWithItsTraceWhoseLeavesAreTheAnswersGradients() throws IOException {
        String batchId = "traced-" + UUID.randomUUID();
        Object tree = new ObjectMapper().readValue(
                Path.of("..", "examples", "chain-rule.network.json").toFile(), Object.class);
        var graph = GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(tree), Limits.DEFAULT);
        var recorded = ForwardPass.recordWithValues(graph, Map.of("x", Tensor.scalar(1)), 0);
        kafka.produce("tapes", batchId, TapeRecord.ok(batchId, "net-1", recorded.tape())
                .withValues(recorded.values()).encode());
        String plainId = "plain-" + UUID.randomUUID();
        kafka.produce("tapes", plainId, TapeRecord.ok(plainId, "net-1", recorded.tape()).encode());

        GradientRecord answer = awaitAnswer(batchId);

        assertThat(answer.trace().node("x").gradient()).isEqualTo(answer.gradients().inputs().get("x"));
        assertThat(answer.trace().node("x").gradient().item()).isEqualTo(960);
        assertThat(answer.trace().edge("g", "g5").local().item()).as("5g⁴ at g = 2").isEqualTo(80);
        assertThat(answer.trace().edge("x2", "g").upstream().item()).as("∂h/∂g").isEqualTo(240);
        assertThat(awaitAnswer(plainId).trace()).as("an untraced tape's answer has none").isNull();
    }

    @Test
    void aFailedTapesTraceIsPassedOnWithTheFailure() {
        String batchId = "failed-" + UUID.randomUUID();
        var trace = ChainRuleTrace.failedForward(List.of(TapeNode.leaf("x", NodeKind.INPUT,
                new int[0]), new TapeNode("lx", NodeKind.OP, new int[0], "log", new double[0], new int[] {0},
                List.of())), List.of(Tensor.scalar(0), Tensor.scalar(Double.NEGATIVE_INFINITY)), "non-finite value");
        kafka.produce("tapes", batchId, TapeRecord.failed(batchId, "net-1", "non-finite value")
                .withFailedTrace(trace).encode());

        GradientRecord answer = awaitAnswer(batchId);

        assertThat(answer.failure()).isEqualTo("non-finite value");
        assertThat(answer.trace()).isEqualTo(trace);
    }

    @Test
    void aJobsTapeIsAnsweredOnTheJobsTopicKeyedByTheJobId() throws IOException {
        String jobId = "job-" + UUID.randomUUID();
        String batchId = jobId + "/0/0";
        kafka.produce("tapes", batchId, TapeRecord.ok(batchId, jobId, polynomialTape(1, 2, 3))
                .answeredOn(AnswerTopic.JOBS).encode());

        ConsumerRecord<String, byte[]> record = kafka.awaitRecord("jobs",
                r -> GradientRecord.decode(r.value()).batchId().equals(batchId));

        assertThat(record.key()).isEqualTo(jobId);
        assertThat(GradientRecord.decode(record.value()).gradients().inputs().get("x").item())
                .isCloseTo(9 * 1 * 1 * 3, within(1e-12));
        assertThat(kafka.readAll("gradients")).noneMatch(r -> GradientRecord.decode(r.value()).batchId()
                .equals(batchId));
    }

    @Test
    void aTapeWithAnUnknownOpIsAnsweredWithAFailureNamingTheNode() {
        String batchId = "unknown-op-" + UUID.randomUUID();
        Tape tape = new Tape(DType.FLOAT64, List.of(
                TapeNode.leaf("x", NodeKind.INPUT, new int[0]),
                new TapeNode("y", NodeKind.OP, new int[0], "gelu", new double[0], new int[] {0}, List.of())),
                1, Tensor.scalar(0.5));
        kafka.produce("tapes", "net-2", TapeRecord.ok(batchId, "net-2", tape).encode());

        assertThat(awaitAnswer(batchId).failure())
                .startsWith("failed to compute gradient for node \"y\" (#1, op \"gelu\"): unknown op 'gelu'");
    }

    @Test
    void aFailedForwardPassIsPassedOnAsAFailedAnswer() {
        String batchId = "failed-" + UUID.randomUUID();
        kafka.produce("tapes", "net-3", TapeRecord.failed(batchId, "net-3", "inputs.x: is required by the network").encode());

        assertThat(awaitAnswer(batchId).failure()).isEqualTo("inputs.x: is required by the network");
    }

    @Test
    void bytesThatAreNotATapeGoToTheDeadLetterTopicAndTheServiceCarriesOn() throws IOException {
        kafka.produce("tapes", "net-4", "garbage".getBytes(StandardCharsets.UTF_8));
        String batchId = "after-garbage-" + UUID.randomUUID();
        kafka.produce("tapes", "net-4", TapeRecord.ok(batchId, "net-4", polynomialTape(1, 2, 3)).encode());

        ConsumerRecord<String, byte[]> deadLetter = kafka.awaitRecord("tapes-dead-letters",
                r -> new String(r.value(), StandardCharsets.UTF_8).equals("garbage"));
        assertThat(new String(deadLetter.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                .contains("tape record: bad magic");
        assertThat(awaitAnswer(batchId).isFailed()).isFalse();
    }

    @Test
    void healthAndMetricsAreServed() throws IOException {
        String batchId = "metrics-" + UUID.randomUUID();
        kafka.produce("tapes", "net-5", TapeRecord.ok(batchId, "net-5", polynomialTape(0, 0, 0)).encode());
        awaitAnswer(batchId);

        given().when().get("/q/health").then().statusCode(200).body("status", is("UP"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("gradflow_records_processed_total{channel=\"tapes\",outcome=\"ok\"}"))
                .body(containsString("gradflow_processing_time_seconds_count{stage=\"backward\"}"));
    }
}

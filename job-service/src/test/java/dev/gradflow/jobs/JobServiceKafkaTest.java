package dev.gradflow.jobs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.job.JobSetup;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.Classification;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.Tape;
import dev.gradflow.core.train.FullGradient;
import dev.gradflow.core.wire.AnswerTopic;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.core.wire.JobCommand;
import dev.gradflow.core.wire.TenantHeader;
import dev.gradflow.jobs.config.JobsConfig;
import dev.gradflow.jobs.service.JobService;
import dev.gradflow.kafka.broker.KafkaBrokerTestResource;
import dev.gradflow.kafka.broker.TopicProbe;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job-service driven through its topics alone, as a producer of one's own would: a submission on {@code jobs},
 * the job's batches read from {@code batches}, their answers (computed here, as the two other services would) written
 * back to {@code jobs}, and the result read from {@code job-progress}.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
class JobServiceKafkaTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NETWORK = """
            {"kind": "layers", "inputSize": 2, "seed": 5, "layers": [
              {"type": "dense", "name": "hidden", "units": 4, "activation": "tanh"},
              {"type": "dense", "name": "out", "units": 2, "activation": "softmax"}],
             "loss": "softmax-cross-entropy"}""";
    private static final String ROWS = """
            {"inputs": {"x": [[0.5, -1], [1, 2], [-0.5, 0.25], [2, -2], [0, 1]]}, "targets": {"y": [0, 1, 1, 0, 1]}}""";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    JobsConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry meters;

    TopicProbe kafka;

    @BeforeEach
    void connect() {
        kafka = new TopicProbe(bootstrapServers, TIMEOUT);
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    @Test
    void aGradientJobWrittenToTheTopicRunsItsBatchesAndPublishesTheMeanGradient() throws IOException {
        String jobId = "job-" + UUID.randomUUID();
        String request = """
                {"network": %s, "dataset": %s, "batchSize": 2, "mode": "gradient"}""".formatted(NETWORK, ROWS);
        kafka.produce("jobs", jobId, new JobCommand.Submit(jobId, request, Map.of()).encode());

        ConsumerRecord<String, byte[]> definition = kafka.awaitRecord("network-definitions",
                r -> jobId.equals(r.key()));
        CompiledGraph network = GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT)
                .parse(JSON.readValue(definition.value(), Object.class)), Limits.DEFAULT);
        for (int b = 0; b < 3; b++) {
            String batchId = jobId + "/0/" + b;
            BatchRecord batch = BatchRecord.decode(kafka.awaitRecord("batches", r -> batchId.equals(r.key())).value());
            assertThat(batch.networkId()).isEqualTo(jobId);
            assertThat(batch.answerTopic()).isEqualTo(AnswerTopic.JOBS);
            assertThat(batch.seed()).isEqualTo(b);
            Tape tape = ForwardPass.record(network, batch.tensors(), batch.seed());
            kafka.produce("jobs", jobId, GradientRecord.ok(batchId, jobId, BackwardPass.run(tape),
                    Classification.correct(tape)).encode());
        }

        JsonNode done = awaitProgress(jobId, "done");
        JobSetup.Resolved setup = JobSetup.resolve(JSON.readValue(request, Object.class), JobSetup.Sources.NONE,
                Limits.DEFAULT);
        FullGradient expected = FullGradient.of(setup.network(), setup.network().parameters(), setup.rows(), 2);
        assertThat(done.at("/result/output").asDouble()).isCloseTo(expected.loss(), within(1e-15));
        assertThat(done.at("/result/parameterGradients/out.biases/1").asDouble())
                .isCloseTo(expected.gradients().get("out.biases").readDoubles()[1], within(1e-15));
        assertThat(done.get("step").asLong()).isEqualTo(3);
        assertThat(done.get("samples").asLong()).isEqualTo(5);
        assertThat(kafka.readAll("network-definitions").stream().filter(r -> jobId.equals(r.key())).toList())
                .last().as("the job's network is forgotten when it ends").extracting(ConsumerRecord::value)
                .isNull();
        ConsumerRecord<String, byte[]> state = kafka.readAll("job-state").stream()
                .filter(r -> jobId.equals(r.key())).reduce((a, b) -> b).orElseThrow();
        assertThat(new String(state.value(), 0, 4, StandardCharsets.US_ASCII)).as("the end marker")
                .isEqualTo("GFJX");
    }

    @Test
    void aJobThatNamesARegisteredNetworkOnTheTopicFailsWithTheReason() {
        String jobId = "job-" + UUID.randomUUID();
        kafka.produce("jobs", jobId, new JobCommand.Submit(jobId, """
                {"network": "net-1", "dataset": %s, "batchSize": 2, "mode": "gradient"}""".formatted(ROWS),
                Map.of()).encode());

        JsonNode failed = awaitProgress(jobId, "failed");

        assertThat(failed.get("error").asText()).isEqualTo("network: a job on topic jobs carries its network inline"
                + " (the gateway resolves \"net-1\" before it publishes)");
    }

    @Test
    void recordsThatAreNotJobRecordsAreDeadLetteredWithTheReason() {
        String jobId = "job-" + UUID.randomUUID();
        kafka.produce("jobs", jobId, "not a job".getBytes(StandardCharsets.UTF_8));
        kafka.produce("jobs", "someone-else", new JobCommand.Cancel(jobId).encode());

        List<String> reasons = List.of(reason(r -> new String(r.value(), StandardCharsets.UTF_8).equals("not a job")),
                reason(r -> "someone-else".equals(r.key())));

        assertThat(reasons.get(0)).startsWith("neither a job command nor a gradient record: gradient record: bad magic");
        assertThat(reasons.get(1)).isEqualTo("the record's key \"someone-else\" is not its job id \"" + jobId + "\"");
        given().when().get("/q/health").then().statusCode(200).body("status", is("UP"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("gradflow_dead_letters_total{channel=\"jobs\",reason=\"malformed\"}"))
                .body(containsString("gradflow_jobs_running"));
    }

    @Test
    void aSubmissionsTenantIsCopiedOntoTheJobsNetworkBatchesAndProgress() {
        String jobId = "job-" + UUID.randomUUID();
        String request = """
                {"network": %s, "dataset": %s, "batchSize": 2, "mode": "gradient"}""".formatted(NETWORK, ROWS);
        kafka.produce(withTenant(new ProducerRecord<>("jobs", jobId, new JobCommand.Submit(jobId, request, Map.of())
                .encode()), "team-a"));

        assertThat(tenantOf(kafka.awaitRecord("network-definitions", r -> jobId.equals(r.key()))))
                .isEqualTo("team-a");
        assertThat(tenantOf(kafka.awaitRecord("batches", r -> (jobId + "/0/0").equals(r.key())))).isEqualTo("team-a");
        assertThat(tenantOf(awaitProgressRecord(jobId, "running"))).isEqualTo("team-a");
        kafka.produce("jobs", jobId, new JobCommand.Cancel(jobId).encode());
        assertThat(tenantOf(awaitProgressRecord(jobId, "cancelled"))).isEqualTo("team-a");
    }

    @Test
    void aRefusedSubmissionsProgressNamesItsTenantAndOneWithoutATenantNamesNone() {
        String ofB = "job-" + UUID.randomUUID();
        String ofNobody = "job-" + UUID.randomUUID();
        String request = """
                {"network": "net-1", "dataset": %s, "batchSize": 2, "mode": "gradient"}""".formatted(ROWS);
        kafka.produce(withTenant(new ProducerRecord<>("jobs", ofB, new JobCommand.Submit(ofB, request, Map.of())
                .encode()), "team-b"));
        kafka.produce("jobs", ofNobody, new JobCommand.Submit(ofNobody, request, Map.of()).encode());

        assertThat(tenantOf(awaitProgressRecord(ofB, "failed"))).isEqualTo("team-b");
        assertThat(tenantOf(awaitProgressRecord(ofNobody, "failed"))).isNull();
    }

    /** An instance that takes a job over from its state (after a crash or a rebalance) keeps the job's tenant. */
    @Test
    void aJobTakenOverFromItsStateKeepsItsTenant() {
        String jobId = "job-" + UUID.randomUUID();
        String request = """
                {"network": %s, "dataset": %s, "batchSize": 2, "mode": "gradient"}""".formatted(NETWORK, ROWS);
        ConsumerRecord<String, byte[]> submit = new ConsumerRecord<>("jobs", 0, 0L, jobId,
                new JobCommand.Submit(jobId, request, Map.of()).encode());
        submit.headers().add(TenantHeader.NAME, TenantHeader.encode("team-a"));
        JobService first = new JobService(config, json, meters, Clock.systemUTC());
        List<ProducerRecord<String, byte[]>> written = new ArrayList<>(first.handle(submit));
        written.addAll(first.changedState());
        Map<String, byte[]> state = new LinkedHashMap<>();
        written.stream().filter(r -> r.topic().equals("job-state")).forEach(r -> state.put(r.key(), r.value()));

        JobService second = new JobService(config, json, meters, Clock.systemUTC());
        second.restore(0, state);
        List<ProducerRecord<String, byte[]>> ended = second.handle(new ConsumerRecord<>("jobs", 0, 1L, jobId,
                new JobCommand.Cancel(jobId).encode()));

        assertThat(state).containsKey(jobId + "#tenant");
        ProducerRecord<String, byte[]> progress = ended.stream().filter(r -> r.topic().equals("job-progress"))
                .findFirst().orElseThrow();
        assertThat(TenantHeader.decode(progress.headers().lastHeader(TenantHeader.NAME).value())).isEqualTo("team-a");
        assertThat(ended).filteredOn(r -> r.topic().equals("job-state") && r.value() == null)
                .extracting(ProducerRecord::key).contains(jobId + "#submit", jobId + "#tenant");
    }

    private static ProducerRecord<String, byte[]> withTenant(ProducerRecord<String, byte[]> record, String tenant) {
        record.headers().add(TenantHeader.NAME, TenantHeader.encode(tenant));
        return record;
    }

    private static String tenantOf(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(TenantHeader.NAME);
        return header == null ? null : TenantHeader.decode(header.value());
    }

    private ConsumerRecord<String, byte[]> awaitProgressRecord(String jobId, String status) {
        return kafka.awaitRecord("job-progress", r -> {
            try {
                return jobId.equals(r.key()) && JSON.readTree(r.value()).path("status").asText().equals(status);
            } catch (IOException e) {
                return false;
            }
        });
    }

    private String reason(java.util.function.Predicate<ConsumerRecord<String, byte[]>> match) {
        ConsumerRecord<String, byte[]> deadLetter = kafka.awaitRecord("jobs-dead-letters", match);
        return new String(deadLetter.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
    }

    private JsonNode awaitProgress(String jobId, String status) {
        ConsumerRecord<String, byte[]> record = kafka.awaitRecord("job-progress", r -> {
            try {
                return jobId.equals(r.key()) && JSON.readTree(r.value()).path("status").asText().equals(status);
            } catch (IOException e) {
                return false;
            }
        });
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

package dev.gradflow.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.kafka.broker.KafkaBrokerTestResource;
import dev.gradflow.kafka.broker.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

/**
 * The corpus of malformed and hostile requests in {@code malformed-requests.csv}: each gets its exact status, field
 * and message, and the gateway goes on accepting good batches afterwards. The gateway has tenants
 * ({@link TenantsProfile}): the corpus asks as {@code team-a}, and its {@code foreign-} targets are {@code team-b}'s
 * networks, batches, jobs and datasets, which must be answered exactly as unknown ids are.
 */
@QuarkusTest
@TestProfile(TenantsProfile.class)
@WithTestResource(KafkaBrokerTestResource.class)
class MalformedRequestCorpusTest {
    private static final Map<String, String> NETWORKS = new ConcurrentHashMap<>();
    private static final Map<String, String> FOREIGN = new ConcurrentHashMap<>();
    private static final String JOB = """
            {"network": {"kind": "layers", "inputSize": 2, "layers": [{"type": "dense", "units": 2}],
                         "loss": "mean-squared-error"},
             "dataset": {"inputs": {"x": [[1, 2]]}, "targets": {"y": [[0, 1]]}}, "batchSize": 1, "mode": "gradient"}""";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    /** A request of the corpus's tenant, team-a. */
    private static RequestSpecification asCorpus() {
        return given().header("X-API-Key", TenantsProfile.KEY_A);
    }

    /** A request of the other tenant, team-b, which makes the records the corpus must not see. */
    private static RequestSpecification asOther() {
        return given().header("X-API-Key", TenantsProfile.KEY_B);
    }

    private static String example(String file) {
        try {
            return Files.readString(Path.of("..", "examples", file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String network(String example) {
        if (example.startsWith("no-such")) {
            return example;
        }
        return NETWORKS.computeIfAbsent(example, name -> asCorpus().contentType(ContentType.JSON)
                .body(example(name + ".network.json")).when().post("/networks").then().statusCode(201).extract()
                .path("networkId"));
    }

    /**
     * The id of one of team-b's records: {@code network:<example>}, {@code batch:<example>} (a batch on that
     * network, submitted with Idempotency-Key {@code corpus-key}), {@code job} or {@code dataset}.
     */
    private static String foreign(String what) {
        return FOREIGN.computeIfAbsent(what, name -> {
            String[] parts = name.split(":", 2);
            return switch (parts[0]) {
                case "network" -> asOther().contentType(ContentType.JSON).body(example(parts[1] + ".network.json"))
                        .when().post("/networks").then().statusCode(201).extract().path("networkId");
                case "batch" -> asOther().contentType(ContentType.JSON).header("Idempotency-Key", "corpus-key")
                        .body(example(parts[1] + ".batch.json"))
                        .when().post("/networks/" + foreign("network:" + parts[1]) + "/batches").then()
                        .statusCode(202).extract().path("batchId");
                case "job" -> asOther().contentType(ContentType.JSON).body(JOB).when().post("/jobs").then()
                        .statusCode(201).extract().path("jobId");
                case "dataset" -> asOther().contentType("text/csv").body("a,b,label\n1,2,0\n")
                        .when().post("/datasets?targets=label").then().statusCode(201).extract().path("datasetId");
                default -> throw new IllegalArgumentException("unknown foreign record " + name);
            };
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "/malformed-requests.csv", delimiter = '|', quoteCharacter = '`',
            commentCharacter = '#')
    void isRejectedExactly(String title, String target, String body, int status, String field, String message) {
        String[] parts = target.split(":", 2);
        String id = parts.length > 1 ? parts[1] : null;
        String foreignId = switch (parts[0]) {
            case "foreign-network", "foreign-batches", "foreign-check" -> foreign("network:" + id);
            case "foreign-replay" -> {
                foreign("batch:" + id);
                yield foreign("network:" + id);
            }
            case "foreign-batch", "foreign-graph" -> foreign("batch:" + id);
            case "foreign-job", "foreign-job-result", "foreign-job-events", "foreign-job-cancel" -> foreign("job");
            case "foreign-dataset" -> foreign("dataset");
            case "jobs" -> body.contains("{foreign-network}") ? foreign("network:single-neuron")
                    : body.contains("{foreign-dataset}") ? foreign("dataset") : null;
            default -> null;
        };
        String payload = body == null ? "" : body.replace("{foreign-network}", String.valueOf(foreignId))
                .replace("{foreign-dataset}", String.valueOf(foreignId));
        ValidatableResponse response = switch (parts[0]) {
            case "networks" -> asCorpus().contentType(ContentType.JSON).body(payload).when().post("/networks").then();
            case "batches" -> asCorpus().contentType(ContentType.JSON).body(payload)
                    .when().post("/networks/" + network(id) + "/batches").then();
            case "check" -> asCorpus().contentType(ContentType.JSON).body(payload)
                    .when().post("/networks/" + network(id) + "/gradient-check").then();
            case "network" -> asCorpus().when().get("/networks/" + id).then();
            case "batch" -> asCorpus().when().get("/batches/" + id).then();
            case "graph" -> asCorpus().urlEncodingEnabled(false).when().get("/batches/" + graphPath(id)).then();
            case "job" -> asCorpus().when().get("/jobs/" + id).then();
            case "dataset" -> asCorpus().when().get("/datasets/" + id).then();
            case "jobs" -> asCorpus().contentType(ContentType.JSON).body(payload).when().post("/jobs").then();
            case "foreign-network" -> asCorpus().when().get("/networks/" + foreignId).then();
            case "foreign-batches" -> asCorpus().contentType(ContentType.JSON).body(payload)
                    .when().post("/networks/" + foreignId + "/batches").then();
            case "foreign-replay" -> asCorpus().contentType(ContentType.JSON).header("Idempotency-Key", "corpus-key")
                    .body(payload).when().post("/networks/" + foreignId + "/batches").then();
            case "foreign-check" -> asCorpus().contentType(ContentType.JSON).body(payload)
                    .when().post("/networks/" + foreignId + "/gradient-check").then();
            case "foreign-batch" -> asCorpus().when().get("/batches/" + foreignId).then();
            case "foreign-graph" -> asCorpus().when().get("/batches/" + foreignId + "/graph").then();
            case "foreign-job" -> asCorpus().when().get("/jobs/" + foreignId).then();
            case "foreign-job-result" -> asCorpus().when().get("/jobs/" + foreignId + "/result").then();
            case "foreign-job-events" -> asCorpus().accept("text/event-stream").when()
                    .get("/jobs/" + foreignId + "/events").then();
            case "foreign-job-cancel" -> asCorpus().when().delete("/jobs/" + foreignId).then();
            case "foreign-dataset" -> asCorpus().when().get("/datasets/" + foreignId).then();
            case "no-key" -> given().when().get("/networks/" + network(id)).then();
            case "wrong-key" -> given().header("X-API-Key", TenantsProfile.KEY_A.substring(1) + "x")
                    .when().get("/networks/" + network(id)).then();
            case "hash-as-key" -> given().header("X-API-Key",
                    dev.gradflow.gateway.tenant.KeyHashes.hash(TenantsProfile.KEY_A))
                    .when().get("/networks/" + network(id)).then();
            default -> throw new IllegalArgumentException("unknown target " + target);
        };
        response.statusCode(status).body("status", is(status))
                .body("message", is(message.replace("{id}", String.valueOf(foreignId))))
                .body("field", field == null ? nullValue() : is(field));
    }

    /** {@code <id>[?query]} as {@code <id>/graph[?query]}. */
    private static String graphPath(String target) {
        int query = target.indexOf('?');
        return query < 0 ? target + "/graph" : target.substring(0, query) + "/graph" + target.substring(query);
    }

    @Test
    void goodBatchesStillFlowAfterTheCorpus() {
        String networkId = network("single-neuron");
        String batchId = asCorpus().contentType(ContentType.JSON).body(example("single-neuron.batch.json"))
                .when().post("/networks/" + networkId + "/batches").then().statusCode(202).extract().path("batchId");
        try (TopicProbe kafka = new TopicProbe(bootstrapServers, Duration.ofSeconds(30))) {
            assertThat(BatchRecord.decode(kafka.awaitRecord("batches",
                    r -> BatchRecord.decode(r.value()).batchId().equals(batchId)).value()).networkId())
                    .isEqualTo(networkId);
        }
    }
}

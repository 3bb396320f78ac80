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
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
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
 * The corpus of malformed requests in {@code malformed-requests.csv}: each gets its exact status, field and
 * message, and the gateway goes on accepting good batches afterwards.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
class MalformedRequestCorpusTest {
    private static final Map<String, String> NETWORKS = new ConcurrentHashMap<>();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private static String network(String example) {
        if (example.startsWith("no-such")) {
            return example;
        }
        return NETWORKS.computeIfAbsent(example, name -> {
            try {
                return given().contentType(ContentType.JSON)
                        .body(Files.readString(Path.of("..", "examples", name + ".network.json")))
                        .when().post("/networks").then().statusCode(201).extract().path("networkId");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "/malformed-requests.csv", delimiter = '|', quoteCharacter = '`',
            commentCharacter = '#')
    void isRejectedExactly(String title, String target, String body, int status, String field, String message) {
        String[] parts = target.split(":", 2);
        ValidatableResponse response = switch (parts[0]) {
            case "networks" -> given().contentType(ContentType.JSON).body(body == null ? "" : body)
                    .when().post("/networks").then();
            case "batches" -> given().contentType(ContentType.JSON).body(body)
                    .when().post("/networks/" + network(parts[1]) + "/batches").then();
            case "check" -> given().contentType(ContentType.JSON).body(body)
                    .when().post("/networks/" + network(parts[1]) + "/gradient-check").then();
            case "network" -> given().when().get("/networks/" + parts[1]).then();
            case "batch" -> given().when().get("/batches/" + parts[1]).then();
            case "graph" -> given().urlEncodingEnabled(false).when().get("/batches/" + graphPath(parts[1])).then();
            default -> throw new IllegalArgumentException("unknown target " + target);
        };
        response.statusCode(status).body("status", is(status)).body("message", is(message))
                .body("field", field == null ? nullValue() : is(field));
    }

    /** {@code <id>[?query]} as {@code <id>/graph[?query]}. */
    private static String graphPath(String target) {
        int query = target.indexOf('?');
        return query < 0 ? target + "/graph" : target.substring(0, query) + "/graph" + target.substring(query);
    }

    @Test
    void goodBatchesStillFlowAfterTheCorpus() throws IOException {
        String networkId = network("single-neuron");
        String batchId = given().contentType(ContentType.JSON)
                .body(Files.readString(Path.of("..", "examples", "single-neuron.batch.json")))
                .when().post("/networks/" + networkId + "/batches").then().statusCode(202).extract().path("batchId");
        try (TopicProbe kafka = new TopicProbe(bootstrapServers, Duration.ofSeconds(30))) {
            assertThat(BatchRecord.decode(kafka.awaitRecord("batches",
                    r -> BatchRecord.decode(r.value()).batchId().equals(batchId)).value()).networkId())
                    .isEqualTo(networkId);
        }
    }
}

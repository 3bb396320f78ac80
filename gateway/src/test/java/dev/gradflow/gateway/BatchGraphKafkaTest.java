package dev.gradflow.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.Feeds;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.NonFiniteException;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.trace.ChainRuleTrace;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.core.wire.TraceRequest;
import dev.gradflow.kafka.broker.KafkaBrokerTestResource;
import dev.gradflow.kafka.broker.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /batches/{id}/graph} against a real broker: the gateway serves the trace that arrives with a batch's
 * answer on {@code gradients}. The answers here are what the gradient-service publishes, computed with the core.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
class BatchGraphKafkaTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

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
        return given().contentType(ContentType.JSON).body(definition).when().post("/networks")
                .then().statusCode(201).extract().path("networkId");
    }

    private static String submit(String networkId, String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/networks/" + networkId + "/batches")
                .then().statusCode(202).extract().path("batchId");
    }

    /** What the forward-service and the gradient-service make of a traced batch. */
    private static GradientRecord tracedAnswer(String batchId, String networkId, String definition, String batch)
            throws IOException {
        CompiledGraph graph = GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(
                JSON.readValue(definition, Object.class)), Limits.DEFAULT);
        Map<String, Tensor> feeds = Feeds.parse(JSON.readValue(batch, Object.class), graph, Limits.DEFAULT);
        ForwardPass.Recorded recorded = ForwardPass.recordWithValues(graph, feeds, 0);
        return GradientRecord.ok(batchId, networkId, BackwardPass.run(recorded.tape()))
                .withTrace(ChainRuleTrace.of(recorded));
    }

    private void awaitDone(String batchId) {
        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> given().when()
                .get("/batches/" + batchId).then().statusCode(200).body("status", is(not("pending"))));
    }

    private static org.w3c.dom.Document svgDocument(String svg) {
        try {
            javax.xml.parsers.DocumentBuilderFactory factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            return factory.newDocumentBuilder().parse(new org.xml.sax.InputSource(new java.io.StringReader(svg)));
        } catch (Exception e) {
            throw new AssertionError("the SVG is not well-formed XML: " + e.getMessage(), e);
        }
    }

    private static org.hamcrest.Matcher<Object> not(Object value) {
        return org.hamcrest.Matchers.not(value);
    }

    @Test
    void theChainRuleExampleIsServedAsJsonAndDotWithEveryFactor() throws IOException {
        String definition = example("chain-rule.network.json");
        String networkId = register(definition);
        String batchId = submit(networkId, "{\"inputs\": {\"x\": 1}, \"trace\": true}");
        assertThat(BatchRecord.decode(kafka.awaitRecord("batches", r -> batchId.equals(r.key())).value()).trace())
                .isEqualTo(TraceRequest.ALWAYS);

        given().accept(ContentType.JSON).when().get("/batches/" + batchId + "/graph")
                .then().statusCode(409).body("message", containsString("still pending"));

        kafka.produce("gradients", networkId, tracedAnswer(batchId, networkId, definition,
                "{\"inputs\": {\"x\": 1}}").encode());
        awaitDone(batchId);

        given().accept(ContentType.JSON).when().get("/batches/" + batchId + "/graph").then().statusCode(200)
                .body("status", is("done")).body("output", is("h")).body("dtype", is("float64"))
                .body("failure", nullValue())
                .body("nodes.find { it.name == 'x' }.gradient", is(960.0f))
                .body("nodes.find { it.name == 'x' }.id", is("n0"))
                .body("edges.find { it.fromName == 'g' && it.toName == 'g5' }.local", is(80.0f))
                .body("edges.find { it.fromName == 'g' && it.toName == 'g5' }.upstream", is(3.0f))
                .body("edges.find { it.fromName == 'g' && it.toName == 'g5' }.contribution", is(240.0f))
                .body("edges.find { it.fromName == 'x2' && it.toName == 'g' }.upstream", is(240.0f))
                .body("groups", equalTo(Map.of()));
        String dot = given().accept("text/vnd.graphviz").when().get("/batches/" + batchId + "/graph")
                .then().statusCode(200).contentType(containsString("text/vnd.graphviz")).extract().asString();
        assertThat(dot).startsWith("digraph chain_rule {").contains("∂ 80 × ↑ 3 = 240").contains("grad 960");
        assertThat(given().when().get("/batches/" + batchId + "/graph?format=dot").then().statusCode(200)
                .extract().asString()).isEqualTo(dot);
        String svg = given().accept("image/svg+xml").when().get("/batches/" + batchId + "/graph")
                .then().statusCode(200).contentType(containsString("image/svg+xml")).extract().asString();
        org.w3c.dom.Document document = svgDocument(svg);
        assertThat(document.getDocumentElement().getLocalName()).isEqualTo("svg");
        for (int i = 0; i < 7; i++) {
            assertThat(svg.split("id=\"n" + i + "\"", -1)).as("node n%d once", i).hasSize(2);
        }
        for (int k = 0; k < 6; k++) {
            assertThat(svg.split("id=\"e" + k + "\"", -1)).as("edge e%d once", k).hasSize(2);
        }
        assertThat(document.getDocumentElement().getTextContent()).contains("∂ 80 × ↑ 3 = 240")
                .contains("∂ 2 × ↑ 480 = 960").contains("grad 960");
        given().accept("text/csv").when().get("/batches/" + batchId + "/graph").then().statusCode(406);
    }

    @Test
    void unknownUntracedAndBadlyAskedBatchesAreRefusedClearly() throws IOException {
        given().when().get("/batches/nope/graph").then().statusCode(404)
                .body("message", containsString("batch \"nope\" is not known"));

        String networkId = register(example("single-neuron.network.json"));
        String batchId = submit(networkId, example("single-neuron.batch.json"));
        kafka.produce("gradients", networkId, GradientRecord.ok(batchId, networkId, BackwardPass.run(
                ForwardPass.record(GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(JSON.readValue(
                        example("single-neuron.network.json"), Object.class)), Limits.DEFAULT),
                        Map.of("x", Tensor.vector(1, -2, 3))))).encode());
        awaitDone(batchId);
        given().when().get("/batches/" + batchId + "/graph").then().statusCode(404)
                .body("message", containsString("answered without a trace"))
                .body("message", containsString("\"trace\": true"));

        given().contentType(ContentType.JSON).body("{\"inputs\": {\"x\": [1, 2, 3]}, \"trace\": \"yes\"}")
                .when().post("/networks/" + networkId + "/batches")
                .then().statusCode(400).body("field", is("trace"))
                .body("message", containsString("must be true or false"));
        given().contentType(ContentType.JSON).body("{\"kind\": \"graph\", \"inputs\": {\"x\": {\"shape\": []}},"
                + " \"nodes\": [{\"name\": \"y\", \"op\": \"neg\", \"inputs\": [\"x\"]}], \"output\": \"y\","
                + " \"trace\": 1}").when().post("/networks").then().statusCode(400).body("field", is("trace"));
    }

    @Test
    void aLayerListIsDrawnAsLayersThatExpandOnRequest() throws IOException {
        String definition = example("mlp.network.json");
        String networkId = register(definition);
        String batch = example("mlp.batch.json");
        String batchId = submit(networkId, batch);
        kafka.produce("gradients", networkId, tracedAnswer(batchId, networkId, definition, batch).encode());
        awaitDone(batchId);

        given().accept(ContentType.JSON).when().get("/batches/" + batchId + "/graph").then().statusCode(200)
                .body("groups.dense1", hasItems("dense1.weights", "dense1.biases", "dense1.dense"))
                .body("groups.dense2", hasItems("dense2.weights", "dense2.biases"));
        String collapsed = given().accept("text/vnd.graphviz").when().get("/batches/" + batchId + "/graph")
                .then().statusCode(200).extract().asString();
        assertThat(collapsed).contains("\"layer-dense1\" [").contains("\"layer-dense2\" [")
                .doesNotContain("dense1.weights\\n");
        String expanded = given().accept("text/vnd.graphviz").queryParam("expand", "dense1").when()
                .get("/batches/" + batchId + "/graph").then().statusCode(200).extract().asString();
        assertThat(expanded).doesNotContain("\"layer-dense1\" [").contains("\"layer-dense2\" [")
                .contains("label=\"dense1.weights\\n").contains("label=\"dense1.matmul\\nmatmul [3, 8]")
                .contains("label=\"dense1.linear\\nadd [3, 8]").contains("label=\"dense1.relu\\nrelu [3, 8]")
                .contains("Aᵀ · G").doesNotContain("dense1.dense");
        given().accept(ContentType.JSON).queryParam("expand", "all").when().get("/batches/" + batchId + "/graph")
                .then().statusCode(200)
                .body("nodes.name", hasItems("dense1.matmul", "dense1.linear", "dense1.relu", "dense2.matmul",
                        "dense2.linear"))
                .body("groups.dense1", hasItems("dense1.matmul", "dense1.linear", "dense1.relu"));
        String svg = given().accept("image/svg+xml").queryParam("expand", "dense2").when()
                .get("/batches/" + batchId + "/graph").then().statusCode(200)
                .contentType(containsString("image/svg+xml")).extract().asString();
        assertThat(svg).contains("id=\"layer-dense1\"").contains("id=\"n").doesNotContain("id=\"layer-dense2\"")
                .contains("data-name=\"dense2.linear\"");
        given().accept("text/vnd.graphviz").queryParam("expand", "dense9").when()
                .get("/batches/" + batchId + "/graph").then().statusCode(400).body("field", is("expand"))
                .body("message", containsString("its layers are dense1, dense2"));
    }

    @Test
    void aFailedBatchIsDrawnUpToTheFailingNodeAndATooLargePictureIs413() throws IOException {
        String definition = "{\"kind\": \"graph\", \"inputs\": {\"x\": {\"shape\": []}}, \"nodes\": ["
                + "{\"name\": \"lx\", \"op\": \"log\", \"inputs\": [\"x\"]},"
                + "{\"name\": \"y\", \"op\": \"neg\", \"inputs\": [\"lx\"]}], \"output\": \"y\"}";
        String networkId = register(definition);
        String batchId = submit(networkId, "{\"inputs\": {\"x\": 0}}");
        CompiledGraph graph = GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(
                JSON.readValue(definition, Object.class)), Limits.DEFAULT);
        NonFiniteException failure = org.junit.jupiter.api.Assertions.assertThrows(NonFiniteException.class,
                () -> ForwardPass.recordWithValues(graph, Map.of("x", Tensor.scalar(0)), 0));
        kafka.produce("gradients", networkId, GradientRecord.failed(batchId, networkId, failure.getMessage())
                .withTrace(ChainRuleTrace.failedForward(failure.partial().tape().nodes(), failure.partial().values(),
                        failure.getMessage())).encode());
        awaitDone(batchId);

        given().accept(ContentType.JSON).when().get("/batches/" + batchId + "/graph").then().statusCode(200)
                .body("status", is("failed")).body("failure.node", is("lx"))
                .body("failure.message", containsString("non-finite value"))
                .body("nodes.size()", is(2)).body("nodes[1].value", is("-Infinity"))
                .body("nodes[1].gradient", nullValue());
        assertThat(given().accept("text/vnd.graphviz").when().get("/batches/" + batchId + "/graph").then()
                .statusCode(200).extract().asString()).contains("failed: non-finite value").contains("color=red");

        StringBuilder chain = new StringBuilder("{\"kind\": \"graph\", \"inputs\": {\"x\": {\"shape\": []}},"
                + " \"nodes\": [");
        for (int i = 1; i <= 450; i++) {
            chain.append(i == 1 ? "" : ", ").append("{\"name\": \"n").append(i).append("\", \"op\": \"neg\","
                    + " \"inputs\": [\"").append(i == 1 ? "x" : "n" + (i - 1)).append("\"]}");
        }
        String long450 = chain.append("], \"output\": \"n450\"}").toString();
        String longNetwork = register(long450);
        String longBatch = submit(longNetwork, "{\"inputs\": {\"x\": 1}}");
        kafka.produce("gradients", longNetwork, tracedAnswer(longBatch, longNetwork, long450,
                "{\"inputs\": {\"x\": 1}}").encode());
        awaitDone(longBatch);
        given().accept("text/vnd.graphviz").when().get("/batches/" + longBatch + "/graph").then().statusCode(413)
                .body("message", containsString("451 boxes, more than the limit 400"
                        + " (gradflow.gateway.graph-max-boxes)"));
        given().accept(ContentType.JSON).when().get("/batches/" + longBatch + "/graph").then().statusCode(200)
                .body("nodes.size()", is(451));
    }
}

package dev.gradflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.testing.FiniteDifferences;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole pipeline, as separate processes: a real Kafka broker, the gateway, the forward-service and the
 * gradient-service. Every request goes through the gateway's REST API and every answer comes back through it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineIT {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path repository = Path.of(System.getProperty("gradflow.repository.root", ".."));
    private final List<ServiceProcess> services = new ArrayList<>();
    private TestKafka broker;
    private Gateway gateway;

    @BeforeAll
    void startPipeline() throws Exception {
        broker = TestKafka.start(getClass());
        for (String module : List.of("forward-service", "gradient-service", "gateway")) {
            services.add(ServiceProcess.start(repository, module, broker.bootstrapServers()));
        }
        for (ServiceProcess service : services) {
            service.awaitReady(Duration.ofSeconds(90));
        }
        gateway = new Gateway(services.get(2).baseUrl());
    }

    @AfterAll
    void stopPipeline() throws Exception {
        for (ServiceProcess service : services) {
            service.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private String example(String file) throws IOException {
        return Files.readString(repository.resolve("examples").resolve(file));
    }

    private static double[] doubles(JsonNode array) {
        List<Double> values = new ArrayList<>();
        flatten(array, values);
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void flatten(JsonNode node, List<Double> into) {
        if (node.isArray()) {
            node.forEach(child -> flatten(child, into));
        } else {
            into.add(node.doubleValue());
        }
    }

    @Test
    void singleNeuronGivesTheChaptersValues() throws Exception {
        String network = gateway.register(example("single-neuron.network.json"));
        JsonNode result = gateway.awaitResult(gateway.submit(network, example("single-neuron.batch.json")),
                ANSWER_TIMEOUT);

        assertThat(result.get("status").asText()).isEqualTo("done");
        assertThat(result.get("output").asDouble()).isEqualTo(6.0);
        assertThat(doubles(result.at("/parameterGradients/w"))).containsExactly(1, -2, 3);
        assertThat(result.at("/parameterGradients/b").asDouble()).isEqualTo(1.0);
        assertThat(doubles(result.at("/inputGradients/x"))).containsExactly(-3, -1, 2);
    }

    @ParameterizedTest
    @CsvSource({"1, 2, 3", "-2, 0.5, 1.5", "0.3, -4, -2"})
    void polynomialGradientIsTheChaptersFormula(double x, double y, double z) throws Exception {
        String network = gateway.register(example("polynomial.network.json"));
        String batch = "{\"inputs\": {\"x\": %s, \"y\": %s, \"z\": %s}}".formatted(x, y, z);
        JsonNode result = gateway.awaitResult(gateway.submit(network, batch), ANSWER_TIMEOUT);

        assertThat(result.at("/inputGradients/x").asDouble()).isCloseTo(9 * x * x * z, within(1e-12));
        assertThat(result.at("/inputGradients/y").asDouble()).isCloseTo(-2 * y + 2 * z, within(1e-12));
        assertThat(result.at("/inputGradients/z").asDouble()).isCloseTo(3 * x * x * x + 5 + 2 * y, within(1e-12));
    }

    @ParameterizedTest
    @CsvSource({"1, 960", "0.5, 1.875", "-1, -960"})
    void chainRuleGivesNineHundredSixtyXToTheNinth(double x, double expected) throws Exception {
        String network = gateway.register(example("chain-rule.network.json"));
        JsonNode result = gateway.awaitResult(gateway.submit(network, "{\"inputs\": {\"x\": " + x + "}}"),
                ANSWER_TIMEOUT);

        assertThat(result.at("/inputGradients/x").asDouble()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"3, 5, 0, 1", "5, 3, 1, 0", "0, 0, 0, 1"})
    void maxGradientGoesToTheLargerInput(double x, double y, double dx, double dy) throws Exception {
        String network = gateway.register(example("max.network.json"));
        JsonNode result = gateway.awaitResult(gateway.submit(network,
                "{\"inputs\": {\"x\": " + x + ", \"y\": " + y + "}}"), ANSWER_TIMEOUT);

        assertThat(result.at("/inputGradients/x").asDouble()).isEqualTo(dx);
        assertThat(result.at("/inputGradients/y").asDouble()).isEqualTo(dy);
    }

    @Test
    void reluDerivativeAtZeroIsZero() throws Exception {
        String network = gateway.register(example("relu.network.json"));
        JsonNode atZero = gateway.awaitResult(gateway.submit(network, "{\"inputs\": {\"x\": 0}}"), ANSWER_TIMEOUT);
        JsonNode above = gateway.awaitResult(gateway.submit(network, "{\"inputs\": {\"x\": 0.001}}"), ANSWER_TIMEOUT);

        assertThat(atZero.at("/inputGradients/x").asDouble()).isEqualTo(0.0);
        assertThat(above.at("/inputGradients/x").asDouble()).isEqualTo(1.0);
    }

    @Test
    void mlpGradientsMatchCentralFiniteDifferences() throws Exception {
        String definition = example("mlp.network.json");
        String batch = example("mlp.batch.json");
        JsonNode result = gateway.awaitResult(gateway.submit(gateway.register(definition), batch), ANSWER_TIMEOUT);
        assertThat(result.get("status").asText()).isEqualTo("done");

        CompiledGraph graph = compile(definition);
        JsonNode batchTree = JSON.readTree(batch);
        Map<String, Tensor> feeds = Map.of(
                "x", Tensor.matrix(JSON.treeToValue(batchTree.at("/inputs/x"), double[][].class)),
                "y", Tensor.vector(JSON.treeToValue(batchTree.at("/targets/y"), double[].class)));
        for (String parameter : List.of("dense1.weights", "dense1.biases", "dense2.weights", "dense2.biases")) {
            Tensor numeric = FiniteDifferences.ofParameter(graph, feeds, parameter, 1e-5);
            Tensor fromPipeline = Tensor.of(numeric.shape(), doubles(result.at("/parameterGradients/"
                    + parameter.replace("/", "~1"))));
            assertThat(FiniteDifferences.maxRelativeError(fromPipeline, numeric, 1e-7))
                    .as("worst relative error of %s", parameter).isLessThan(1e-6);
        }
    }

    @Test
    void aFloat32NetworkGoesEndToEndWithin1eMinus4OfFloat64() throws Exception {
        String float64 = example("mlp.network.json");
        String float32 = float64.replace("\"float64\"", "\"float32\"");
        assertThat(float32).contains("\"float32\"");
        String batch = example("mlp.batch.json");
        JsonNode wide = gateway.awaitResult(gateway.submit(gateway.register(float64), batch), ANSWER_TIMEOUT);
        JsonNode narrow = gateway.awaitResult(gateway.submit(gateway.register(float32), batch), ANSWER_TIMEOUT);

        assertThat(narrow.get("status").asText()).isEqualTo("done");
        assertThat(narrow.get("output").asDouble()).isCloseTo(wide.get("output").asDouble(), within(1e-4));
        assertThat(narrow.get("output").asDouble()).as("a float32 value")
                .isEqualTo((double) (float) narrow.get("output").asDouble());
        for (String parameter : List.of("dense1.weights", "dense1.biases", "dense2.weights", "dense2.biases")) {
            double[] expected = doubles(wide.at("/parameterGradients/" + parameter));
            double[] actual = doubles(narrow.at("/parameterGradients/" + parameter));
            assertThat(actual).hasSameSizeAs(expected);
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).as("%s[%d]", parameter, i).isCloseTo(expected[i], within(1e-4));
            }
        }
    }

    @Test
    void aSmallBatchIsTracedThroughThePipelineAndItsGraphShowsEveryFactorOfTheChainRule() throws Exception {
        String chain = gateway.submit(gateway.register(example("chain-rule.network.json")),
                example("chain-rule.batch.json"));
        gateway.awaitResult(chain, ANSWER_TIMEOUT);

        JsonNode graph = gateway.get("/batches/" + chain + "/graph", "application/json").json();
        assertThat(node(graph, "x").get("gradient").asDouble()).as("h'(1)").isEqualTo(960);
        assertThat(edge(graph, "g", "g5").get("local").asDouble()).as("5g⁴ at g = 2").isEqualTo(80);
        assertThat(edge(graph, "g", "g5").get("upstream").asDouble()).isEqualTo(3);
        assertThat(edge(graph, "g", "g5").get("contribution").asDouble()).isEqualTo(240);
        assertThat(edge(graph, "x2", "g").get("upstream").asDouble()).as("∂h/∂(2x²) = 15(2x²)⁴").isEqualTo(240);
        assertThat(edge(graph, "x2", "g").get("local").asDouble() * edge(graph, "x", "x2").get("local").asDouble())
                .as("∂(2x²)/∂x = 4x").isEqualTo(4);
        Gateway.Response svg = gateway.get("/batches/" + chain + "/graph", "image/svg+xml");
        assertThat(svg.status()).isEqualTo(200);
        javax.xml.parsers.DocumentBuilderFactory factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        org.w3c.dom.Document document = factory.newDocumentBuilder().parse(new org.xml.sax.InputSource(
                new java.io.StringReader(svg.body())));
        assertThat(document.getDocumentElement().getTextContent()).contains("∂ 80 × ↑ 3 = 240")
                .contains("∂ 2 × ↑ 480 = 960");

        String polynomial = gateway.submit(gateway.register(example("polynomial.network.json")),
                example("polynomial.batch.json"));
        gateway.awaitResult(polynomial, ANSWER_TIMEOUT);
        JsonNode polynomialGraph = gateway.get("/batches/" + polynomial + "/graph", "application/json").json();
        assertThat(node(polynomialGraph, "z").get("uses").asInt()).isEqualTo(3);
        assertThat(node(polynomialGraph, "z").get("gradient").asDouble()).as("3x³ + 5 + 2y").isEqualTo(12);
        assertThat(gateway.get("/batches/" + polynomial + "/graph", "text/vnd.graphviz").body())
                .contains("grad 12 = ");

        String logOfZero = gateway.submit(gateway.register("{\"kind\": \"graph\", \"inputs\": {\"x\": {\"shape\":"
                + " []}}, \"nodes\": [{\"name\": \"l\", \"op\": \"log\", \"inputs\": [\"x\"]}, {\"name\": \"y\","
                + " \"op\": \"neg\", \"inputs\": [\"l\"]}], \"output\": \"y\"}"), "{\"inputs\": {\"x\": 0}}");
        assertThat(gateway.awaitResult(logOfZero, ANSWER_TIMEOUT).get("status").asText()).isEqualTo("failed");
        JsonNode failed = gateway.get("/batches/" + logOfZero + "/graph", "application/json").json();
        assertThat(failed.at("/failure/node").asText()).isEqualTo("l");
        assertThat(failed.get("nodes")).hasSize(2);

        String mlp = gateway.register(example("mlp.network.json"));
        StringBuilder rows = new StringBuilder();
        StringBuilder targets = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            rows.append(i == 0 ? "" : ", ").append("[").append(i * 0.01).append(", 1, -1, 0.5]");
            targets.append(i == 0 ? "" : ", ").append(i % 3);
        }
        String large = "{\"inputs\": {\"x\": [" + rows + "]}, \"targets\": {\"y\": [" + targets + "]}";
        String untraced = gateway.submit(mlp, large + "}");
        String traced = gateway.submit(mlp, large + ", \"trace\": true}");
        gateway.awaitResult(untraced, ANSWER_TIMEOUT);
        gateway.awaitResult(traced, ANSWER_TIMEOUT);
        assertThat(gateway.get("/batches/" + untraced + "/graph", "application/json").status())
                .as("1,200 input elements: not traced unless asked").isEqualTo(404);
        Gateway.Response layers = gateway.get("/batches/" + traced + "/graph?expand=dense1", "text/vnd.graphviz");
        assertThat(layers.status()).isEqualTo(200);
        assertThat(layers.body()).contains("\"layer-dense2\"").contains("dense1.matmul").contains("[300, 8] min");
    }

    private static JsonNode node(JsonNode graph, String name) {
        for (JsonNode node : graph.get("nodes")) {
            if (node.get("name").asText().equals(name)) {
                return node;
            }
        }
        throw new AssertionError("no node " + name + " in " + graph);
    }

    private static JsonNode edge(JsonNode graph, String from, String to) {
        for (JsonNode edge : graph.get("edges")) {
            if (edge.get("fromName").asText().equals(from) && edge.get("toName").asText().equals(to)) {
                return edge;
            }
        }
        throw new AssertionError("no edge " + from + " → " + to);
    }

    @Test
    void aNanInTheForwardOrBackwardPassIsReportedNotPublished() throws Exception {
        String logOfInput = """
                {"kind": "graph", "inputs": {"x": {"shape": [2]}},
                 "nodes": [{"name": "l", "op": "log", "inputs": ["x"]},
                           {"name": "s", "op": "sum", "inputs": ["l"]}], "output": "s"}""";
        JsonNode forward = gateway.awaitResult(gateway.submit(gateway.register(logOfInput),
                "{\"inputs\": {\"x\": [1, -1]}}"), ANSWER_TIMEOUT);
        assertThat(forward.get("status").asText()).isEqualTo("failed");
        assertThat(forward.has("parameterGradients")).isFalse();
        assertThat(forward.get("error").asText()).isEqualTo("non-finite value: the output of node \"l\" (op \"log\")"
                + " in the forward pass holds NaN (element 1 of [2])");

        String rootOfInput = """
                {"kind": "graph", "inputs": {"x": {"shape": []}},
                 "nodes": [{"name": "r", "op": "sqrt", "inputs": ["x"]}], "output": "r"}""";
        JsonNode backward = gateway.awaitResult(gateway.submit(gateway.register(rootOfInput),
                "{\"inputs\": {\"x\": 0}}"), ANSWER_TIMEOUT);
        assertThat(backward.get("status").asText()).isEqualTo("failed");
        assertThat(backward.get("error").asText()).isEqualTo("non-finite value: the gradient node \"r\" (op \"sqrt\")"
                + " sends to its input 0 (node \"x\") in the backward pass holds Infinity (element 0 of [])");
    }

    @Test
    void aBatchOf1024By784Float64InputsGoesEndToEnd() throws Exception {
        String definition = """
                {"kind": "layers", "dtype": "float64", "inputSize": 784, "seed": 2024,
                 "layers": [{"type": "dense", "name": "hidden", "units": 256, "activation": "relu"},
                            {"type": "dense", "name": "output", "units": 10, "activation": "softmax"}],
                 "loss": "softmax-cross-entropy"}""";
        SplittableRandom random = new SplittableRandom(7);
        double[][] x = new double[1024][784];
        double[] y = new double[1024];
        StringBuilder batch = new StringBuilder(20_000_000).append("{\"inputs\": {\"x\": [");
        for (int row = 0; row < x.length; row++) {
            batch.append(row == 0 ? "[" : ",[");
            for (int column = 0; column < x[row].length; column++) {
                x[row][column] = Math.round(random.nextDouble() * 1000) / 1000.0;
                batch.append(column == 0 ? "" : ",").append(x[row][column]);
            }
            batch.append(']');
            y[row] = random.nextInt(10);
        }
        batch.append("]}, \"targets\": {\"y\": ").append(JSON.writeValueAsString(y)).append("}}");

        JsonNode result = gateway.awaitResult(gateway.submit(gateway.register(definition), batch.toString()),
                Duration.ofMinutes(3));

        assertThat(result.get("status").asText()).isEqualTo("done");
        GradientSet reference = BackwardPass.run(ForwardPass.record(compile(definition),
                Map.of("x", Tensor.matrix(x), "y", Tensor.vector(y))));
        assertThat(result.get("output").asDouble()).isEqualTo(reference.output().item());
        for (var parameter : reference.parameters().entrySet()) {
            // isEqualTo compares arrays with Arrays.equals, bit for bit, in linear time.
            assertThat(doubles(result.at("/parameterGradients/" + parameter.getKey())))
                    .as("%s is bit-identical to the in-process engine", parameter.getKey())
                    .isEqualTo(parameter.getValue().toDoubleArray());
        }
        double[] inputGradient = doubles(result.at("/inputGradients/x"));
        assertThat(inputGradient.length).isEqualTo(1024 * 784);
        assertThat(inputGradient).isEqualTo(reference.inputs().get("x").toDoubleArray());
    }

    private static CompiledGraph compile(String definition) throws IOException {
        return GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(JSON.readValue(definition,
                Object.class)), Limits.DEFAULT);
    }
}

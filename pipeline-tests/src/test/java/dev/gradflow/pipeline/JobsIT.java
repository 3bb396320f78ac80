package dev.gradflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.core.data.LabelledData;
import dev.gradflow.core.data.NpyFormat;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.job.JobDefinition;
import dev.gradflow.core.job.JobSetup;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.train.FullGradient;
import dev.gradflow.core.train.TrainingLoop;
import dev.gradflow.core.train.TrainingResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Jobs through the whole pipeline, as separate processes on one real broker: the gateway, the forward-service, the
 * gradient-service and the job-service. Each job's answer is checked against the same computation in process:
 * training bit for bit ({@link TrainingLoop}), a gradient job to 1e-12 ({@link FullGradient}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobsIT {
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The network of the book's chapters 9 and 10: Dense(2, 64) → ReLU → Dense(64, 3) → softmax + cross-entropy. */
    static final String BOOK_NETWORK = """
            {"kind": "layers", "dtype": "float64", "inputSize": 2, "layers": [
              {"type": "dense", "name": "dense1", "units": 64, "activation": "relu"},
              {"type": "dense", "name": "dense2", "units": 3, "activation": "softmax"}],
             "loss": "softmax-cross-entropy"}""";

    private final Path repository = Path.of(System.getProperty("gradflow.repository.root", ".."));
    private final List<ServiceProcess> services = new ArrayList<>();
    private TestKafka broker;
    private Gateway gateway;

    @BeforeAll
    void startPipeline() throws Exception {
        broker = TestKafka.start(getClass());
        for (String module : List.of("forward-service", "gradient-service", "job-service", "gateway")) {
            services.add(ServiceProcess.start(repository, module, broker.bootstrapServers()));
        }
        for (ServiceProcess service : services) {
            service.awaitReady(Duration.ofSeconds(90));
        }
        gateway = new Gateway(services.get(3).baseUrl());
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

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"type\": \"adam\", \"learningRate\": 0.05, \"decay\": 5e-7} | 1 | false",
        "{\"type\": \"sgd\", \"learningRate\": 1.0, \"decay\": 1e-3, \"momentum\": 0.9} | 3 | true",
        "{\"type\": \"rmsprop\", \"learningRate\": 0.02, \"rho\": 0.999} | 2 | true",
        "{\"type\": \"adagrad\", \"learningRate\": 1.0} | 1 | true"})
    void aTrainingJobEndsWithTheParametersOfTheInProcessLoopBitForBit(String optimizer, int accumulate,
            boolean shuffle) throws Exception {
        String job = """
                {"network": %s, "dataset": {"generator": "spiral", "samples": 100, "classes": 3},
                 "init": "nnfs", "batchSize": 64, "mode": "train", "epochs": 4, "optimizer": %s,
                 "accumulate": %d %s}""".formatted(BOOK_NETWORK, optimizer, accumulate,
                shuffle ? ", \"shuffle\": true, \"seed\": 7" : "");
        String jobId = gateway.submitJob(job);

        JsonNode status = gateway.awaitJob(jobId, JOB_TIMEOUT);
        JsonNode result = gateway.request("GET", "/jobs/" + jobId + "/result", null).json();

        JobSetup.Resolved setup = resolve(job);
        TrainingResult expected = TrainingLoop.run(setup.network(), setup.network().parameters(), setup.rows(),
                setup.definition().trainingPlan(), ((JobDefinition.Train) setup.definition().mode()).optimizer());
        assertThat(status.get("status").asText()).as(status.toString()).isEqualTo("done");
        assertThat(parametersOf(result.get("network"))).isEqualTo(expected.parameters());
        assertThat(result.get("iterations").asLong()).isEqualTo(expected.state().iterations());
        for (int epoch = 0; epoch < 4; epoch++) {
            TrainingResult.Epoch wanted = expected.epochs().get(epoch);
            assertThat(result.at("/epochs/" + epoch + "/loss").doubleValue()).isEqualTo(wanted.meanLoss());
            assertThat(result.at("/epochs/" + epoch + "/accuracy").doubleValue())
                    .isEqualTo(wanted.accuracy().getAsDouble());
        }
        assertThat(status.get("step").asLong()).isEqualTo(status.get("steps").asLong());
        assertThat(status.get("samples").asLong()).isEqualTo(1200);
    }

    @Test
    void theBooksChapterNineLossAndChapterTenFirstEpochComeOutOfThePipeline() throws Exception {
        // Chapter 9: spiral_data(100, 3), Dense(2, 3) → ReLU → Dense(3, 3) → softmax + cross-entropy, nnfs.init():
        // the book prints a loss of 1.0986104 for the untrained network, computed in float32 like this network.
        String job = """
                {"network": {"kind": "layers", "dtype": "float32", "inputSize": 2, "layers": [
                   {"type": "dense", "units": 3, "activation": "relu"},
                   {"type": "dense", "units": 3, "activation": "softmax"}], "loss": "softmax-cross-entropy"},
                 "dataset": {"generator": "spiral", "samples": 100, "classes": 3}, "init": "nnfs",
                 "batchSize": 300, "mode": "gradient"}""";
        String jobId = gateway.submitJob(job);

        assertThat(gateway.awaitJob(jobId, JOB_TIMEOUT).get("status").asText()).isEqualTo("done");
        JsonNode result = gateway.request("GET", "/jobs/" + jobId + "/result", null).json();
        assertThat(result.get("output").asDouble()).isCloseTo(1.0986104, within(2e-7));

        // Chapter 10, Adam(learning_rate=0.05, decay=5e-7) on the same data with Dense(2, 64): the book prints
        // "epoch: 0, acc: 0.360, loss: 1.099" for the forward pass before the first step.
        String chapterTen = gateway.submitJob("""
                {"network": {"kind": "layers", "dtype": "float32", "inputSize": 2, "layers": [
                   {"type": "dense", "units": 64, "activation": "relu"},
                   {"type": "dense", "units": 3, "activation": "softmax"}], "loss": "softmax-cross-entropy"},
                 "dataset": {"generator": "spiral", "samples": 100, "classes": 3}, "init": "nnfs",
                 "batchSize": 300, "mode": "train", "epochs": 1,
                 "optimizer": {"type": "adam", "learningRate": 0.05, "decay": 5e-7}}""");
        assertThat(gateway.awaitJob(chapterTen, JOB_TIMEOUT).get("status").asText()).isEqualTo("done");
        JsonNode epoch = gateway.request("GET", "/jobs/" + chapterTen + "/result", null).json().at("/epochs/0");
        assertThat(epoch.get("accuracy").asDouble()).isEqualTo(108 / 300.0);
        assertThat(epoch.get("loss").asDouble()).isCloseTo(1.099, within(5e-4));
    }

    @ParameterizedTest
    @CsvSource({"1", "7", "64", "300"})
    void aGradientJobEqualsTheGradientOverTheWholeDatasetWhateverTheBatchSize(int batchSize) throws Exception {
        String job = """
                {"network": %s, "dataset": {"generator": "vertical", "samples": 100, "classes": 3, "seed": 4},
                 "batchSize": %d, "mode": "gradient"}""".formatted(BOOK_NETWORK.replace("\"inputSize\": 2",
                "\"inputSize\": 2, \"seed\": 11"), batchSize);
        String jobId = gateway.submitJob(job);

        assertThat(gateway.awaitJob(jobId, JOB_TIMEOUT).get("status").asText()).isEqualTo("done");
        JsonNode result = gateway.request("GET", "/jobs/" + jobId + "/result", null).json();

        JobSetup.Resolved setup = resolve(job);
        FullGradient expected = FullGradient.of(setup.network(), setup.network().parameters(), setup.rows(), 300);
        assertThat(result.get("output").asDouble()).isCloseTo(expected.loss(), within(1e-12 * expected.loss()));
        expected.gradients().forEach((name, gradient) -> {
            double[] wanted = gradient.readDoubles();
            double[] actual = doubles(result.at("/parameterGradients/" + name.replace("/", "~1")));
            assertThat(actual).hasSameSizeAs(wanted);
            double scale = Math.max(1e-12, Stream.of(wanted).flatMapToDouble(java.util.Arrays::stream)
                    .map(Math::abs).max().orElse(0));
            for (int i = 0; i < wanted.length; i++) {
                assertThat(actual[i]).as(name + "[" + i + "]").isCloseTo(wanted[i], within(1e-12 * scale));
            }
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"network\": \"no-such-network\", \"dataset\": {\"generator\": \"sine\"}, \"batchSize\": 10, \"mode\": \"gradient\"} | network",
        "{\"network\": NET, \"dataset\": {\"generator\": \"spiral\", \"samples\": 10, \"classes\": 3}, \"batchSize\": 31, \"mode\": \"gradient\"} | batchSize",
        "{\"network\": NET, \"dataset\": {\"generator\": \"spiral\", \"samples\": 10, \"classes\": 3}, \"batchSize\": 10, \"mode\": \"train\", \"epochs\": 1, \"optimizer\": {\"type\": \"adam\", \"momentum\": 0.9}} | optimizer.momentum",
        "{\"network\": NET, \"dataset\": {\"generator\": \"spiral\", \"samples\": 10, \"classes\": 4}, \"batchSize\": 10, \"mode\": \"gradient\"} | dataset.classes",
        "{\"network\": NET, \"dataset\": {\"inputs\": {\"x\": [[1, 2, 3]]}, \"targets\": {\"y\": [0]}}, \"batchSize\": 1, \"mode\": \"gradient\"} | dataset.inputs.x"})
    void aBadJobIsRefusedNamingItsFieldAndNothingStarts(String job, String field) throws Exception {
        int jobsBefore = gateway.request("GET", "/jobs", null).json().size();

        Gateway.Response response = gateway.request("POST", "/jobs", job.replace("NET", BOOK_NETWORK));

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("field").asText()).isEqualTo(field);
        assertThat(gateway.request("GET", "/jobs", null).json().size()).isEqualTo(jobsBefore);
    }

    @Test
    void aJobOnARegisteredNetworkCanBeCancelledAndItsEventsEndWithTheCancellation() throws Exception {
        String networkId = gateway.register(BOOK_NETWORK.replace("\"inputSize\": 2", "\"inputSize\": 2, \"seed\": 3"));
        String jobId = gateway.submitJob("""
                {"network": "%s", "dataset": {"generator": "spiral", "samples": 100, "classes": 3},
                 "batchSize": 1, "mode": "train", "epochs": 1000, "optimizer": {"type": "sgd"}}""".formatted(networkId));
        awaitSteps(jobId, 3);

        Gateway.Response cancel = gateway.request("DELETE", "/jobs/" + jobId, null);
        JsonNode ended = gateway.awaitJob(jobId, JOB_TIMEOUT);

        assertThat(cancel.status()).as(cancel.body()).isEqualTo(202);
        assertThat(ended.get("status").asText()).isEqualTo("cancelled");
        assertThat(gateway.request("DELETE", "/jobs/" + jobId, null).status()).isEqualTo(409);
        assertThat(gateway.request("GET", "/jobs/" + jobId + "/result", null).status()).isEqualTo(404);
        List<String> events = events(jobId);
        assertThat(events).last().asString().startsWith("event:cancelled");
    }

    @Test
    void aTrainingJobsEventsReportProgressAndEndWithTheResult() throws Exception {
        String jobId = gateway.submitJob("""
                {"network": %s, "dataset": {"generator": "spiral", "samples": 100, "classes": 3}, "init": "nnfs",
                 "batchSize": 30, "mode": "train", "epochs": 20, "optimizer": {"type": "adam", "learningRate": 0.05},
                 "shuffle": true}
                """.formatted(BOOK_NETWORK));

        List<String> events = events(jobId);

        assertThat(events).isNotEmpty();
        assertThat(events).last().asString().startsWith("event:done");
        JsonNode last = JSON.readTree(events.get(events.size() - 1).split("\ndata:", 2)[1]);
        assertThat(last.at("/result/epochs").size()).isEqualTo(20);
        assertThat(last.get("step").asLong()).isEqualTo(200);
        assertThat(events.stream().filter(event -> event.startsWith("event:running")).count())
                .as("progress events before the end").isGreaterThan(0);
        assertThat(last.at("/result/epochs/19/loss").asDouble()).isLessThan(last.at("/result/epochs/0/loss")
                .asDouble());
    }

    @Test
    void aJobOnAnUploadedNpyDatasetTrainsAsOnTheSameRowsInline() throws Exception {
        LabelledData spiral = dev.gradflow.core.data.NnfsDatasets.spiralData(40, 3,
                new dev.gradflow.core.data.LegacyRandom(5));
        Gateway.Response upload = upload("multipart", Map.of("x", NpyFormat.write(spiral.inputs()),
                "y", NpyFormat.write(spiral.targets().cast(dev.gradflow.core.tensor.DType.FLOAT64))));
        assertThat(upload.status()).as(upload.body()).isEqualTo(201);
        assertThat(upload.json().get("inputs").asText()).isEqualTo("[120, 2]");
        assertThat(upload.json().get("dtype").asText()).isEqualTo("float32");
        String job = """
                {"network": %s, "dataset": {"id": "%s"}, "batchSize": 32, "mode": "train", "epochs": 3,
                 "optimizer": {"type": "adam"}, "shuffle": true, "seed": 9}""".formatted(
                BOOK_NETWORK.replace("float64", "float32").replace("\"inputSize\": 2",
                        "\"inputSize\": 2, \"seed\": 2"), upload.json().get("datasetId").asText());

        String jobId = gateway.submitJob(job);
        assertThat(gateway.awaitJob(jobId, JOB_TIMEOUT).get("status").asText()).isEqualTo("done");

        JobSetup.Resolved setup = JobSetup.resolve(JSON.readValue(job, Object.class), JobSetup.Sources.of(Map.of(),
                Map.of(upload.json().get("datasetId").asText(), spiral)), Limits.DEFAULT);
        TrainingResult expected = TrainingLoop.run(setup.network(), setup.network().parameters(), setup.rows(),
                setup.definition().trainingPlan(), ((JobDefinition.Train) setup.definition().mode()).optimizer());
        JsonNode result = gateway.request("GET", "/jobs/" + jobId + "/result", null).json();
        assertThat(parametersOf(result.get("network"))).isEqualTo(expected.parameters());
    }

    @Test
    void aCsvDatasetIsUploadedWithItsTargetColumnNamed() throws Exception {
        String csv = "a,b,label\n0.5,-1,0\n1,2,2\n-0.5,0.25,1\n";
        Gateway.Response upload = gateway.request("POST", "/datasets?targets=label", csv, "text/csv");
        assertThat(upload.status()).as(upload.body()).isEqualTo(201);
        String datasetId = upload.json().get("datasetId").asText();
        assertThat(gateway.request("GET", "/datasets/" + datasetId, null).json().get("targets").asText())
                .isEqualTo("[3]");

        String jobId = gateway.submitJob("""
                {"network": %s, "dataset": {"id": "%s"}, "batchSize": 2, "mode": "gradient"}"""
                .formatted(BOOK_NETWORK.replace("\"inputSize\": 2", "\"inputSize\": 2, \"seed\": 4"), datasetId));

        assertThat(gateway.awaitJob(jobId, JOB_TIMEOUT).get("status").asText()).isEqualTo("done");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "csv | 'a,label\n1,x\n' | label | $ | 'CSV: line 2, column \"label\"'",
        "csv | 'a,b\n1,2\n' | '' | targets | is required",
        "npy | not a numpy file | - | x | .npy",
        "npy-short-y | - | - | y | has shape [2]"})
    void aBadDatasetIsRefusedNamingThePartAndTheReason(String kind, String body, String targets, String field,
            String message) throws Exception {
        Gateway.Response response = switch (kind) {
            case "csv" -> gateway.request("POST", "/datasets?targets=" + targets, body.replace("\\n", "\n"),
                    "text/csv");
            case "npy" -> upload("multipart", Map.of("x", body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "y", NpyFormat.write(Tensor.ofDoubles(new int[] {1}, new double[] {0}))));
            default -> upload("multipart", Map.of("x", NpyFormat.write(Tensor.ofDoubles(new int[] {3, 1},
                    new double[] {1, 2, 3})), "y", NpyFormat.write(Tensor.ofDoubles(new int[] {2},
                    new double[] {0, 1}))));
        };

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("field").asText()).isEqualTo(field);
        if (message != null) {
            assertThat(response.json().get("message").asText()).contains(message);
        }
    }

    /** A multipart/form-data POST /datasets with the given parts, each as a file. */
    private Gateway.Response upload(String unused, Map<String, byte[]> parts) throws Exception {
        String boundary = "gradflow-" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> part : new java.util.TreeMap<>(parts).entrySet()) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part.getKey()
                    + "\"; filename=\"" + part.getKey() + ".npy\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            body.write(part.getValue());
            body.write("\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(services.get(3).baseUrl() + "/datasets"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Gateway.Response(response.statusCode(), response.body());
    }

    private void awaitSteps(String jobId, long steps) throws Exception {
        long deadline = System.currentTimeMillis() + JOB_TIMEOUT.toMillis();
        while (gateway.request("GET", "/jobs/" + jobId, null).json().path("step").asLong() < steps) {
            assertThat(System.currentTimeMillis()).as("job %s reaching %d steps", jobId, steps).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** The whole event stream of a job, one string per event ("event:…\ndata:…"), read until the server ends it. */
    private List<String> events(String jobId) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(services.get(3).baseUrl() + "/jobs/" + jobId + "/events")).timeout(JOB_TIMEOUT)
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = new ArrayList<>();
        for (String block : response.body().split("\n\n")) {
            String event = block.strip();
            if (!event.isEmpty()) {
                events.add(event);
            }
        }
        return events;
    }

    private static JobSetup.Resolved resolve(String job) throws IOException {
        return JobSetup.resolve(JSON.readValue(job, Object.class), JobSetup.Sources.NONE, Limits.DEFAULT);
    }

    private static Map<String, Tensor> parametersOf(JsonNode definition) throws IOException {
        Object tree = JSON.readValue(JSON.writeValueAsBytes(definition), Object.class);
        CompiledGraph graph = GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(tree), Limits.DEFAULT);
        return graph.parameters();
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
}

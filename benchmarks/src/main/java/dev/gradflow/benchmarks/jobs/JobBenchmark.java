package dev.gradflow.benchmarks.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Jobs through the pipeline (gateway, job-service, forward-service, gradient-service on one broker) next to the
 * same computation in this JVM, in one run, and the check that both give the same numbers:
 * <ul>
 *   <li>{@code train}: 2-64-3 (float64) on {@code spiral_data(100, 3)}, batch 300 (the whole dataset), Adam
 *       (0.05, decay 5e-7), {@code --steps} steps (default 1,000); the in-process side is {@link TrainingLoop}, and
 *       the trained parameters must be bit-identical;</li>
 *   <li>{@code gradient}: 784-256-128-10 (float32) on 60,000 × 784 synthetic normal rows, {@code --batch} rows per
 *       batch (default 1,000); the in-process side is {@link FullGradient}, compared to 1e-5 relative (float32
 *       sums in another order).</li>
 * </ul>
 * Pipeline times run from {@code POST /jobs} to the job's {@code done}, polled every 20 ms; they include the
 * gateway's and the job-service's checks of the job (for the gradient case, each draws the 47 million normals). The
 * in-process times are measured after one warm-up run of the same size.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.gradflow.benchmarks.jobs.JobBenchmark --gateway URL
 *     [--cases train,gradient] [--steps 1000] [--batch 1000] [--out DIR]</pre>
 */
public final class JobBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private record Row(String job, String pipelineTime, String pipelineRate, String inProcessTime,
            String inProcessRate, String ratio, String check) {
    }

    private JobBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String gateway = null;
        List<String> cases = List.of("train", "gradient");
        int steps = 1000;
        int batch = 1000;
        Path out = null;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--gateway" -> gateway = args[i + 1];
                case "--cases" -> cases = List.of(args[i + 1].split(","));
                case "--steps" -> steps = Integer.parseInt(args[i + 1]);
                case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (gateway == null) {
            throw new IllegalArgumentException("--gateway URL is required");
        }
        List<Row> rows = new ArrayList<>();
        for (String name : cases) {
            rows.add(switch (name) {
                case "train" -> train(gateway, steps);
                case "gradient" -> gradient(gateway, batch);
                default -> throw new IllegalArgumentException("unknown case " + name + "; expected train, gradient");
            });
        }
        StringBuilder table = new StringBuilder("| job | pipeline | pipeline rate | in process | in-process rate"
                + " | pipeline rate / in-process rate | same result |\n|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            table.append("| ").append(String.join(" | ", row.job(), row.pipelineTime(), row.pipelineRate(),
                    row.inProcessTime(), row.inProcessRate(), row.ratio(), row.check())).append(" |\n");
        }
        System.out.println();
        System.out.print(table);
        if (out != null) {
            Files.createDirectories(out);
            Files.writeString(out.resolve("jobs.md"), table);
        }
    }

    private static Row train(String gateway, int steps) throws Exception {
        String job = """
                {"network": {"kind": "layers", "dtype": "float64", "inputSize": 2, "layers": [
                   {"type": "dense", "name": "dense1", "units": 64, "activation": "relu"},
                   {"type": "dense", "name": "dense2", "units": 3, "activation": "softmax"}],
                  "loss": "softmax-cross-entropy"},
                 "dataset": {"generator": "spiral", "samples": 100, "classes": 3}, "init": "nnfs",
                 "batchSize": 300, "mode": "train", "epochs": %d,
                 "optimizer": {"type": "adam", "learningRate": 0.05, "decay": 5e-7}}""".formatted(steps);
        JobSetup.Resolved setup = JobSetup.resolve(JSON.readValue(job, Object.class), JobSetup.Sources.NONE, Limits.DEFAULT);
        var optimizer = ((JobDefinition.Train) setup.definition().mode()).optimizer();
        TrainingLoop.run(setup.network(), setup.network().parameters(), setup.rows(),
                setup.definition().trainingPlan(), optimizer);
        long started = System.nanoTime();
        TrainingResult expected = TrainingLoop.run(setup.network(), setup.network().parameters(), setup.rows(),
                setup.definition().trainingPlan(), optimizer);
        double inProcess = (System.nanoTime() - started) / 1e9;

        Timed timed = runJob(gateway, job);
        JsonNode result = get(gateway + "/jobs/" + timed.jobId() + "/result");
        boolean identical = parametersOf(result.get("network")).equals(expected.parameters());
        System.out.printf(Locale.ROOT, "train: %d steps, pipeline %.2f s, in process %.2f s, final loss %.6f,"
                + " accuracy %.3f, bit-identical %s%n", steps, timed.seconds(), inProcess,
                expected.lastEpoch().meanLoss(), expected.lastEpoch().accuracy().orElse(Double.NaN), identical);
        return new Row("train: 2-64-3 float64, spiral_data(100, 3), batch 300, Adam, " + steps + " steps",
                seconds(timed.seconds()), rate(steps / timed.seconds(), "steps/s"), seconds(inProcess),
                rate(steps / inProcess, "steps/s"), ratio(inProcess / timed.seconds()),
                identical ? "bit-identical parameters" : "**differ**");
    }

    private static Row gradient(String gateway, int batch) throws Exception {
        String job = """
                {"network": {"kind": "layers", "dtype": "float32", "inputSize": 784, "seed": 1, "layers": [
                   {"type": "dense", "units": 256, "activation": "relu"},
                   {"type": "dense", "units": 128, "activation": "relu"},
                   {"type": "dense", "units": 10, "activation": "softmax"}],
                  "loss": "softmax-cross-entropy"},
                 "dataset": {"generator": "normal", "samples": 60000, "features": 784, "classes": 10, "seed": 3},
                 "batchSize": %d, "mode": "gradient"}""".formatted(batch);
        long setupStarted = System.nanoTime();
        JobSetup.Resolved setup = JobSetup.resolve(JSON.readValue(job, Object.class), JobSetup.Sources.NONE, Limits.DEFAULT);
        double setupSeconds = (System.nanoTime() - setupStarted) / 1e9;
        FullGradient.of(setup.network(), setup.network().parameters(), setup.rows(), batch);
        long started = System.nanoTime();
        FullGradient expected = FullGradient.of(setup.network(), setup.network().parameters(), setup.rows(), batch);
        double inProcess = (System.nanoTime() - started) / 1e9;
        int samples = setup.rows().samples();

        Timed timed = runJob(gateway, job);
        JsonNode result = get(gateway + "/jobs/" + timed.jobId() + "/result");
        double worst = 0;
        for (Map.Entry<String, Tensor> entry : expected.gradients().entrySet()) {
            List<Double> actual = new ArrayList<>();
            flatten(result.at("/parameterGradients/" + entry.getKey()), actual);
            double[] wanted = entry.getValue().toDoubleArray();
            double scale = 0;
            for (double value : wanted) {
                scale = Math.max(scale, Math.abs(value));
            }
            for (int i = 0; i < wanted.length; i++) {
                worst = Math.max(worst, Math.abs(actual.get(i) - wanted[i]) / scale);
            }
        }
        System.out.printf(Locale.ROOT, "gradient: %d rows in batches of %d, pipeline %.2f s, in process %.2f s"
                + " (drawing the rows and checking the job: %.2f s more), loss %.6f, worst difference %.2e of the"
                + " largest gradient%n", samples, batch, timed.seconds(), inProcess, setupSeconds, expected.loss(),
                worst);
        return new Row("gradient: 784-256-128-10 float32, 60,000 × 784 normal rows, batch " + batch,
                seconds(timed.seconds()), rate(samples / timed.seconds(), "samples/s"), seconds(inProcess),
                rate(samples / inProcess, "samples/s"), ratio(inProcess / timed.seconds()),
                String.format(Locale.ROOT, "worst difference %.1e of the largest gradient", worst));
    }

    private record Timed(String jobId, double seconds) {
    }

    private static Timed runJob(String gateway, String job) throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> submitted = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/jobs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(job)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (submitted.statusCode() != 201) {
            throw new IllegalStateException("POST /jobs answered " + submitted.statusCode() + ": " + submitted.body());
        }
        String jobId = JSON.readTree(submitted.body()).get("jobId").asText();
        while (true) {
            JsonNode status = get(gateway + "/jobs/" + jobId);
            String state = status.path("status").asText();
            if (state.equals("done")) {
                return new Timed(jobId, (System.nanoTime() - started) / 1e9);
            }
            if (state.equals("failed") || state.equals("cancelled")) {
                throw new IllegalStateException("job " + jobId + " ended " + state + ": " + status);
            }
            if (System.nanoTime() - started > Duration.ofMinutes(30).toNanos()) {
                throw new IllegalStateException("job " + jobId + " still " + state + " after 30 minutes");
            }
            Thread.sleep(20);
        }
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static Map<String, Tensor> parametersOf(JsonNode definition) throws IOException {
        Object tree = JSON.readValue(JSON.writeValueAsBytes(definition), Object.class);
        CompiledGraph graph = GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(tree), Limits.DEFAULT);
        return graph.parameters();
    }

    private static void flatten(JsonNode node, List<Double> into) {
        if (node.isArray()) {
            node.forEach(child -> flatten(child, into));
        } else {
            into.add(node.doubleValue());
        }
    }

    private static String seconds(double value) {
        return String.format(Locale.ROOT, "%.2f s", value);
    }

    private static String rate(double value, String unit) {
        return String.format(Locale.ROOT, "%,.0f %s", value, unit);
    }

    private static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}

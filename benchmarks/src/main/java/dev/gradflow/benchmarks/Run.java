package dev.gradflow.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs JMH with defaults for a small machine, then prints a table in the units that matter: samples per second
 * and GFLOP/s of the matrix products, with the gemm implementation each JVM actually used.
 *
 * <p>Takes JMH's own command line; any option given there wins over these defaults: {@code EngineBenchmark} (and
 * {@code PyTorchBenchmark} when the jar was built with the {@code pytorch} profile), 1 fork, 8 warmup iterations
 * of 4 s, 5 measurement iterations of 3 s. The warm-up is long because the engine's per-batch methods run a
 * hundred times a second on the large networks, so the JIT compiles them for half a minute, on the same two cores:
 * after 4 s, one 784-256-128-10 float32 step in ten took 10.5 to 28 ms against a median of 7.7; after 40 s, the
 * slowest tenth started at 8.8 ms (README, "Where it stands"). When both ran, the table puts PyTorch's samples
 * per second next to gradflow's for the same network and dtype, with their ratio. For example
 * {@code -p gemm=auto,java,loops} compares implementations, {@code GemmBenchmark -p impl=netlib-java,ejml-mt}
 * runs the raw products.
 */
public final class Run {
    /** Optional system property: a file to write the table to, as well as printing it. */
    static final String TABLE_FILE = "gradflow.bench.table";
    /** The PyTorch reference; on the class path only in the jar built with the {@code pytorch} profile. */
    static final String PYTORCH_BENCHMARK = "dev.gradflow.benchmarks.pytorch.PyTorchBenchmark";

    private Run() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        if (cli.shouldHelp() || cli.shouldList() || cli.shouldListWithParams() || cli.shouldListProfilers()
                || cli.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        Path labels = Files.createTempDirectory("gradflow-benchmark-labels");
        System.setProperty(Labels.DIRECTORY, labels.toString());

        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(EngineBenchmark.class.getSimpleName());
            if (onClassPath(PYTORCH_BENCHMARK)) {
                options.include(PYTORCH_BENCHMARK.substring(PYTORCH_BENCHMARK.lastIndexOf('.') + 1));
            }
        }
        if (!cli.getForkCount().hasValue()) {
            options.forks(1);
        }
        if (!cli.getWarmupIterations().hasValue()) {
            options.warmupIterations(8);
        }
        if (!cli.getWarmupTime().hasValue()) {
            options.warmupTime(TimeValue.seconds(4));
        }
        if (!cli.getMeasurementIterations().hasValue()) {
            options.measurementIterations(5);
        }
        if (!cli.getMeasurementTime().hasValue()) {
            options.measurementTime(TimeValue.seconds(3));
        }
        List<String> append = new ArrayList<>(cli.getJvmArgsAppend().orElse(List.of()));
        append.add("-D" + Labels.DIRECTORY + "=" + labels);
        options.jvmArgsAppend(append.toArray(String[]::new));

        Collection<RunResult> results = new Runner(options.build()).run();
        String table = table(results, labels);
        System.out.println();
        System.out.print(table);
        String tableFile = System.getProperty(TABLE_FILE);
        if (tableFile != null) {
            Files.writeString(Path.of(tableFile), table, StandardCharsets.UTF_8);
        }
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, Run.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static String table(Collection<RunResult> results, Path labels) {
        StringBuilder out = new StringBuilder();
        List<RunResult> engine = results.stream()
                .filter(r -> r.getParams().getBenchmark().endsWith("EngineBenchmark.forwardBackward")).toList();
        List<RunResult> gemm = results.stream()
                .filter(r -> r.getParams().getBenchmark().endsWith("GemmBenchmark.multiply")).toList();
        List<RunResult> pytorch = results.stream()
                .filter(r -> r.getParams().getBenchmark().endsWith("PyTorchBenchmark.forwardBackward")).toList();
        Map<String, RunResult> pytorchByCase = new LinkedHashMap<>();
        pytorch.forEach(r -> pytorchByCase.put(caseKey(r.getParams()), r));
        if (!engine.isEmpty()) {
            out.append("Forward + backward pass of the core engine (one batch per operation). GFLOP/s counts only\n")
                    .append("the matrix products: 6·N·Σ in·out per batch (X·W, Xᵀ·G and G·Wᵀ for every layer,\n")
                    .append("including the first layer's input gradient); bias, activations and loss are not counted.\n");
            if (!pytorch.isEmpty()) {
                out.append("PyTorch: the same network, batch and gradients (every weight, bias and the input) in\n")
                        .append("PyTorch through DJL, same JMH run; gradflow / PyTorch > 1 means gradflow is faster.\n");
            }
            out.append('\n');
            out.append(String.format(Locale.ROOT, "| %-21s | %-7s | %5s | %12s | %8s | %8s | %s |", "network", "dtype",
                    "batch", "samples/s", "± 99.9%", "GFLOP/s", "gemm implementation"));
            if (!pytorch.isEmpty()) {
                out.append(String.format(Locale.ROOT, " %17s | %17s |", "PyTorch samples/s", "gradflow / PyTorch"));
            }
            out.append('\n');
            out.append("|-----------------------|---------|-------|--------------|----------|----------|---------------------|");
            if (!pytorch.isEmpty()) {
                out.append("-------------------|--------------------|");
            }
            out.append('\n');
            for (RunResult result : engine) {
                BenchmarkParams params = result.getParams();
                NetworkCase network = NetworkCase.parse(params.getParam("network"));
                double batches = perSecond(result.getPrimaryResult());
                double error = perSecondError(result.getPrimaryResult());
                out.append(String.format(Locale.ROOT, "| %-21s | %-7s | %5d | %12.0f | %8.0f | %8.2f | %s |",
                        network.label().split("/")[0], params.getParam("dtype"), network.batch(),
                        batches * network.batch(), error * network.batch(), batches * network.matmulFlops() / 1e9,
                        label(labels, params, "gemm=" + params.getParam("gemm"))));
                if (!pytorch.isEmpty()) {
                    RunResult reference = pytorchByCase.get(caseKey(params));
                    if (reference == null) {
                        out.append(String.format(Locale.ROOT, " %17s | %18s |", "–", "–"));
                    } else {
                        double referenceBatches = perSecond(reference.getPrimaryResult());
                        out.append(String.format(Locale.ROOT, " %17.0f | %18.2f |",
                                referenceBatches * network.batch(), batches / referenceBatches));
                    }
                }
                out.append('\n');
            }
            pytorch.stream().findFirst().flatMap(r -> Labels.read(labels, r.getParams()))
                    .ifPresent(ran -> out.append("\nPyTorch ran as: ").append(ran).append('\n'));
            out.append('\n');
        } else if (!pytorch.isEmpty()) {
            out.append("Forward + backward pass in PyTorch through DJL (one batch per operation); GFLOP/s counts\n")
                    .append("the matrix products as for the engine, 6·N·Σ in·out per batch.\n\n");
            out.append(String.format(Locale.ROOT, "| %-21s | %-7s | %5s | %12s | %8s | %8s | %s |%n", "network",
                    "dtype", "batch", "samples/s", "± 99.9%", "GFLOP/s", "ran as"));
            out.append("|-----------------------|---------|-------|--------------|----------|----------|--------|\n");
            for (RunResult result : pytorch) {
                BenchmarkParams params = result.getParams();
                NetworkCase network = NetworkCase.parse(params.getParam("network"));
                double batches = perSecond(result.getPrimaryResult());
                double error = perSecondError(result.getPrimaryResult());
                out.append(String.format(Locale.ROOT, "| %-21s | %-7s | %5d | %12.0f | %8.0f | %8.2f | %s |%n",
                        network.label().split("/")[0], params.getParam("dtype"), network.batch(),
                        batches * network.batch(), error * network.batch(), batches * network.matmulFlops() / 1e9,
                        label(labels, params, "PyTorch")));
            }
            out.append('\n');
        }
        if (!gemm.isEmpty()) {
            out.append("Raw products of a Dense layer batch x in x out (NN = X·W, TN = Xᵀ·G, NT = G·Wᵀ);\n")
                    .append("each is 2·batch·in·out FLOPs.\n\n");
            out.append(String.format(Locale.ROOT, "| %-14s | %-7s | %-2s | %-13s | %10s | %8s | %s |%n", "layer",
                    "dtype", "op", "impl", "ms/op", "GFLOP/s", "loaded"));
            out.append("|----------------|---------|----|---------------|------------|----------|--------|\n");
            for (RunResult result : gemm) {
                BenchmarkParams params = result.getParams();
                String[] sizes = params.getParam("layer").split("x");
                double flops = 2.0 * Double.parseDouble(sizes[0]) * Double.parseDouble(sizes[1])
                        * Double.parseDouble(sizes[2]);
                double ops = perSecond(result.getPrimaryResult());
                out.append(String.format(Locale.ROOT, "| %-14s | %-7s | %-2s | %-13s | %10.4f | %8.2f | %s |%n",
                        params.getParam("layer"), params.getParam("dtype"), params.getParam("product"),
                        params.getParam("impl"), 1e3 / ops, ops * flops / 1e9, label(labels, params, "?")));
            }
        }
        return out.toString();
    }

    /** Network and dtype: what a gradflow result and its PyTorch reference share. */
    private static String caseKey(BenchmarkParams params) {
        return params.getParam("network") + " " + params.getParam("dtype");
    }

    private static String label(Path labels, BenchmarkParams params, String otherwise) {
        return Labels.read(labels, params).orElse(otherwise);
    }

    /** The score as operations per second, whichever mode and time unit JMH was told to use. */
    private static double perSecond(Result<?> result) {
        return toPerSecond(result.getScore(), result.getScoreUnit());
    }

    private static double perSecondError(Result<?> result) {
        double score = result.getScore();
        double error = result.getScoreError();
        if (Double.isNaN(error)) {
            return Double.NaN;
        }
        // For time per operation the interval is not symmetric in ops/s; report half its width.
        double low = toPerSecond(score - error, result.getScoreUnit());
        double high = toPerSecond(score + error, result.getScoreUnit());
        return Math.abs(high - low) / 2;
    }

    private static double toPerSecond(double score, String unit) {
        String[] parts = unit.split("/");
        if (parts[0].equals("ops")) {
            return score * seconds(TimeUnit.SECONDS) / seconds(unit(parts[1]));
        }
        return 1 / (score * seconds(unit(parts[0])));
    }

    private static double seconds(TimeUnit unit) {
        return unit.toNanos(1) / 1e9;
    }

    private static TimeUnit unit(String abbreviation) {
        return switch (abbreviation) {
            case "ns" -> TimeUnit.NANOSECONDS;
            case "us" -> TimeUnit.MICROSECONDS;
            case "ms" -> TimeUnit.MILLISECONDS;
            case "s" -> TimeUnit.SECONDS;
            case "min" -> TimeUnit.MINUTES;
            case "hr" -> TimeUnit.HOURS;
            case "day" -> TimeUnit.DAYS;
            default -> throw new IllegalArgumentException("unknown time unit " + abbreviation);
        };
    }
}

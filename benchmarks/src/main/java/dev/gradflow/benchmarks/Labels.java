package dev.gradflow.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Carries each fork's gemm implementation name (or, for the PyTorch reference, its version and thread count) back
 * to the JVM that prints the report. JMH runs every parameter combination in a fresh JVM, and only that JVM knows
 * which BLAS it actually loaded; it writes the name into the directory named by the system property
 * {@value #DIRECTORY}, under a key both sides derive from the benchmark parameters.
 */
public final class Labels {
    static final String DIRECTORY = "gradflow.bench.labels";

    private Labels() {
    }

    /** Called inside a fork: records what this parameter combination ran on. No-op without the property. */
    public static void record(BenchmarkParams params, String implementation) {
        String directory = System.getProperty(DIRECTORY);
        if (directory == null) {
            return;
        }
        try {
            Files.writeString(Path.of(directory).resolve(key(params)), implementation, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Called by the report: what a parameter combination ran on, if its fork said. */
    static Optional<String> read(Path directory, BenchmarkParams params) {
        Path file = directory.resolve(key(params));
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String key(BenchmarkParams params) {
        TreeMap<String, String> values = new TreeMap<>();
        for (Object name : params.getParamsKeys()) {
            values.put((String) name, params.getParam((String) name));
        }
        return (params.getBenchmark() + values).replaceAll("[^A-Za-z0-9._-]", "_") + ".txt";
    }
}

package dev.gradflow.benchmarks.transactions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the broker spends a request's time, by request type: reads the lines Kafka's request logger
 * ({@code kafka.request.logger} at DEBUG) writes for every completed request and prints one markdown table of
 * medians. Kafka splits a request's time into queue (waiting for a request handler thread), local (the handler's
 * own work), remote (waiting for something else: for a transactional produce, the broker's round trip to the
 * transaction coordinator that checks the partition belongs to the transaction) and response queue and send.
 *
 * <p>Only the last {@code --last} requests of each type count, so the broker's warm-up is left out. The logger
 * itself costs the broker time, so the totals are a little higher than without it.
 *
 * <p>Usage: {@code BrokerRequestTimes --log broker.log [--last N] [--min-count N]}
 */
public final class BrokerRequestTimes {
    private static final String MARKER = "Completed request:";
    private static final String[] PHASES = {"totalTimeMs", "requestQueueTimeMs", "localTimeMs", "remoteTimeMs",
        "responseQueueTimeMs", "sendTimeMs"};

    private BrokerRequestTimes() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        Path log = Path.of(options.getOrDefault("--log", "broker.log"));
        int last = Integer.parseInt(options.getOrDefault("--last", "1000"));
        int minCount = Integer.parseInt(options.getOrDefault("--min-count", "50"));
        System.out.print(table(read(log), last, minCount));
    }

    /** Each request type's phase times, in milliseconds, in the order the requests completed. */
    static Map<String, List<double[]>> read(Path log) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, List<double[]>> byType = new LinkedHashMap<>();
        try (Stream<String> lines = Files.lines(log)) {
            lines.forEach(line -> {
                int at = line.indexOf(MARKER);
                if (at < 0) {
                    return;
                }
                JsonNode request;
                try {
                    request = json.readTree(line.substring(at + MARKER.length()));
                } catch (IOException e) {
                    throw new UncheckedIOException("unreadable request log line: " + line, e);
                }
                String type = request.path("requestHeader").path("requestApiKeyName").asText("?");
                double[] times = new double[PHASES.length];
                for (int p = 0; p < PHASES.length; p++) {
                    times[p] = request.path(PHASES[p]).asDouble(0);
                }
                byType.computeIfAbsent(type, t -> new ArrayList<>()).add(times);
            });
        }
        return byType;
    }

    /** One row per request type seen at least {@code minCount} times: the medians of its last {@code last}. */
    static String table(Map<String, List<double[]>> byType, int last, int minCount) {
        StringBuilder table = new StringBuilder("| request | count | total | queue | local | remote | response queue"
                + " | send |\n|---|--:|--:|--:|--:|--:|--:|--:|\n");
        byType.forEach((type, all) -> {
            if (all.size() < minCount) {
                return;
            }
            List<double[]> counted = all.subList(Math.max(0, all.size() - last), all.size());
            table.append("| ").append(type).append(" | ").append(counted.size());
            for (int p = 0; p < PHASES.length; p++) {
                double[] phase = new double[counted.size()];
                for (int i = 0; i < phase.length; i++) {
                    phase[i] = counted.get(i)[p];
                }
                Arrays.sort(phase);
                table.append(String.format(" | %.2f", phase[phase.length / 2]));
            }
            table.append(" |\n");
        });
        return table.toString();
    }
}

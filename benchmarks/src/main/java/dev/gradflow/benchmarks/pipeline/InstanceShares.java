package dev.gradflow.benchmarks.pipeline;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the work of one service is split between its instances, from the counter
 * {@code gradflow_records_processed_total} on each instance's own {@code /q/metrics}: every instance serves its
 * own metrics, so no instance tag is needed. Only the channel the service consumes batches from counts
 * ({@code batches} for the forward-service, {@code tapes} for the gradient-service), all outcomes together.
 *
 * @param channel the counter's channel tag
 * @param metricsUrls each instance's {@code /q/metrics}
 */
record InstanceShares(String channel, List<URI> metricsUrls) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Each instance's count now, in the order of {@link #metricsUrls}. */
    double[] snapshot() {
        double[] counts = new double[metricsUrls.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = processed(metricsUrls.get(i));
        }
        return counts;
    }

    /** Each instance's fraction of what all did between two snapshots, e.g. {@code 0.52/0.48}. */
    static String shares(double[] before, double[] after) {
        double total = 0;
        for (int i = 0; i < before.length; i++) {
            total += after[i] - before[i];
        }
        if (total <= 0) {
            return "–";
        }
        double sum = total;
        return java.util.stream.IntStream.range(0, before.length)
                .mapToObj(i -> String.format(Locale.ROOT, "%.2f", (after[i] - before[i]) / sum))
                .collect(Collectors.joining("/"));
    }

    private double processed(URI url) {
        String body;
        try {
            body = HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException("reading " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading " + url, e);
        }
        String tag = "channel=\"" + channel + "\"";
        double count = 0;
        for (String line : body.split("\n")) {
            if (line.startsWith("gradflow_records_processed_total{") && line.contains(tag)) {
                count += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return count;
    }
}

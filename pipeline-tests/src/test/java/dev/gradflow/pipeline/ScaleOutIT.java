package dev.gradflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.kafka.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two instances of each service share one network's job, and when one instance of each is killed for good (no
 * restart), the survivors take over its partitions and every batch is still answered exactly once, bit-identically,
 * with no long pause.
 */
class ScaleOutIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern OK_RECORDS = Pattern.compile(
            "gradflow_records_processed_total\\{channel=\"(batches|tapes)\",outcome=\"ok\"} ([0-9.E]+)");
    private static final Pattern ASSIGNED = Pattern.compile(
            "gradflow_partitions_assigned\\{channel=\"(batches|tapes)\"} ([0-9.E]+)");

    private final Path repository = Path.of(System.getProperty("gradflow.repository.root", ".."));
    private final Duration maxPause = Duration.parse(System.getProperty("gradflow.chaos.max-pause", "PT10S"));

    @Test
    void twoInstancesShareOneNetworksBatchesAndSurvivorsTakeOverFromKilledOnes() throws Exception {
        Path logDir = Files.createTempDirectory("gradflow-scale-kafka");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().logDir(logDir).start()) {
            String bootstrap = broker.bootstrapServers();
            ChaosJob.createTopics(bootstrap);
            ChaosJob job = new ChaosJob(900, 7);
            List<ServiceProcess> services = List.of(
                    ServiceProcess.start(repository, "forward-service", bootstrap, "a"),
                    ServiceProcess.start(repository, "forward-service", bootstrap, "b"),
                    ServiceProcess.start(repository, "gradient-service", bootstrap, "a"),
                    ServiceProcess.start(repository, "gradient-service", bootstrap, "b"));
            AtomicReference<Map<String, GradientRecord>> collected = new AtomicReference<>();
            Thread reader = new Thread(() -> collected.set(job.collect(bootstrap, 900, Duration.ofMinutes(5))),
                    "scale-reader");
            try {
                for (ServiceProcess service : services) {
                    service.awaitReady(Duration.ofSeconds(90));
                }
                for (ServiceProcess service : services) {
                    awaitMetric(service, ASSIGNED, 3, Duration.ofSeconds(60));
                }
                reader.start();
                job.write(bootstrap, job.batches.subList(0, 300), 2);
                awaitAnswers(job, 300, Duration.ofMinutes(2));
                double[] shares = {metric(services.get(0), OK_RECORDS), metric(services.get(1), OK_RECORDS),
                    metric(services.get(2), OK_RECORDS), metric(services.get(3), OK_RECORDS)};

                // One instance of each service dies for good in the middle of the rest of the job.
                Thread writer = new Thread(() -> job.write(bootstrap, job.batches.subList(300, 900), 10),
                        "scale-writer");
                writer.start();
                Thread.sleep(2000);
                services.get(1).kill();
                services.get(2).kill();
                writer.join();
                reader.join();

                Map<String, GradientRecord> answers = collected.get();
                System.out.printf("scale-out: first 300 batches handled %.0f / %.0f (forward a / b), %.0f / %.0f"
                        + " (gradient a / b); after killing forward b and gradient a, %d answers for %d batches,"
                        + " %d duplicates, longest pause %.1f s%n", shares[0], shares[1], shares[2], shares[3],
                        answers.size(), job.batches.size(), job.duplicates(), job.longestPause().toMillis() / 1000.0);
                assertThat(shares[0] + shares[1]).isEqualTo(300);
                assertThat(shares[2] + shares[3]).isEqualTo(300);
                for (double share : shares) {
                    assertThat(share).as("each instance handles at least 30%% of the batches")
                            .isGreaterThanOrEqualTo(90);
                }
                assertThat(job.duplicates()).isZero();
                assertThat(answers).hasSize(900);
                for (BatchRecord batch : job.batches) {
                    assertThat(answers.get(batch.batchId())).isEqualTo(job.expected(batch));
                }
                assertThat(job.longestPause()).as("longest pause between answers").isLessThanOrEqualTo(maxPause);
            } finally {
                for (ServiceProcess service : services) {
                    service.close();
                }
            }
        }
    }

    private static void awaitAnswers(ChaosJob job, int count, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (job.arrivals.size() < count) {
            assertThat(Instant.now()).as("%d answers within %s", count, timeout).isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private static void awaitMetric(ServiceProcess service, Pattern metric, double value, Duration timeout)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (metric(service, metric) != value) {
            assertThat(Instant.now()).as("%s of %s reaches %s", metric.pattern(), service.baseUrl(), value)
                    .isBefore(deadline);
            Thread.sleep(200);
        }
    }

    /** A gauge or counter from the instance's own /q/metrics (each instance counts only its own records). */
    private static double metric(ServiceProcess service, Pattern metric) throws IOException, InterruptedException {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher matcher = metric.matcher(body);
        return matcher.find() ? Double.parseDouble(matcher.group(2)) : 0;
    }
}

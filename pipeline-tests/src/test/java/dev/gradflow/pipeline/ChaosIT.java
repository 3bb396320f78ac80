package dev.gradflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.kafka.broker.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Exactly once under crashes. A job of batches (2,000 by default) is written to {@code batches} while the
 * forward-service and the gradient-service, each its own JVM, are killed with SIGKILL at random moments and
 * restarted with the same instance id. A {@code read_committed} consumer of {@code gradients}, reading while the
 * job runs, must find exactly one answer per batch, none missing, none twice, each bit-identical to the same batch
 * run undisturbed in this JVM, and the answers must never stop for longer than {@code gradflow.chaos.max-pause}.
 *
 * <p>Sizes come from system properties, so {@code scripts/chaos.sh} runs a longer job: {@code gradflow.chaos.batches},
 * {@code gradflow.chaos.kills} (per service), {@code gradflow.chaos.seed}.
 */
class ChaosIT {
    private final Path repository = Path.of(System.getProperty("gradflow.repository.root", ".."));
    private final int batches = Integer.getInteger("gradflow.chaos.batches", 2000);
    private final int kills = Integer.getInteger("gradflow.chaos.kills", 3);
    private final long seed = Long.getLong("gradflow.chaos.seed", 20261126L);
    /**
     * The longest the answers may stop while batches wait: a killed service restarts (a new JVM) and, being the
     * same static group member with the same transactional id, resumes its partitions at once.
     */
    private final Duration maxPause = Duration.parse(System.getProperty("gradflow.chaos.max-pause", "PT10S"));

    @Test
    void everyBatchIsAnsweredExactlyOnceAndBitIdenticallyDespiteKills() throws Exception {
        Path logDir = Files.createTempDirectory("gradflow-chaos-kafka");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().logDir(logDir).start()) {
            String bootstrap = broker.bootstrapServers();
            ChaosJob.createTopics(bootstrap);
            ChaosJob job = new ChaosJob(batches, seed);
            SplittableRandom random = new SplittableRandom(seed);

            // Stable instance ids, as a StatefulSet gives: a restarted service is the same static group member and
            // aborts its predecessor's open transaction at once.
            ServiceProcess[] services = {
                ServiceProcess.start(repository, "forward-service", bootstrap, "chaos-0"),
                ServiceProcess.start(repository, "gradient-service", bootstrap, "chaos-0")
            };
            for (ServiceProcess service : services) {
                service.awaitReady(Duration.ofSeconds(90));
            }
            // The job is spread over the time the kills take.
            long pause = Math.max(0, 2L * kills * 2000 / Math.max(1, batches));
            Thread writer = new Thread(() -> job.write(bootstrap, job.batches, pause), "chaos-writer");
            AtomicReference<Map<String, GradientRecord>> collected = new AtomicReference<>();
            Thread reader = new Thread(() -> collected.set(job.collect(bootstrap, batches, Duration.ofMinutes(10))),
                    "chaos-reader");
            int[] killed = new int[2];
            try {
                reader.start();
                writer.start();
                for (int k = 0; k < 2 * kills; k++) {
                    Thread.sleep(500 + random.nextInt(2500));
                    int which = k % 2;
                    services[which].kill();
                    killed[which]++;
                    Thread.sleep(random.nextInt(1000));
                    services[which] = ServiceProcess.start(repository, which == 0 ? "forward-service"
                            : "gradient-service", bootstrap, "chaos-0");
                    services[which].awaitReady(Duration.ofSeconds(90));
                }
                writer.join();
                reader.join();
            } finally {
                for (ServiceProcess service : services) {
                    service.close();
                }
            }
            Map<String, GradientRecord> answers = collected.get();

            int identical = 0;
            for (BatchRecord batch : job.batches) {
                GradientRecord actual = answers.get(batch.batchId());
                assertThat(actual).as("answer for %s", batch.batchId()).isNotNull();
                assertThat(actual).as("answer for %s is bit-identical", batch.batchId()).isEqualTo(job.expected(batch));
                identical++;
            }
            System.out.printf("chaos: %d batches written, %d answers read (read_committed), %d duplicates, %d missing,"
                    + " %d bit-identical; forward-service killed %d times, gradient-service %d times; longest pause"
                    + " between answers %.1f s%n", job.written.get(), job.answersRead(), job.duplicates(),
                    batches - answers.size(), identical, killed[0], killed[1], job.longestPause().toMillis() / 1000.0);
            assertThat(job.duplicates()).as("duplicate answers").isZero();
            assertThat(answers).hasSize(batches);
            assertThat(killed).containsExactly(kills, kills);
            assertThat(job.longestPause()).as("longest pause between answers (gradflow.chaos.max-pause)")
                    .isLessThanOrEqualTo(maxPause);
        }
    }

    @Test
    void aBrokerRestartInTheMiddleOfAJobLosesNothing() throws Exception {
        Path logDir = Files.createTempDirectory("gradflow-restart-kafka");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().logDir(logDir).start();
        int brokerPort = broker.brokerPort();
        int controllerPort = broker.controllerPort();
        String bootstrap = broker.bootstrapServers();
        int size = Math.max(200, batches / 5);
        ChaosJob job = new ChaosJob(size, seed + 1);
        ServiceProcess forward = ServiceProcess.start(repository, "forward-service", bootstrap);
        ServiceProcess gradient = ServiceProcess.start(repository, "gradient-service", bootstrap);
        Map<String, GradientRecord> answers;
        try {
            forward.awaitReady(Duration.ofSeconds(90));
            gradient.awaitReady(Duration.ofSeconds(90));
            job.write(bootstrap, job.batches.subList(0, size / 2), 2);
            broker.close();
            Thread.sleep(2000);
            broker = EmbeddedKafkaBroker.builder().logDir(logDir).brokerPort(brokerPort)
                    .controllerPort(controllerPort).start();
            job.write(bootstrap, job.batches.subList(size / 2, size), 2);
            answers = job.collect(bootstrap, size, Duration.ofMinutes(3));
            System.out.printf("broker restart: %d batches written, %d answers read (read_committed), %d duplicates,"
                    + " %d missing%n", job.written.get(), job.answersRead(), job.duplicates(), size - answers.size());
        } finally {
            forward.close();
            gradient.close();
            broker.close();
        }
        assertThat(forward.isAlive()).isFalse();
        assertThat(job.duplicates()).isZero();
        assertThat(answers).hasSize(size);
        for (BatchRecord batch : job.batches) {
            assertThat(answers.get(batch.batchId())).isEqualTo(job.expected(batch));
        }
    }
}

package dev.gradflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.kafka.broker.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Exactly once under crashes. A job of batches (2,000 by default) is written to {@code batches} while the
 * forward-service and the gradient-service, each its own JVM, are killed with SIGKILL at random moments and
 * restarted. A {@code read_committed} consumer of {@code gradients} must then find exactly one answer per batch,
 * none missing, none twice, each bit-identical to the same batch run undisturbed in this JVM. The network has a
 * dropout layer, so a replayed batch must also draw the same mask.
 *
 * <p>Sizes come from system properties, so {@code scripts/chaos.sh} runs a longer job: {@code gradflow.chaos.batches},
 * {@code gradflow.chaos.kills} (per service), {@code gradflow.chaos.seed}.
 */
class ChaosIT {
    private static final String NETWORK_ID = "chaos-network";
    private static final String DEFINITION = """
            {"kind": "layers", "dtype": "float64", "inputSize": 6, "seed": 11,
             "layers": [{"type": "dense", "units": 32, "activation": "relu"},
                        {"type": "dropout", "rate": 0.25},
                        {"type": "dense", "units": 16, "activation": "tanh"},
                        {"type": "dense", "units": 4}],
             "loss": "softmax-cross-entropy"}""";

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
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic("batches", 6, (short) 1), new NewTopic("tapes", 6, (short) 1),
                        new NewTopic("gradients", 6, (short) 1), new NewTopic("network-definitions", 1, (short) 1)))
                        .all().get();
            }
            CompiledGraph graph = GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT)
                    .parse(new ObjectMapper().readValue(DEFINITION, Object.class)), Limits.DEFAULT);
            SplittableRandom random = new SplittableRandom(seed);
            List<BatchRecord> job = new ArrayList<>();
            for (int i = 0; i < batches; i++) {
                job.add(batch(i, random));
            }

            // Stable instance ids, as a StatefulSet gives: a restarted service is the same static group member and
            // aborts its predecessor's open transaction at once.
            ServiceProcess[] services = {
                ServiceProcess.start(repository, "forward-service", bootstrap, "chaos-0"),
                ServiceProcess.start(repository, "gradient-service", bootstrap, "chaos-0")
            };
            for (ServiceProcess service : services) {
                service.awaitReady(Duration.ofSeconds(90));
            }
            AtomicInteger written = new AtomicInteger();
            Thread writer = new Thread(() -> write(bootstrap, job, written), "chaos-writer");
            // Answers are read while the job runs, so the time each one arrived shows how long answers paused.
            List<Instant> arrivals = new ArrayList<>();
            AtomicReference<Map<String, GradientRecord>> collected = new AtomicReference<>();
            Thread reader = new Thread(() -> collected.set(collect(bootstrap, Duration.ofMinutes(10), arrivals)),
                    "chaos-reader");
            Map<String, GradientRecord> answers;
            int[] killed = new int[2];
            try {
                reader.start();
                writer.start();
                // Kill at random moments while the job is being written and processed.
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
                answers = collected.get();
            } finally {
                for (ServiceProcess service : services) {
                    service.close();
                }
            }

            int identical = 0;
            for (BatchRecord batch : job) {
                GradientRecord expected = GradientRecord.ok(batch.batchId(), NETWORK_ID, BackwardPass.run(
                        ForwardPass.record(graph, batch.tensors(), batch.seed())));
                GradientRecord actual = answers.get(batch.batchId());
                assertThat(actual).as("answer for %s", batch.batchId()).isNotNull();
                assertThat(actual).as("answer for %s is bit-identical", batch.batchId()).isEqualTo(expected);
                identical++;
            }
            Duration longestPause = longestGap(arrivals);
            System.out.printf("chaos: %d batches written, %d answers read (read_committed), %d duplicates, %d missing,"
                    + " %d bit-identical; forward-service killed %d times, gradient-service %d times; longest pause"
                    + " between answers %.1f s%n", written.get(), answerCount, duplicates, batches - answers.size(),
                    identical, killed[0], killed[1], longestPause.toMillis() / 1000.0);
            assertThat(duplicates).as("duplicate answers").isZero();
            assertThat(answers).hasSize(batches);
            assertThat(killed).containsExactly(kills, kills);
            assertThat(longestPause).as("longest pause between answers (gradflow.chaos.max-pause)")
                    .isLessThanOrEqualTo(maxPause);
        }
    }

    /** The longest time between two consecutive new answers, from the first answer to the last. */
    private static Duration longestGap(List<Instant> arrivals) {
        Duration longest = Duration.ZERO;
        for (int i = 1; i < arrivals.size(); i++) {
            Duration gap = Duration.between(arrivals.get(i - 1), arrivals.get(i));
            if (gap.compareTo(longest) > 0) {
                longest = gap;
            }
        }
        return longest;
    }

    private int answerCount;
    private int duplicates;

    @Test
    void aBrokerRestartInTheMiddleOfAJobLosesNothing() throws Exception {
        Path logDir = Files.createTempDirectory("gradflow-restart-kafka");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().logDir(logDir).start();
        int brokerPort = broker.brokerPort();
        int controllerPort = broker.controllerPort();
        String bootstrap = broker.bootstrapServers();
        CompiledGraph graph = GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT)
                .parse(new ObjectMapper().readValue(DEFINITION, Object.class)), Limits.DEFAULT);
        SplittableRandom random = new SplittableRandom(seed + 1);
        int size = Math.max(200, batches / 5);
        List<BatchRecord> job = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            job.add(batch(i, random));
        }
        ServiceProcess forward = ServiceProcess.start(repository, "forward-service", bootstrap);
        ServiceProcess gradient = ServiceProcess.start(repository, "gradient-service", bootstrap);
        Map<String, GradientRecord> answers;
        try {
            forward.awaitReady(Duration.ofSeconds(90));
            gradient.awaitReady(Duration.ofSeconds(90));
            AtomicInteger written = new AtomicInteger();
            write(bootstrap, job.subList(0, size / 2), written);
            broker.close();
            Thread.sleep(2000);
            broker = EmbeddedKafkaBroker.builder().logDir(logDir).brokerPort(brokerPort)
                    .controllerPort(controllerPort).start();
            write(bootstrap, job.subList(size / 2, size), written);
            batchesExpected = size;
            answers = collect(bootstrap, Duration.ofMinutes(3), new ArrayList<>());
            System.out.printf("broker restart: %d batches written, %d answers read (read_committed), %d duplicates,"
                    + " %d missing%n", written.get(), answerCount, duplicates, size - answers.size());
        } finally {
            forward.close();
            gradient.close();
            broker.close();
        }
        assertThat(forward.isAlive()).isFalse();
        assertThat(duplicates).isZero();
        assertThat(answers).hasSize(size);
        for (BatchRecord batch : job) {
            assertThat(answers.get(batch.batchId())).isEqualTo(GradientRecord.ok(batch.batchId(), NETWORK_ID,
                    BackwardPass.run(ForwardPass.record(graph, batch.tensors(), batch.seed()))));
        }
    }

    private int batchesExpected = -1;

    private static BatchRecord batch(int index, SplittableRandom random) {
        int rows = 8;
        double[] x = new double[rows * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble(-2, 2);
        }
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = random.nextInt(4);
        }
        return new BatchRecord("chaos-" + index, NETWORK_ID, Map.of("x", Tensor.of(new int[] {rows, 6}, x),
                "y", Tensor.vector(y)));
    }

    /** The definition, then the job, at a pace that spreads it over the kills. */
    private void write(String bootstrap, List<BatchRecord> job, AtomicInteger written) {
        Properties properties = new Properties();
        properties.put("bootstrap.servers", bootstrap);
        properties.put("acks", "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(properties, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("network-definitions", NETWORK_ID,
                    DEFINITION.getBytes(StandardCharsets.UTF_8))).get();
            long pause = batchesExpected > 0 ? 2 : Math.max(0, 2L * kills * 2000 / Math.max(1, job.size()));
            for (BatchRecord batch : job) {
                producer.send(new ProducerRecord<>("batches", NETWORK_ID + "-" + (written.get() % 7), batch.encode()));
                written.incrementAndGet();
                if (pause > 0) {
                    Thread.sleep(pause);
                }
            }
            producer.flush();
        } catch (Exception e) {
            throw new IllegalStateException("writing the job failed", e);
        }
    }

    /** Every committed answer until all batches are answered and nothing new arrives for a few seconds. */
    private Map<String, GradientRecord> collect(String bootstrap, Duration timeout, List<Instant> arrivals) {
        Properties properties = new Properties();
        properties.put("bootstrap.servers", bootstrap);
        properties.put("group.id", "chaos-check-" + System.nanoTime());
        properties.put("auto.offset.reset", "earliest");
        properties.put("isolation.level", "read_committed");
        properties.put("enable.auto.commit", "false");
        Map<String, GradientRecord> answers = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("gradients"));
            Instant deadline = Instant.now().plus(timeout);
            Instant quietUntil = null;
            while (Instant.now().isBefore(deadline)) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, byte[]> record : records) {
                    GradientRecord answer = GradientRecord.decode(record.value());
                    answerCount++;
                    if (answers.put(answer.batchId(), answer) != null) {
                        duplicates++;
                    } else {
                        arrivals.add(Instant.now());
                    }
                }
                if (answers.size() >= (batchesExpected > 0 ? batchesExpected : batches)) {
                    if (!records.isEmpty() || quietUntil == null) {
                        quietUntil = Instant.now().plusSeconds(5);
                    } else if (Instant.now().isAfter(quietUntil)) {
                        break;
                    }
                }
            }
        }
        return answers;
    }
}

package dev.gradflow.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.Classification;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.Tape;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.kafka.broker.TopicsReady;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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

/**
 * A job for the crash tests: a network with a dropout layer (so a replayed batch must also draw the same mask),
 * its batches, a writer that spreads them over time, and a {@code read_committed} reader that records when each
 * answer arrived, so a test can see how long the answers paused.
 */
final class ChaosJob {
    static final String NETWORK_ID = "chaos-network";
    static final String DEFINITION = """
            {"kind": "layers", "dtype": "float64", "inputSize": 6, "seed": 11,
             "layers": [{"type": "dense", "units": 32, "activation": "relu"},
                        {"type": "dropout", "rate": 0.25},
                        {"type": "dense", "units": 16, "activation": "tanh"},
                        {"type": "dense", "units": 4}],
             "loss": "softmax-cross-entropy"}""";

    final List<BatchRecord> batches = new ArrayList<>();
    final AtomicInteger written = new AtomicInteger();
    /** When each new answer arrived, in order. */
    final List<Instant> arrivals = new CopyOnWriteArrayList<>();
    private final CompiledGraph graph;
    private volatile int answersRead;
    private volatile int duplicates;

    ChaosJob(int size, long seed) {
        try {
            graph = GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT)
                    .parse(new ObjectMapper().readValue(DEFINITION, Object.class)), Limits.DEFAULT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            batches.add(batch(i, random));
        }
    }

    /** The data topics with six partitions each, as the bundled broker creates them. */
    static void createTopics(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            TopicsReady.create(admin, Duration.ofSeconds(60), List.of(new NewTopic("batches", 6, (short) 1),
                    new NewTopic("tapes", 6, (short) 1), new NewTopic("gradients", 6, (short) 1),
                    new NewTopic("network-definitions", 1, (short) 1)));
        }
    }

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

    /** The answer an undisturbed run gives, computed in this JVM, with its count of rows classified correctly. */
    GradientRecord expected(BatchRecord batch) {
        Tape tape = ForwardPass.record(graph, batch.tensors(), batch.seed());
        return GradientRecord.ok(batch.batchId(), NETWORK_ID, BackwardPass.run(tape), Classification.correct(tape));
    }

    /** The definition, then {@code part} of the job keyed by batch id, pausing {@code pauseMillis} after each. */
    void write(String bootstrap, List<BatchRecord> part, long pauseMillis) {
        Properties properties = new Properties();
        properties.put("bootstrap.servers", bootstrap);
        properties.put("acks", "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(properties, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("network-definitions", NETWORK_ID,
                    DEFINITION.getBytes(StandardCharsets.UTF_8))).get();
            for (BatchRecord batch : part) {
                producer.send(new ProducerRecord<>("batches", batch.batchId(), batch.encode()));
                written.incrementAndGet();
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
            producer.flush();
        } catch (Exception e) {
            throw new IllegalStateException("writing the job failed", e);
        }
    }

    /**
     * Every committed answer, read from the start of {@code gradients} until {@code expected} batches are answered
     * and nothing new arrives for five seconds, or the timeout passes.
     */
    Map<String, GradientRecord> collect(String bootstrap, int expected, Duration timeout) {
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
                var records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, byte[]> record : records) {
                    GradientRecord answer = GradientRecord.decode(record.value());
                    answersRead++;
                    if (answers.put(answer.batchId(), answer) != null) {
                        duplicates++;
                    } else {
                        arrivals.add(Instant.now());
                    }
                }
                if (answers.size() >= expected) {
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

    int answersRead() {
        return answersRead;
    }

    int duplicates() {
        return duplicates;
    }

    /** The longest time between two consecutive new answers, from the first answer to the last. */
    Duration longestPause() {
        Duration longest = Duration.ZERO;
        for (int i = 1; i < arrivals.size(); i++) {
            Duration gap = Duration.between(arrivals.get(i - 1), arrivals.get(i));
            if (gap.compareTo(longest) > 0) {
                longest = gap;
            }
        }
        return longest;
    }
}

package dev.gradflow.benchmarks.transport;

import com.sun.management.OperatingSystemMXBean;
import dev.gradflow.benchmarks.NetworkCase;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.core.wire.TapeRecord;
import dev.gradflow.exactlyonce.ExactlyOnceStream;
import dev.gradflow.exactlyonce.Outcome;
import dev.gradflow.exactlyonce.StreamSettings;
import dev.gradflow.kafka.broker.TopicsReady;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the pipeline's Kafka transport alone costs for one network's records, and so how fast the pipeline could
 * at most answer on this machine: the same two exactly-once hops as the services, moving the same bytes, with no
 * engine in between.
 *
 * <p>For each case it builds one real batch record, and, with the engine, that batch's real tape and gradient
 * records. It first times the engine alone (forward pass and backward pass in a loop, the services' work) for its
 * batches per second and CPU time per batch. Then, on fresh topics with the services' partition count, it runs
 * two {@link ExactlyOnceStream}s with the services' settings: batches → tapes, whose handler decodes the batch
 * and encodes the tape, and tapes → gradients, whose handler decodes the tape and encodes the gradient record,
 * as the services do around the engine; one {@code read_committed} reader decodes every gradient record, as the
 * gateway does; and a driver keeps {@code --window} batches unanswered (by default 1,024 for tapes under 1 MB, 16
 * for larger ones, as {@code benchmarks/pipeline.sh} is run for them) and counts the answers. After the warm-up
 * it counts answers for {@code --duration} and the CPU time of this JVM and of the broker ({@code --broker-pid}).
 * Last, with everything warm, it sends {@code --batches} batches one at a time, each after the previous answer,
 * and times each from its send to its answer: the two hops' latency with nothing queued and no engine.
 *
 * <p>Everything but the broker shares one JVM here (in the pipeline they are four, each with its own compilers),
 * so this is a generous ceiling. The bound it prints divides the machine's cores by the CPU time a batch needs:
 * the transport's (this JVM's and the broker's, per answered batch) plus the engine's.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.gradflow.benchmarks.transport.TransportCeiling
 * --bootstrap 127.0.0.1:9092 [--broker-pid PID] [--cases 784-256-128-10/256/float32,...] [--warmup 30]
 * [--duration 15] [--window N] [--batches 50] [--recompute-max-work-per-byte 4]}; {@code benchmarks/transport.sh}
 * starts the broker and runs it. The tape is written as the forward-service writes it, its cheap outputs as
 * recipes (the last option, the forward-service's {@code gradflow.forward.recompute-max-work-per-byte}; 0 sends
 * every saved tensor), and decoding it recomputes them, as the gradient-service does.
 */
public final class TransportCeiling {
    private static final int PARTITIONS = 6;
    private static final String MAX_MESSAGE_BYTES = String.valueOf(64 * 1024 * 1024);
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    /**
     * The driver's producers are not idempotent. Writing to topics created a moment before, an idempotent producer
     * was answered {@code NOT_LEADER_OR_FOLLOWER} for a partition the broker had already described with its leader,
     * then retried its first batch forever against {@code OUT_OF_ORDER_SEQUENCE_NUMBER} (twice, once after
     * {@link TopicsReady} had returned). A retried batch may be written twice here; that is one more answer, which
     * only widens the window by one.
     */
    private static final String NOT_IDEMPOTENT = "false";

    private TransportCeiling() {
    }

    /** One case's measurements. */
    record Row(String label, int batchBytes, int tapeBytes, int gradientBytes, double engineRate,
            double engineCpuMillis, double transportRate, double clientCpuMillis, double brokerCpuMillis,
            double idleP50Millis, double idleP99Millis) {

        double boundRate(int cores) {
            return cores * 1000.0 / (clientCpuMillis + brokerCpuMillis + engineCpuMillis);
        }
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = null;
        long brokerPid = -1;
        List<String> cases = List.of("2-64-3/300/float64", "784-256-128-10/256/float32",
                "784-256-128-10/256/float64");
        Duration warmup = Duration.ofSeconds(30);
        Duration duration = Duration.ofSeconds(15);
        int window = 0; // chosen per case
        int oneAtATime = 50;
        double recompute = 4; // the forward-service's gradflow.forward.recompute-max-work-per-byte
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : usage("missing value for " + args[i]);
            switch (args[i]) {
                case "--bootstrap" -> bootstrap = value;
                case "--broker-pid" -> brokerPid = Long.parseLong(value);
                case "--cases" -> cases = List.of(value.split(","));
                case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(value));
                case "--duration" -> duration = Duration.ofSeconds(Long.parseLong(value));
                case "--window" -> window = Integer.parseInt(value);
                case "--batches" -> oneAtATime = Integer.parseInt(value);
                case "--recompute-max-work-per-byte" -> recompute = Double.parseDouble(value);
                default -> usage("unknown option " + args[i]);
            }
        }
        if (bootstrap == null) {
            usage("--bootstrap is required");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Row row = measure(bootstrap, brokerPid, cases.get(i), "transport-" + i, warmup, duration, window,
                    oneAtATime, recompute);
            System.err.printf(Locale.ROOT, "%s: %s%n", cases.get(i), row);
            rows.add(row);
        }
        System.out.println("| case | batch bytes | tape bytes | gradient bytes | transport alone, batches/s "
                + "| transport CPU ms a batch: streams and readers / broker | engine alone, batches/s "
                + "| engine CPU ms a batch | at most, batches/s (" + cores + " cores / CPU a batch) "
                + "| at most / engine | one at a time: p50 / p99 ms |");
        System.out.println("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        for (Row row : rows) {
            System.out.printf(Locale.ROOT,
                    "| %s | %,d | %,d | %,d | %,.1f | %.1f / %s | %,.1f | %.1f | %,.1f | %.2f | %.1f / %.1f |%n",
                    row.label(), row.batchBytes(), row.tapeBytes(), row.gradientBytes(), row.transportRate(),
                    row.clientCpuMillis(), row.brokerCpuMillis() < 0 ? "–" : String.format(Locale.ROOT, "%.1f",
                            row.brokerCpuMillis()), row.engineRate(), row.engineCpuMillis(), row.boundRate(cores),
                    row.boundRate(cores) / row.engineRate(), row.idleP50Millis(), row.idleP99Millis());
        }
    }

    private static Row measure(String bootstrap, long brokerPid, String label, String prefix, Duration warmup,
            Duration duration, int requestedWindow, int oneAtATime, double recompute) throws Exception {
        String[] parts = label.split("/");
        if (parts.length != 3) {
            usage("a case is widths/batch/dtype, e.g. 784-256-128-10/256/float32: " + label);
        }
        NetworkCase network = NetworkCase.parse(parts[0] + "/" + parts[1]);
        DType dtype = DType.fromLabel(parts[2]);
        CompiledGraph graph = network.compile(dtype);
        Map<String, Tensor> feeds = network.feeds(dtype, 42);
        byte[] batch = new BatchRecord("batch-1", "network-1", feeds).encode();
        // The tape as the forward-service writes it, with its recipes: decoding it replays them, as the
        // gradient-service does.
        ForwardPass.Recorded recorded = ForwardPass.recordWithValues(graph, feeds, 0);
        byte[] tape = TapeRecord.ok("batch-1", "network-1", recorded.tape())
                .encodeRecomputing(recorded.values(), recompute);
        GradientRecord gradients = GradientRecord.ok("batch-1", "network-1", BackwardPass.run(recorded.tape()));
        int samples = network.batch();

        double[] engine = engine(graph, feeds);

        String batches = prefix + "-batches";
        String tapes = prefix + "-tapes";
        String answers = prefix + "-gradients";
        Map<String, Object> client = Map.of("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(client)) {
            // Written to at once: a producer that meets a partition the broker has not loaded yet can be left
            // retrying forever (out-of-order sequence numbers), so every partition must have its leader first.
            Map<String, String> large = Map.of("max.message.bytes", MAX_MESSAGE_BYTES);
            TopicsReady.create(admin, Duration.ofSeconds(60), List.of(batches, tapes, answers,
                    batches + "-dead-letters", tapes + "-dead-letters").stream()
                    .map(name -> new NewTopic(name, PARTITIONS, (short) 1).configs(large)).toList());
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Map<String, String> uncompressed = Map.of("compression.type", "none");
        StreamSettings forward = withProducer(StreamSettings.defaults(batches, tapes, batches + "-dead-letters",
                prefix + "-forward"), uncompressed);
        StreamSettings backward = withProducer(StreamSettings.defaults(tapes, answers, tapes + "-dead-letters",
                prefix + "-gradient"), uncompressed);
        AtomicLong answered = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicBoolean driving = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        // Small records need many in flight to fill a transaction and the cores; large ones fill them with few.
        int window = requestedWindow > 0 ? requestedWindow : tape.length < (1 << 20) ? 1024 : 16;
        Semaphore unanswered = new Semaphore(window);
        // While one batch at a time is timed, when each answer arrived.
        BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        List<Thread> threads = new ArrayList<>();
        try (ExactlyOnceStream forwardStream = ExactlyOnceStream.start(forward, client, Optional.of(prefix + "-f"),
                record -> {
                    BatchRecord.decode(record.value());
                    return Outcome.Answer.ok(record.key(), tape, samples);
                }, meters);
                ExactlyOnceStream gradientStream = ExactlyOnceStream.start(backward, client,
                        Optional.of(prefix + "-g"), record -> {
                            TapeRecord.decode(record.value());
                            return Outcome.Answer.ok("network-1", gradients.encode(), samples);
                        }, meters)) {
            // The gateway's reader: decodes every answer, as its result store does.
            threads.add(reader(bootstrap, answers, running, value -> GradientRecord.decode(value)));
            // The driver's reader: counts the answers and frees the window.
            threads.add(reader(bootstrap, answers, running, value -> {
                if (loading.get()) {
                    answered.incrementAndGet();
                    unanswered.release();
                } else {
                    arrivals.add(System.nanoTime());
                }
            }));
            Thread driver = driver(bootstrap, batches, batch, driving, sent, unanswered);
            threads.add(driver);
            threads.forEach(Thread::start);

            sleep(warmup);
            long answeredBefore = answered.get();
            long clientCpuBefore = processCpuNanos();
            long brokerTicksBefore = brokerTicks(brokerPid);
            long start = System.nanoTime();
            sleep(duration);
            double seconds = (System.nanoTime() - start) / 1e9;
            long count = answered.get() - answeredBefore;
            double clientCpuMillis = (processCpuNanos() - clientCpuBefore) / 1e6 / count;
            double brokerCpuMillis = brokerPid < 0 ? -1
                    : (brokerTicks(brokerPid) - brokerTicksBefore) * 1000.0 / CLOCK_TICKS_PER_SECOND / count;

            // Then, with every JVM warm, one batch at a time: the two hops' latency with nothing queued.
            driving.set(false);
            unanswered.release(window);
            driver.join(30_000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (answered.get() < sent.get()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException((sent.get() - answered.get()) + " batches unanswered after 90 s");
                }
                Thread.sleep(10);
            }
            loading.set(false);
            double[] latencies = oneAtATime(bootstrap, batches, batch, arrivals, oneAtATime);
            running.set(false);
            for (Thread thread : threads) {
                thread.join(30_000);
            }
            return new Row(label + " (window " + window + ")", batch.length, tape.length,
                    gradients.encode().length, engine[0], engine[1], count / seconds, clientCpuMillis, brokerCpuMillis, percentile(latencies, 0.50),
                    percentile(latencies, 0.99));
        }
    }

    /** The engine alone on this JVM, nothing else running: batches per second and CPU milliseconds per batch. */
    private static double[] engine(CompiledGraph graph, Map<String, Tensor> feeds) {
        loop(graph, feeds, 5_000_000_000L);
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        long count = loop(graph, feeds, 5_000_000_000L);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new double[] {count / seconds, (processCpuNanos() - cpuBefore) / 1e6 / count};
    }

    private static long loop(CompiledGraph graph, Map<String, Tensor> feeds, long nanos) {
        long start = System.nanoTime();
        long count = 0;
        double sink = 0;
        do {
            sink += BackwardPass.run(ForwardPass.record(graph, feeds)).output().item();
            count++;
        } while (System.nanoTime() - start < nanos);
        if (!Double.isFinite(sink)) {
            throw new IllegalStateException("the engine's loss is not finite");
        }
        return count;
    }

    private static Thread driver(String bootstrap, String topic, byte[] batch, AtomicBoolean running,
            AtomicLong sent, Semaphore unanswered) {
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", "0",
                "compression.type", "none", "max.request.size", MAX_MESSAGE_BYTES, "buffer.memory",
                String.valueOf(256L << 20), "enable.idempotence", NOT_IDEMPOTENT);
        Thread thread = new Thread(() -> {
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                    new ByteArraySerializer())) {
                while (running.get()) {
                    unanswered.acquireUninterruptibly();
                    if (running.get()) {
                        // Keyed by batch id, as the pipeline benchmark does, so batches spread over partitions.
                        producer.send(new ProducerRecord<>(topic, "batch-" + sent.getAndIncrement(), batch));
                    }
                }
            }
        }, "driver");
        thread.setDaemon(true); // an exception in main must end the JVM
        return thread;
    }

    /** Sends {@code count} batches, each after the previous one's answer: ms from each send to its answer. */
    private static double[] oneAtATime(String bootstrap, String topic, byte[] batch, BlockingQueue<Long> arrivals,
            int count) throws InterruptedException {
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", "0",
                "compression.type", "none", "max.request.size", MAX_MESSAGE_BYTES, "enable.idempotence",
                NOT_IDEMPOTENT);
        double[] millis = new double[count];
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            // The first few are not timed: the new producer fetches metadata and connects.
            for (int i = -5; i < count; i++) {
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, "one-" + i, batch));
                Long arrival = arrivals.poll(90, TimeUnit.SECONDS);
                if (arrival == null) {
                    throw new IllegalStateException("no answer to a single batch after 90 s");
                }
                if (i >= 0) {
                    millis[i] = (arrival - start) / 1e6;
                }
            }
        }
        Arrays.sort(millis);
        return millis;
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static Thread reader(String bootstrap, String topic, AtomicBoolean running,
            java.util.function.Consumer<byte[]> onAnswer) {
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed",
                "enable.auto.commit", "false", "max.partition.fetch.bytes", MAX_MESSAGE_BYTES, "fetch.max.bytes",
                MAX_MESSAGE_BYTES);
        Thread thread = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (PartitionInfo info : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (running.get()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        onAnswer.accept(record.value());
                    }
                }
            }
        }, "reader");
        thread.setDaemon(true);
        return thread;
    }

    private static StreamSettings withProducer(StreamSettings settings, Map<String, String> producer) {
        return new StreamSettings.Values(settings.inputTopic(), settings.outputTopic(), settings.deadLetterTopic(),
                settings.groupId(), settings.maxRecordsPerTransaction(), settings.maxBytesPerTransaction(),
                settings.maxInFlightRecords(), settings.maxInFlightBytes(), settings.idlePoll(),
                settings.sessionTimeout(), settings.heartbeatInterval(), settings.transactionTimeout(),
                settings.consumer(), producer);
    }

    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The broker's user and system CPU time in clock ticks, from {@code /proc/<pid>/stat}; 0 without a pid. */
    private static long brokerTicks(long pid) throws IOException {
        if (pid < 0) {
            return 0;
        }
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    private static String usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: TransportCeiling --bootstrap HOST:PORT [--broker-pid PID] [--cases "
                + "widths/batch/dtype,...] [--warmup S] [--duration S] [--window N] [--batches N]");
        System.exit(2);
        return problem;
    }
}

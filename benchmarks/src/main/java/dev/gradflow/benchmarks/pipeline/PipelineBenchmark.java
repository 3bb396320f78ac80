package dev.gradflow.benchmarks.pipeline;

import dev.gradflow.core.tensor.MatrixKernels;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Measures a running gradflow pipeline and prints one markdown table. {@code benchmarks/pipeline.sh} starts the
 * stack and calls this with its addresses; it can also be pointed at a stack of one's own.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.gradflow.benchmarks.pipeline.PipelineBenchmark \
 *   --bootstrap 127.0.0.1:9092 --gateway http://127.0.0.1:8080 \
 *   --forward-metrics http://127.0.0.1:8081/q/metrics --gradient-metrics http://127.0.0.1:8082/q/metrics \
 *   [--cases neuron-rest,neuron,2-64-3/300/float64,...] [--duration 20] [--warmup 60] [--batches 50]
 *   [--window 16] [--clients 8] [--examples examples] [--out dir] [--client-properties admin.properties]
 * </pre>
 *
 * <p>Per case: the network is registered (on {@code network-definitions}, or through {@code POST /networks} for
 * the REST case); for {@code --warmup} seconds batches go as fast as the pipeline answers them, at most
 * {@code --window} unanswered, and nothing is counted: this warms every JVM of the stack; then
 * {@code --batches} batches go one at a time (latency when idle); then, after a {@value #RAMP_SECONDS} s ramp,
 * for {@code --duration} seconds batches go as fast as the pipeline answers them again (throughput, and latency
 * under load); the REST case does the same from {@code --clients} concurrent HTTP clients. Then come the size of
 * the case's tapes and each instance's share of the loaded batches. The in-process engine on each case's batch
 * is measured first, before any load, while the stack is idle and its JVMs are not compiling.
 * Everything not given has a default.
 *
 * <p>Why a long warm-up under load (60 s by default): every JVM of the stack (the broker, the services, the
 * gateway) keeps compiling for minutes. Measured on 2 cores during the loaded seconds of 784-256-128-10 float32,
 * a minute and a half after start, the C2 compiler threads of the five JVMs together used 0.64 of the 2 cores;
 * and two runs one after the other answered the single neuron at 2,424 and 2-64-3 at 322 batches/s after a 5 s
 * warm-up, against 3,722 and 422 after a 60 s one (README, speed section). A benchmark of cold JVMs measures
 * their compilers.
 */
public final class PipelineBenchmark {
    private static final Duration ENGINE_WARMUP = Duration.ofSeconds(5);
    private static final int ENGINE_WINDOWS = 5;
    private static final Duration ENGINE_WINDOW = Duration.ofSeconds(1);
    /** Load before the measured seconds of throughput, after the idle latency: the window fills again. */
    private static final int RAMP_SECONDS = 3;

    private PipelineBenchmark() {
    }

    /** The Kafka client logs through slf4j-simple; only its warnings matter here. Call before any client exists. */
    static void quietLogging() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
    }

    public static void main(String[] args) throws Exception {
        quietLogging();
        Map<String, String> options = options(args);
        Properties client = clientProperties(required(options, "bootstrap"), options.get("client-properties"));
        List<PipelineCase> cases = new ArrayList<>();
        Path examples = Path.of(options.getOrDefault("examples", "examples"));
        for (String label : list(options.getOrDefault("cases", String.join(",", PipelineCase.DEFAULT_LABELS)))) {
            cases.add(PipelineCase.parse(label, examples));
        }
        Duration duration = seconds(options, "duration", "20", 1);
        Duration warmup = seconds(options, "warmup", "60", 0);
        int batches = Integer.parseInt(options.getOrDefault("batches", "50"));
        int window = Integer.parseInt(options.getOrDefault("window", "16"));
        int clients = Integer.parseInt(options.getOrDefault("clients", "8"));
        URI gateway = options.containsKey("gateway") ? URI.create(options.get("gateway")) : null;
        InstanceShares forward = new InstanceShares("batches", urls(options.get("forward-metrics")));
        InstanceShares gradient = new InstanceShares("tapes", urls(options.get("gradient-metrics")));
        if (gateway == null && cases.stream().anyMatch(PipelineCase::rest)) {
            throw new IllegalArgumentException("--gateway is needed for the REST case");
        }

        String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String heading = heading(cases, forward, gradient, duration, warmup, batches, window, clients,
                client.getProperty("security.protocol", "PLAINTEXT"));
        System.out.print(heading);
        List<CaseResult> results = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        double[] engineRates = new double[cases.size()];
        for (int i = 0; i < cases.size(); i++) {
            engineRates[i] = EngineRate.batchesPerSecond(cases.get(i), ENGINE_WARMUP, ENGINE_WINDOWS,
                    ENGINE_WINDOW);
            System.out.printf(Locale.ROOT, "==> engine in process, %s: %.0f batches/s%n", cases.get(i).title(),
                    engineRates[i]);
        }
        try (KafkaProducer<String, byte[]> producer = producer(client); Answers answers = new Answers(client)) {
            TapeSizes tapes = new TapeSizes(client);
            for (int i = 0; i < cases.size(); i++) {
                PipelineCase pipelineCase = cases.get(i);
                System.out.printf("==> %s (%s)%n", pipelineCase.title(), pipelineCase.label());
                tapes.mark();
                String networkId;
                Load.Submitter submitter;
                if (pipelineCase.rest()) {
                    networkId = RestSubmitter.register(http, gateway, pipelineCase.definitionJson());
                    submitter = new RestSubmitter(http, answers, gateway, networkId, pipelineCase.batchJson());
                } else {
                    networkId = "bench-" + runId + "-" + i;
                    producer.send(new ProducerRecord<>("network-definitions", networkId,
                            pipelineCase.definitionJson())).get(60, TimeUnit.SECONDS);
                    submitter = new TopicSubmitter(producer, answers, pipelineCase, networkId);
                }
                results.add(run(pipelineCase, networkId, submitter, answers, tapes, forward, gradient,
                        batches, pipelineCase.rest() ? clients : 1, window, warmup, duration, engineRates[i]));
                if (pipelineCase.rest()) {
                    System.out.println("    GET /batches/{id} of one of them: "
                            + ((RestSubmitter) submitter).oneResult(gateway));
                }
            }
        }
        String table = ResultTable.render(heading, results, window);
        System.out.println();
        System.out.print(table);
        if (options.containsKey("out")) {
            Path out = Path.of(options.get("out"));
            Files.createDirectories(out);
            Files.writeString(out.resolve("table.md"), table, StandardCharsets.UTF_8);
        }
    }

    private static CaseResult run(PipelineCase pipelineCase, String networkId, Load.Submitter submitter,
            Answers answers, TapeSizes tapes, InstanceShares forward, InstanceShares gradient, int batches,
            int threads, int window, Duration warmup, Duration duration, double engine) throws Exception {
        // The first batches also wait for the services to learn the network.
        int idleWarmup = Math.max(3, batches / 10);
        Load.oneAtATime(submitter, idleWarmup, 0);
        Load.warmUp(submitter, threads, window, warmup);
        long[] idle = Load.oneAtATime(submitter, idleWarmup, batches);
        System.out.printf(Locale.ROOT, "    one at a time: p50 %.1f ms, p99 %.1f ms (%d batches)%n",
                Latencies.percentileMillis(idle, 50), Latencies.percentileMillis(idle, 99), batches);
        long tapeBytes = tapes.medianBytes(networkId);

        double[] forwardBefore = forward.snapshot();
        double[] gradientBefore = gradient.snapshot();
        Load.Throughput load = Load.throughput(submitter, threads, window, Duration.ofSeconds(RAMP_SECONDS),
                duration);
        String forwardShares = InstanceShares.shares(forwardBefore, forward.snapshot());
        String gradientShares = InstanceShares.shares(gradientBefore, gradient.snapshot());
        answers.checkHealthy();
        System.out.printf(Locale.ROOT, "    loaded: %.1f batches/s in, %.1f answered/s, p50 %.1f ms, p99 %.1f ms%n",
                load.inPerSecond(), load.answeredPerSecond(), Latencies.percentileMillis(load.latencies(), 50),
                Latencies.percentileMillis(load.latencies(), 99));

        System.out.printf(Locale.ROOT, "    tape %,d bytes%n", tapeBytes);
        return new CaseResult(pipelineCase, load.inPerSecond(), load.answeredPerSecond(),
                Latencies.percentileMillis(idle, 50), Latencies.percentileMillis(idle, 99),
                Latencies.percentileMillis(load.latencies(), 50), Latencies.percentileMillis(load.latencies(), 99),
                tapeBytes, engine, forwardShares, gradientShares, load.failed());
    }

    private static String heading(List<PipelineCase> cases, InstanceShares forward, InstanceShares gradient,
            Duration duration, Duration warmup, int batches, int window, int clients, String securityProtocol) {
        return String.format(Locale.ROOT, "Pipeline benchmark, %s: %d forward-service and %d gradient-service "
                        + "instance(s), %d cores, Java %s; the in-process engine's products: %s; Kafka over %s.%n"
                        + "Per case: %d s of load to warm every JVM, not counted; the idle latency of %d batches "
                        + "one at a time; then %d s of throughput after a %d s ramp, at most %d batches unanswered "
                        + "(REST: %d clients).%n"
                        + "accepted/s counts batches accepted by the gateway (REST) or handed to the producer "
                        + "(topic); latency runs from sending to reading the answer on gradients (read_committed); "
                        + "shares are per instance, from its /q/metrics.%n%n",
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withLocale(Locale.ROOT))
                        .substring(0, 19), forward.metricsUrls().size(), gradient.metricsUrls().size(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                MatrixKernels.implementation(), securityProtocol, warmup.toSeconds(), batches, duration.toSeconds(),
                RAMP_SECONDS, window, clients);
    }

    /**
     * The bootstrap servers and, with {@code --client-properties FILE} (a secure broker's {@code admin.properties},
     * written by {@code KafkaBrokerMain --secure}), the security properties every client of the driver uses.
     */
    static Properties clientProperties(String bootstrap, String file) throws java.io.IOException {
        Properties client = new Properties();
        if (file != null) {
            try (var in = java.nio.file.Files.newBufferedReader(Path.of(file))) {
                client.load(in);
            }
        }
        client.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return client;
    }

    private static KafkaProducer<String, byte[]> producer(Properties client) {
        Properties config = new Properties();
        config.putAll(client);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // As the gateway sends batches (README, "Compression").
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        // Latency is measured from the send: no waiting to fill a batch.
        config.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, CreateTopics.MAX_MESSAGE_BYTES);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(256L * 1024 * 1024));
        // As the gateway and the services: socket buffers that grow with megabyte records (README, "Large records").
        config.put(ProducerConfig.SEND_BUFFER_CONFIG, "-1");
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value pairs, got " + Arrays.toString(args));
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    private static Duration seconds(Map<String, String> options, String name, String otherwise, long minimum) {
        String value = options.getOrDefault(name, otherwise);
        long seconds;
        try {
            seconds = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number of seconds, got '" + value + "'");
        }
        if (seconds < minimum) {
            throw new IllegalArgumentException("--" + name + " must be at least " + minimum + ", got " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static List<String> list(String commaSeparated) {
        return commaSeparated == null || commaSeparated.isBlank() ? List.of()
                : Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static List<URI> urls(String commaSeparated) {
        return list(commaSeparated).stream().map(URI::create).toList();
    }
}

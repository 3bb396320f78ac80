package dev.gradflow.benchmarks.pipeline;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Where the idle latency of one batch goes, hop by hop, against a running stack ({@code ./run-pipeline.sh}).
 *
 * <p>Registers the chapter's single neuron through the gateway, then posts one untraced batch at a time and notes
 * when its records become visible to five consumers of its own: {@code batches}; {@code tapes} with
 * {@code read_uncommitted} (the forward-service has written the tape, its transaction still open) and with
 * {@code read_committed} (committed and its markers written); the same two for {@code gradients}. Prints the
 * median and 90th percentile of each time since the POST. The difference between a stage's uncommitted and
 * committed times is the cost of finishing its transaction; the difference between one stage's committed time and
 * the next stage's uncommitted time is the next service's fetch, processing and the first part of its
 * transaction (offsets, then the record itself).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.gradflow.benchmarks.pipeline.HopLatency
 * [--gateway http://127.0.0.1:8080] [--bootstrap 127.0.0.1:9092] [--batches 150] [--examples examples]}
 */
public final class HopLatency {
    private static final String[] STAGES = {"batches", "tapes, written", "tapes, committed", "gradients, written",
        "gradients, committed"};
    /** Answers are keyed by network id: the probe sends one batch at a time, so the latest answer is its own. */
    private static final String ANSWER = "answer";
    private static final Pattern ID = Pattern.compile("\"(?:networkId|batchId)\":\"([^\"]+)\"");

    private final Map<String, long[]> seen = new ConcurrentHashMap<>();

    private HopLatency() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        String gateway = options.getOrDefault("gateway", "http://127.0.0.1:8080");
        String bootstrap = options.getOrDefault("bootstrap", "127.0.0.1:9092");
        int batches = Integer.parseInt(options.getOrDefault("batches", "150"));
        Path examples = Path.of(options.getOrDefault("examples", "examples"));
        new HopLatency().run(gateway, bootstrap, batches, examples);
    }

    private void run(String gateway, String bootstrap, int batches, Path examples) throws Exception {
        CountDownLatch positioned = new CountDownLatch(STAGES.length);
        startReader(bootstrap, "batches", "read_uncommitted", 0, positioned);
        startReader(bootstrap, "tapes", "read_uncommitted", 1, positioned);
        startReader(bootstrap, "tapes", "read_committed", 2, positioned);
        startReader(bootstrap, "gradients", "read_uncommitted", 3, positioned);
        startReader(bootstrap, "gradients", "read_committed", 4, positioned);
        positioned.await();

        HttpClient http = HttpClient.newHttpClient();
        String networkId = id(post(http, gateway + "/networks",
                Files.readString(examples.resolve("single-neuron.network.json"))));
        String body = "{\"inputs\": {\"x\": [1, -2, 3]}, \"trace\": false}";
        Thread.sleep(1000); // every service learns the network
        int warmup = Math.min(20, batches / 4);
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < batches + warmup; i++) {
            long sent = System.nanoTime();
            String batchId = id(post(http, gateway + "/networks/" + networkId + "/batches", body));
            long deadline = sent + Duration.ofSeconds(10).toNanos();
            while (answeredAfter(sent) == 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(100_000);
            }
            LockSupport.parkNanos(2_000_000); // the uncommitted readers may trail the committed one
            long[] own = seen.getOrDefault(batchId, new long[STAGES.length]);
            long[] answer = seen.getOrDefault(ANSWER, new long[STAGES.length]);
            double[] row = new double[STAGES.length];
            for (int stage = 0; stage < STAGES.length; stage++) {
                long at = stage < 3 ? own[stage] : answer[stage];
                row[stage] = at > sent ? (at - sent) / 1e6 : Double.NaN;
            }
            if (i >= warmup) {
                rows.add(row);
            }
            Thread.sleep(50);
        }
        System.out.println("| visible on | p50 ms | p90 ms |");
        System.out.println("|---|--:|--:|");
        for (int stage = 0; stage < STAGES.length; stage++) {
            int column = stage;
            double[] times = rows.stream().mapToDouble(row -> row[column]).filter(t -> !Double.isNaN(t)).sorted()
                    .toArray();
            if (times.length == 0) {
                System.out.printf("| %s | – | – |%n", STAGES[stage]);
                continue;
            }
            System.out.printf("| %s | %.1f | %.1f |%n", STAGES[stage], times[times.length / 2],
                    times[times.length * 9 / 10]);
        }
        System.out.printf("%d batches of the single neuron through %s, one at a time, times since the POST.%n",
                rows.size(), gateway);
    }

    private long answeredAfter(long sent) {
        long[] answer = seen.get(ANSWER);
        return answer != null && answer[4] > sent ? answer[4] : 0;
    }

    private void startReader(String bootstrap, String topic, String isolation, int stage, CountDownLatch positioned) {
        Thread reader = new Thread(() -> {
            Properties config = new Properties();
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                // Assigned, not subscribed: no group, every partition from its current end.
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                positioned.countDown();
                while (true) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                        long now = System.nanoTime();
                        String key = topic.equals("gradients") ? ANSWER : record.key();
                        seen.computeIfAbsent(key, k -> new long[STAGES.length])[stage] = now;
                    }
                }
            }
        }, "hop-reader-" + stage);
        reader.setDaemon(true);
        reader.start();
    }

    private static String post(HttpClient http, String url, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static String id(String json) {
        Matcher matcher = ID.matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException("no id in " + json);
        }
        return matcher.group(1);
    }

    /** {@code --name value} pairs. */
    private static final class Options {
        static Map<String, String> parse(String[] args) {
            if (args.length % 2 != 0) {
                throw new IllegalArgumentException("options come in pairs (--name value): " + Arrays.toString(args));
            }
            Map<String, String> options = new java.util.HashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            }
            return options;
        }
    }
}

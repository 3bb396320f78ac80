package dev.gradflow.benchmarks.transactions;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Times the three phases of the smallest exactly-once step, back to back as a busy service runs them: begin a
 * transaction and send its records, add the consumer offsets, commit. Prints one markdown table row of medians and
 * 90th percentiles. {@code benchmarks/transactions.sh} runs it against brokers with different settings, one after
 * the other, in one run.
 *
 * <p>By default it waits for each record's acknowledgement before adding the offsets, so the first column is the
 * cost of the first write. With {@code --wait-for-send false} it does what the services do: it sends the records
 * and adds the offsets at once, and the producer, which sends a transaction's offsets ahead of its records, meets a
 * previous commit whose markers are still being written; {@code --retry-backoff-ms} is the producer's wait before
 * it retries (Kafka's default 100, the services' 2). With {@code --pause-ms} it waits that long after each commit,
 * as an idle service does between two records, so no transaction meets its predecessor's markers.
 *
 * <p>Usage: {@code TransactionTimes --bootstrap host:port --label text [--transactions N] [--warmup N]
 * [--records N] [--record-bytes N] [--wait-for-send true|false] [--retry-backoff-ms N] [--pause-ms N]}
 */
public final class TransactionTimes {
    private TransactionTimes() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        String bootstrap = required(options, "--bootstrap");
        String label = options.getOrDefault("--label", bootstrap);
        int transactions = Integer.parseInt(options.getOrDefault("--transactions", "500"));
        int warmup = Integer.parseInt(options.getOrDefault("--warmup", "100"));
        int records = Integer.parseInt(options.getOrDefault("--records", "1"));
        int recordBytes = Integer.parseInt(options.getOrDefault("--record-bytes", "100"));
        boolean waitForSend = Boolean.parseBoolean(options.getOrDefault("--wait-for-send", "true"));
        String retryBackoff = options.getOrDefault("--retry-backoff-ms", "100");
        long pauseMillis = Long.parseLong(options.getOrDefault("--pause-ms", "0"));
        String topic = "transaction-times-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
        }
        long[] send = new long[transactions];
        long[] offsets = new long[transactions];
        long[] commit = new long[transactions];
        Map<String, Object> properties = Map.of("bootstrap.servers", bootstrap, "transactional.id", topic,
                "linger.ms", "0", "retry.backoff.ms", retryBackoff);
        long started = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(properties, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            ConsumerGroupMetadata group = new ConsumerGroupMetadata("transaction-times");
            byte[] value = new byte[recordBytes];
            for (int i = -warmup; i < transactions; i++) {
                if (i == 0) {
                    started = System.nanoTime();
                }
                long t0 = System.nanoTime();
                producer.beginTransaction();
                for (int r = 0; r < records; r++) {
                    Future<?> sent = producer.send(new ProducerRecord<>(topic, "key-" + i + "-" + r, value));
                    if (waitForSend) {
                        sent.get();
                    }
                }
                long t1 = System.nanoTime();
                producer.sendOffsetsToTransaction(Map.of(new TopicPartition(topic, 0),
                        new OffsetAndMetadata(Math.max(0, i))), group);
                long t2 = System.nanoTime();
                producer.commitTransaction();
                long t3 = System.nanoTime();
                if (i >= 0) {
                    send[i] = t1 - t0;
                    offsets[i] = t2 - t1;
                    commit[i] = t3 - t2;
                }
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
            producer.close(Duration.ofSeconds(5));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long[] total = new long[transactions];
        for (int i = 0; i < transactions; i++) {
            total[i] = send[i] + offsets[i] + commit[i];
        }
        System.out.printf("| %s | %d | %.0f | %s | %s | %s | %s |%n", label, transactions, transactions / seconds,
                percentiles(send), percentiles(offsets), percentiles(commit), percentiles(total));
    }

    /** The table's header, for the script to print once. */
    public static String header() {
        return "| broker | transactions | transactions/s | begin + send, ms p50 / p90 | offsets, ms p50 / p90"
                + " | commit, ms p50 / p90 | in all, ms p50 / p90 |\n|---|--:|--:|--:|--:|--:|--:|";
    }

    private static String percentiles(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("%.1f / %.1f", sorted[sorted.length / 2] / 1e6, sorted[sorted.length * 9 / 10] / 1e6);
    }

    private static Map<String, String> options(String[] args) {
        if (args.length == 1 && args[0].equals("--header")) {
            System.out.println(header());
            System.exit(0);
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("options come in pairs: --name value");
        }
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }
}

package dev.gradflow.benchmarks.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates gradflow's topics as the README recommends for a broker of one's own: {@code batches}, {@code tapes},
 * {@code gradients} and {@code jobs} with {@value #PARTITIONS} partitions, so up to that many instances of a service
 * share the work, and room for 64 MiB records; {@code job-state} and {@code job-progress} compacted with as many;
 * {@code network-definitions} and {@code datasets} compacted, on one partition. It must run before the
 * services start, or their clients would create the topics with the broker's defaults (one partition).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.gradflow.benchmarks.pipeline.CreateTopics 127.0.0.1:9092</pre>
 *
 * A second argument names a file of further client properties: a secure broker's {@code admin.properties}.
 */
public final class CreateTopics {
    static final int PARTITIONS = 6;
    static final String MAX_MESSAGE_BYTES = String.valueOf(64 * 1024 * 1024);

    private CreateTopics() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: CreateTopics <bootstrap servers> [client properties file]");
            System.exit(2);
        }
        PipelineBenchmark.quietLogging();
        Properties config;
        try {
            config = PipelineBenchmark.clientProperties(args[0], args.length > 1 ? args[1] : null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, String> large = Map.of("max.message.bytes", MAX_MESSAGE_BYTES);
        List<NewTopic> topics = List.of(
                new NewTopic("batches", PARTITIONS, (short) 1).configs(large),
                new NewTopic("tapes", PARTITIONS, (short) 1).configs(large),
                new NewTopic("gradients", PARTITIONS, (short) 1).configs(large),
                new NewTopic("network-definitions", 1, (short) 1)
                        .configs(Map.of("max.message.bytes", MAX_MESSAGE_BYTES, "cleanup.policy", "compact")),
                // Jobs: job-state needs as many partitions as jobs (partition p holds the jobs of partition p).
                new NewTopic("jobs", PARTITIONS, (short) 1).configs(large),
                new NewTopic("job-state", PARTITIONS, (short) 1)
                        .configs(Map.of("max.message.bytes", MAX_MESSAGE_BYTES, "cleanup.policy", "compact")),
                new NewTopic("job-progress", PARTITIONS, (short) 1)
                        .configs(Map.of("max.message.bytes", MAX_MESSAGE_BYTES, "cleanup.policy", "compact")),
                new NewTopic("datasets", 1, (short) 1)
                        .configs(Map.of("max.message.bytes", MAX_MESSAGE_BYTES, "cleanup.policy", "compact")));
        try (Admin admin = Admin.create(config)) {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(60, TimeUnit.SECONDS);
                    System.out.println("created topic " + entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("creating topic " + entry.getKey() + ": " + e.getCause(), e);
                    }
                    System.out.println("topic " + entry.getKey() + " exists already; left as it is");
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException("creating topic " + entry.getKey() + " timed out", e);
                }
            }
        }
    }
}

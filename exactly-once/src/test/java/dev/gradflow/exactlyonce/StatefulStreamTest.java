package dev.gradflow.exactlyonce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.kafka.broker.EmbeddedKafkaBroker;
import dev.gradflow.kafka.broker.TopicsReady;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stateful exactly-once stream against a real in-process broker, with a handler that counts the records of each
 * key: its state (the counts) must survive a hand-over to another instance with an empty memory exactly, so that
 * every count is published once, with no gap and no repeat.
 */
class StatefulStreamTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** Counts records per key; its state record for a key is the count so far. */
    private static final class Counter implements StatefulHandler {
        private final String out;
        private final String state;
        private final Map<Integer, Map<String, Long>> counts = new ConcurrentHashMap<>();

        Counter(String out, String state) {
            this.out = out;
            this.state = state;
        }

        @Override
        public List<ProducerRecord<String, byte[]>> handle(ConsumerRecord<String, byte[]> record) {
            if (record.key() == null) {
                throw new RejectedRecordException("the record has no key");
            }
            long count = counts.computeIfAbsent(record.partition(), p -> new HashMap<>()).merge(record.key(), 1L,
                    Long::sum);
            byte[] value = String.valueOf(count).getBytes(StandardCharsets.UTF_8);
            return List.of(new ProducerRecord<>(out, record.key(), (record.key() + "=" + count)
                    .getBytes(StandardCharsets.UTF_8)), new ProducerRecord<>(state, record.partition(), record.key(),
                    value));
        }

        @Override
        public void restore(int partition, Map<String, byte[]> values) {
            Map<String, Long> restored = new HashMap<>();
            values.forEach((key, value) -> restored.put(key, Long.parseLong(new String(value,
                    StandardCharsets.UTF_8))));
            counts.put(partition, restored);
        }

        @Override
        public void drop(int partition) {
            counts.remove(partition);
        }
    }

    @Test
    void aSecondInstanceWithAnEmptyMemoryContinuesFromTheCommittedState() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            TopicsReady.create(admin, Duration.ofSeconds(60), List.of(new NewTopic("counts-in", 3, (short) 1),
                    new NewTopic("counts-out", 3, (short) 1), new NewTopic("counts-dead", 1, (short) 1)));
        }
        StatefulSettings settings = new StatefulSettings("counts-in", "counts-state", List.of(), "counts-dead",
                "counts", 20, Duration.ofSeconds(6), Duration.ofSeconds(2), Duration.ofSeconds(10), Map.of(), Map.of());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(clients(), new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < 300; i++) {
                producer.send(new ProducerRecord<>("counts-in", "key-" + (i % 10), new byte[] {1}));
            }
            producer.send(new ProducerRecord<>("counts-in", null, new byte[] {1}));
        }
        {
            StatefulStream first = StatefulStream.start(settings, clients(), Optional.of("a"),
                    new Counter("counts-out", "counts-state"), new SimpleMeterRegistry());
            awaitCount(100);
            first.close();
            StatefulStream second = StatefulStream.start(settings, clients(), Optional.of("b"),
                    new Counter("counts-out", "counts-state"), new SimpleMeterRegistry());
            try {
                awaitCount(300);
            } finally {
                second.close();
            }

            Map<String, List<Long>> published = new TreeMap<>();
            for (ConsumerRecord<String, byte[]> record : readAll("counts-out")) {
                String[] keyAndCount = new String(record.value(), StandardCharsets.UTF_8).split("=");
                published.computeIfAbsent(keyAndCount[0], k -> new ArrayList<>()).add(Long.parseLong(keyAndCount[1]));
            }
            assertThat(published).hasSize(10);
            List<Long> oneToThirty = new ArrayList<>();
            for (long n = 1; n <= 30; n++) {
                oneToThirty.add(n);
            }
            published.forEach((key, counts) -> assertThat(counts).as(key).containsExactlyElementsOf(oneToThirty));
            ConsumerRecord<String, byte[]> deadLetter = readAll("counts-dead").get(0);
            assertThat(new String(deadLetter.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                    .isEqualTo("the record has no key");
        }
    }

    /** Every committed record of a topic, as a read_committed consumer sees it now. */
    private static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        Map<String, Object> properties = new HashMap<>(clients());
        properties.put("isolation.level", "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records;
        }
    }

    private static void awaitCount(int records) throws InterruptedException {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (readAll("counts-out").size() < records) {
            assertThat(Instant.now()).as("%d counts published in time", records).isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private static Map<String, Object> clients() {
        return Map.of("bootstrap.servers", broker.bootstrapServers());
    }
}

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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared exactly-once step against a real in-process broker. */
class ExactlyOnceStreamTest {
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

    /** Fresh input, output and dead-letter topics with three partitions each, and settings for them. */
    private static StreamSettings.Values topics(String name) throws Exception {
        String in = name + "-in";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            // A producer that writes before every partition has a leader retries, and on a loaded machine its
            // retries can trip over each other; start once the topics are fully there.
            TopicsReady.create(admin, TIMEOUT, List.of(new NewTopic(in, 3, (short) 1),
                    new NewTopic(name + "-out", 3, (short) 1), new NewTopic(name + "-dead", 1, (short) 1)));
        }
        return (StreamSettings.Values) StreamSettings.defaults(in, name + "-out", name + "-dead", name + "-group");
    }

    private static Map<String, Object> clients() {
        return Map.of("bootstrap.servers", broker.bootstrapServers());
    }

    /** Upper-cases the value; keys the answer by the input's value so that tests can find it. */
    private static Outcome upperCase(ConsumerRecord<String, byte[]> record) {
        String value = new String(record.value(), StandardCharsets.UTF_8);
        return Outcome.Answer.ok(value, value.toUpperCase().getBytes(StandardCharsets.UTF_8), 2);
    }

    /** An hour before the test, so that answers' timestamps show whether they came from their inputs. */
    private static final long SUBMITTED_AT = System.currentTimeMillis() - 3_600_000;

    /** Records "record-i" keyed "key-i", each with the timestamp {@code SUBMITTED_AT + i}. */
    private static void produce(String topic, int from, int to) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers(), "max.in.flight.requests.per.connection", "1"), new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, null, SUBMITTED_AT + i, "key-" + i,
                        ("record-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** Every committed record of {@code topic}, read until {@code expected} arrived and a second passed quietly. */
    private static List<ConsumerRecord<String, byte[]>> readCommitted(String topic, int expected) {
        Map<String, Object> properties = new HashMap<>(clients());
        properties.put("group.id", "reader-" + UUID.randomUUID());
        properties.put("auto.offset.reset", "earliest");
        properties.put("isolation.level", "read_committed");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plus(TIMEOUT);
            Instant quietUntil = null;
            while (Instant.now().isBefore(deadline)) {
                var batch = consumer.poll(Duration.ofMillis(200));
                batch.forEach(records::add);
                if (records.size() >= expected) {
                    if (quietUntil == null || !batch.isEmpty()) {
                        quietUntil = Instant.now().plusSeconds(1);
                    } else if (Instant.now().isAfter(quietUntil)) {
                        break;
                    }
                }
            }
        }
        return records;
    }

    private static Map<String, Integer> countByKey(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, Integer> counts = new HashMap<>();
        records.forEach(record -> counts.merge(record.key(), 1, Integer::sum));
        return counts;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void everyRecordIsAnsweredOnceAndATransactionCarriesEveryResultThatIsReady() throws Exception {
        StreamSettings settings = topics("once");
        produce(settings.inputTopic(), 0, 400);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();

        try (ExactlyOnceStream stream = ExactlyOnceStream.start(settings, clients(), Optional.of("a"),
                ExactlyOnceStreamTest::upperCase, meters)) {
            List<ConsumerRecord<String, byte[]>> answers = readCommitted(settings.outputTopic(), 400);

            assertThat(countByKey(answers)).hasSize(400).allSatisfy((key, count) -> assertThat(count).isOne());
            assertThat(answers).allSatisfy(answer -> assertThat(new String(answer.value(), StandardCharsets.UTF_8))
                    .isEqualTo(answer.key().toUpperCase()));
            assertThat(answers).as("every answer keeps its input's timestamp").allSatisfy(answer -> assertThat(
                    answer.timestamp()).isEqualTo(SUBMITTED_AT + Integer.parseInt(answer.key().substring(7))));
            assertThat(stream.health().isUp()).isTrue();
            assertThat(stream.memberName()).isEqualTo("once-group-a");
        }
        double transactions = meters.get("gradflow.transactions").tag("outcome", "committed").counter().count();
        double processed = meters.get("gradflow.records.processed").tag("outcome", "ok").counter().count();
        assertThat(processed).isEqualTo(400);
        assertThat(transactions).as("400 waiting records need far fewer than 400 transactions").isLessThan(200);
        assertThat(meters.get("gradflow.samples.processed").counter().count()).isEqualTo(800);
        var latency = meters.get("gradflow.end.to.end.latency").tag("channel", settings.inputTopic()).timer();
        assertThat(latency.count()).isEqualTo(400);
        assertThat(latency.max(java.util.concurrent.TimeUnit.SECONDS)).as("submitted an hour ago").isBetween(3590.0,
                3700.0);
        assertThat(meters.get("gradflow.dead.letters").tag("reason", "malformed").counter().count())
                .as("registered at zero").isZero();
    }

    @Test
    void deadLettersKeepTheRecordAndSayWhyAndWhereItCameFrom() throws Exception {
        StreamSettings settings = topics("dead");
        produce(settings.inputTopic(), 0, 30);
        RecordHandler handler = record -> {
            String value = new String(record.value(), StandardCharsets.UTF_8);
            if (value.equals("record-7")) {
                return Outcome.DeadLetter.malformed("seven is not a record");
            }
            if (value.equals("record-8")) {
                throw new IllegalStateException("a bug");
            }
            if (value.equals("record-9")) {
                return Outcome.Answer.failed(record.key(), "nine failed".getBytes(StandardCharsets.UTF_8), 3, "odd");
            }
            return upperCase(record);
        };
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (ExactlyOnceStream stream = ExactlyOnceStream.start(settings, clients(), Optional.empty(), handler,
                meters).expectFailures(List.of("odd", "never"))) {
            List<ConsumerRecord<String, byte[]>> deadLetters = readCommitted(settings.deadLetterTopic(), 2);
            assertThat(readCommitted(settings.outputTopic(), 28)).hasSize(28);

            assertThat(deadLetters).hasSize(2);
            ConsumerRecord<String, byte[]> seven = deadLetters.stream().filter(r -> r.key().equals("key-7")).findFirst()
                    .orElseThrow();
            assertThat(new String(seven.value(), StandardCharsets.UTF_8)).isEqualTo("record-7");
            assertThat(header(seven, DeadLetters.REASON)).isEqualTo("seven is not a record");
            assertThat(header(seven, DeadLetters.TOPIC)).isEqualTo(settings.inputTopic());
            assertThat(Integer.parseInt(header(seven, DeadLetters.PARTITION))).isBetween(0, 2);
            assertThat(Long.parseLong(header(seven, DeadLetters.OFFSET))).isNotNegative();
            ConsumerRecord<String, byte[]> eight = deadLetters.stream().filter(r -> r.key().equals("key-8")).findFirst()
                    .orElseThrow();
            assertThat(header(eight, DeadLetters.REASON))
                    .isEqualTo("unexpected error while processing the record: java.lang.IllegalStateException: a bug");
        }
        assertThat(meters.get("gradflow.dead.letters").tag("reason", "malformed").counter().count()).isOne();
        assertThat(meters.get("gradflow.dead.letters").tag("reason", "unexpected-error").counter().count()).isOne();
        assertThat(meters.get("gradflow.dead.letters").tag("reason", "too-large").counter().count()).isZero();
        assertThat(meters.get("gradflow.failures").tag("reason", "odd").counter().count()).isOne();
        assertThat(meters.get("gradflow.failures").tag("reason", "never").counter().count()).isZero();
        assertThat(meters.get("gradflow.records.processed").tag("outcome", "failed").counter().count()).isOne();
        assertThat(meters.get("gradflow.samples.processed").counter().count()).as("27 answers of 2, one of 3")
                .isEqualTo(57);
    }

    @Test
    void anOutputTooLargeForTheProducerIsDeadLetteredInsteadOfRetriedForever() throws Exception {
        StreamSettings.Values settings = topics("large");
        produce(settings.inputTopic(), 0, 20);
        RecordHandler handler = record -> new String(record.value(), StandardCharsets.UTF_8).equals("record-5")
                ? Outcome.Answer.ok("big", new byte[4096], 1) : upperCase(record);
        try (ExactlyOnceStream stream = ExactlyOnceStream.start(settings.withClients(Map.of(),
                Map.of("max.request.size", "2048")), clients(), Optional.empty(), handler, new SimpleMeterRegistry())) {
            List<ConsumerRecord<String, byte[]>> deadLetters = readCommitted(settings.deadLetterTopic(), 1);
            List<ConsumerRecord<String, byte[]>> answers = readCommitted(settings.outputTopic(), 19);

            assertThat(deadLetters).singleElement().satisfies(letter -> {
                assertThat(letter.key()).isEqualTo("key-5");
                assertThat(header(letter, DeadLetters.REASON)).contains("(4096 bytes) was refused as too large");
            });
            assertThat(countByKey(answers)).hasSize(19).doesNotContainKey("big")
                    .allSatisfy((key, count) -> assertThat(count).isOne());
        }
    }

    @Test
    void instancesJoiningAndLeavingMidStreamShareTheWorkAndAnswerEachRecordExactlyOnce() throws Exception {
        StreamSettings settings = topics("share");
        Map<String, AtomicInteger> handledBy = new ConcurrentHashMap<>();
        RecordHandler handler = record -> {
            handledBy.computeIfAbsent(Thread.currentThread().getName(), name -> new AtomicInteger()).incrementAndGet();
            Thread.sleep(2);
            return upperCase(record);
        };
        ExactlyOnceStream first = ExactlyOnceStream.start(settings, clients(), Optional.of("first"), handler,
                new SimpleMeterRegistry());
        produce(settings.inputTopic(), 0, 300);
        ExactlyOnceStream second = ExactlyOnceStream.start(settings, clients(), Optional.of("second"), handler,
                new SimpleMeterRegistry());
        try {
            produce(settings.inputTopic(), 300, 900);
            Thread.sleep(1500);
            first.close();
            produce(settings.inputTopic(), 900, 1200);

            Map<String, Integer> answers = countByKey(readCommitted(settings.outputTopic(), 1200));

            assertThat(answers).hasSize(1200).allSatisfy((key, count) -> assertThat(count).as(key).isOne());
            assertThat(handledBy.keySet()).contains("share-group-first-worker", "share-group-second-worker");
        } finally {
            first.close();
            second.close();
        }
    }
}

package dev.gradflow.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

    /** The size of a realistic gradient record: 784 x 1024 weights of 8 bytes. */
    private static final int LARGE_RECORD_BYTES = 1024 * 784 * 8;

    @Test
    void roundTripsALargeRecordAndReleasesItsPortsOnClose() throws Exception {
        long startNanos = System.nanoTime();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start();
        long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        System.out.printf("Embedded Kafka broker started in %d ms%n", startMillis);
        int brokerPort = broker.brokerPort();
        int controllerPort = broker.controllerPort();
        Path logDir = broker.logDir();
        try (broker) {
            assertThat(broker.isRunning()).isTrue();
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + brokerPort);
            assertThat(brokerPort).isNotEqualTo(controllerPort).isPositive();

            String topic = "large-records";
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                Collection<Node> nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
                assertThat(nodes).singleElement().satisfies(node -> {
                    assertThat(node.host()).isEqualTo("127.0.0.1");
                    assertThat(node.port()).isEqualTo(brokerPort);
                });
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }

            byte[] payload = new byte[LARGE_RECORD_BYTES];
            new Random(42).nextBytes(payload);
            try (KafkaProducer<String, byte[]> producer = largeRecordProducer(broker)) {
                RecordMetadata sent = producer.send(new ProducerRecord<>(topic, "weights", payload)).get(30, TimeUnit.SECONDS);
                assertThat(sent.serializedValueSize()).isEqualTo(LARGE_RECORD_BYTES);
            }

            List<ConsumerRecord<String, byte[]>> received = consumeAtLeastOne(broker, topic);
            assertThat(received).hasSize(1);
            byte[] value = received.get(0).value();
            assertThat(received.get(0).key()).isEqualTo("weights");
            assertThat(value).hasSize(LARGE_RECORD_BYTES);
            // Not containsExactly: a failure would print two 6 MB arrays.
            assertThat(Arrays.mismatch(value, payload)).as("index of the first differing byte").isEqualTo(-1);

            assertListensOnLoopbackOnly(brokerPort);
        }

        assertThat(broker.isRunning()).isFalse();
        assertPortFree(brokerPort);
        assertPortFree(controllerPort);
        assertThat(logDir).as("temporary log dir").doesNotExist();
        broker.close(); // a second close is a no-op
    }

    @Test
    void failsFastWithAClearMessageWhenTheRequestedPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().brokerPort(taken.getLocalPort()).build();
            assertThatThrownBy(broker::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Cannot start Kafka broker: broker port " + taken.getLocalPort()
                            + " on 127.0.0.1 is already in use (is another broker still running?)");
            assertThat(broker.isRunning()).isFalse();
            assertThat(broker.logDir()).as("temporary log dir").doesNotExist();
            assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void keepsAnExplicitLogDirAcrossRestarts(@TempDir Path dir) throws Exception {
        Path logDir = dir.resolve("kafka-data");
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().logDir(logDir).start();
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers()),
                     new StringSerializer(), new StringSerializer())) {
            // Relies on auto.create.topics.enable.
            producer.send(new ProducerRecord<>("persisted", "k", "v")).get(30, TimeUnit.SECONDS);
        }
        assertThat(logDir.resolve("meta.properties")).exists();

        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().logDir(logDir).start();
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, second.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, "persisted-reader",
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                     new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("persisted"));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            assertThat(values).containsExactly("v");
        }
        try (Stream<Path> files = Files.list(logDir)) {
            assertThat(files).as("explicit log dir is kept").isNotEmpty();
        }
    }

    private static KafkaProducer<String, byte[]> largeRecordProducer(EmbeddedKafkaBroker broker) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, EmbeddedKafkaBroker.DEFAULT_MAX_MESSAGE_BYTES,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 2L * EmbeddedKafkaBroker.DEFAULT_MAX_MESSAGE_BYTES,
                ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static List<ConsumerRecord<String, byte[]>> consumeAtLeastOne(EmbeddedKafkaBroker broker, String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "large-record-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, EmbeddedKafkaBroker.DEFAULT_MAX_MESSAGE_BYTES,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, EmbeddedKafkaBroker.DEFAULT_MAX_MESSAGE_BYTES);
        List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }
        return received;
    }

    /**
     * The broker must not be reachable through any other interface of this machine. Only checkable
     * when the machine has a non-loopback IPv4 address.
     */
    private static void assertListensOnLoopbackOnly(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        }
        for (InetAddress address : nonLoopbackIpv4Addresses()) {
            try (Socket socket = new Socket()) {
                assertThatThrownBy(() -> socket.connect(new InetSocketAddress(address, port), 2000))
                        .as("connecting to %s:%d", address.getHostAddress(), port)
                        .isInstanceOf(IOException.class);
            }
        }
    }

    private static List<InetAddress> nonLoopbackIpv4Addresses() throws IOException {
        List<InetAddress> addresses = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                nic.inetAddresses()
                        .filter(a -> a instanceof Inet4Address)
                        .forEach(addresses::add);
            }
        }
        return addresses;
    }

    private static void assertPortFree(int port) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            // As any server restarting on this port would; it still fails while a socket listens there.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }
}

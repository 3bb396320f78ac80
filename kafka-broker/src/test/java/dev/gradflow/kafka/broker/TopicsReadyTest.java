package dev.gradflow.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class TopicsReadyTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void everyPartitionTakesAWriteWithoutRetriesAsSoonAsTheTopicsAreCreated() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            List<NewTopic> topics = List.of(new NewTopic("ready-a", 4, (short) 1), new NewTopic("ready-b", 3,
                    (short) 1), new NewTopic("ready-c", 1, (short) 1));
            TopicsReady.create(admin, TIMEOUT, topics);

            // One describe, no retry: the broker hosts every partition and each has a leader.
            var described = admin.describeTopics(List.of("ready-a", "ready-b", "ready-c")).allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            for (NewTopic topic : topics) {
                assertThat(described.get(topic.name()).partitions()).hasSize(topic.numPartitions())
                        .allSatisfy(partition -> assertThat(partition.leader()).isNotNull());
            }
            // A producer that may not retry writes to every partition at once.
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    broker.bootstrapServers(), "retries", "0", "enable.idempotence", "false"),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                for (NewTopic topic : topics) {
                    for (int partition = 0; partition < topic.numPartitions(); partition++) {
                        assertThat(producer.send(new ProducerRecord<>(topic.name(), partition, null, new byte[] {1}))
                                .get(30, TimeUnit.SECONDS).partition()).isEqualTo(partition);
                    }
                }
            }

            assertThatThrownBy(() -> TopicsReady.create(admin, TIMEOUT, List.of(new NewTopic("ready-a", 4,
                    (short) 1)))).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicExistsException.class);
        }
    }
}

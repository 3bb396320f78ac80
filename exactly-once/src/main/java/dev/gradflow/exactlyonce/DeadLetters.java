package dev.gradflow.exactlyonce;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Dead letters: the original key and value, unchanged, on a dead-letter topic, with headers that say why and where
 * the record came from. The header names are part of gradflow's public topic format (README, "Dead-letter topics").
 */
public final class DeadLetters {
    /** Why the record could not be processed. */
    public static final String REASON = "dead-letter-reason";
    /** The topic the record was read from. */
    public static final String TOPIC = "dead-letter-topic";
    /** Its partition, in decimal. */
    public static final String PARTITION = "dead-letter-partition";
    /** Its offset, in decimal. */
    public static final String OFFSET = "dead-letter-offset";

    private DeadLetters() {
    }

    /** The dead letter of {@code source} on {@code deadLetterTopic}, with the reason and the source's coordinates. */
    public static ProducerRecord<String, byte[]> of(String deadLetterTopic, ConsumerRecord<String, byte[]> source,
            String reason) {
        List<Header> headers = List.of(header(REASON, reason), header(TOPIC, source.topic()),
                header(PARTITION, String.valueOf(source.partition())), header(OFFSET, String.valueOf(source.offset())));
        return new ProducerRecord<>(deadLetterTopic, null, source.key(), source.value(), headers);
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}

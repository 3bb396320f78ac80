package dev.gradflow.forward.listener;

import dev.gradflow.forward.service.ForwardService;
import dev.gradflow.forward.service.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Receives definitions and batches; each record is handled on a worker thread, one at a time per channel, so a
 * partition's records are handled in order and the event loop never runs the maths.
 *
 * <p>Batches are processed exactly once: the tape (or the dead letter) and the batch's offset are committed in one
 * Kafka transaction. If the transaction aborts, the consumer goes back to the last committed offset and the batch
 * is processed again; nothing of the aborted attempt is visible to {@code read_committed} readers.
 */
@ApplicationScoped
public class KafkaListeners {
    private static final Logger LOG = Logger.getLogger(KafkaListeners.class);
    static final String DEAD_LETTER_TOPIC = "batches-dead-letters";

    @Inject
    ForwardService service;

    @Inject
    @Channel("tapes")
    KafkaTransactions<byte[]> tapes;

    @Inject
    MeterRegistry meters;

    /** A definition that cannot be read is nacked: the channel's failure strategy dead-letters it. */
    @Incoming("network-definitions")
    public Uni<Void> definitions(Message<byte[]> message) {
        return Uni.createFrom().<Void>item(() -> {
            try {
                String networkId = message.getMetadata(IncomingKafkaRecordMetadata.class)
                        .map(metadata -> (String) metadata.getKey()).orElse(null);
                service.onDefinition(networkId, message.getPayload());
                message.ack();
            } catch (RuntimeException e) {
                message.nack(e);
            }
            return null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @Incoming("batches")
    public Uni<Void> batches(Message<byte[]> batch) {
        String key = batch.getMetadata(IncomingKafkaRecordMetadata.class).map(m -> (String) m.getKey()).orElse(null);
        return Uni.createFrom().item(() -> {
                    try {
                        return service.process(key, batch.getPayload());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while waiting for a definition", e);
                    }
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(outcome -> tapes.withTransactionAndAck(batch, emitter -> {
                    emitter.send(Message.of(outcome.value(), Metadata.of(metadata(batch, outcome))));
                    return Uni.createFrom().voidItem();
                }).invoke(() -> count(outcome.label())))
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("transaction aborted, the batch will be read again: %s", failure.toString());
                    return Uni.createFrom().voidItem();
                });
    }

    private static OutgoingKafkaRecordMetadata<String> metadata(Message<byte[]> batch, Outcome outcome) {
        var builder = OutgoingKafkaRecordMetadata.<String>builder().withKey(outcome.key());
        if (outcome.deadLetterReason() != null) {
            IncomingKafkaRecordMetadata<?, ?> source = batch.getMetadata(IncomingKafkaRecordMetadata.class)
                    .orElseThrow();
            builder.withTopic(DEAD_LETTER_TOPIC).withHeaders(List.of(
                    header("dead-letter-reason", outcome.deadLetterReason()),
                    header("dead-letter-topic", source.getTopic()),
                    header("dead-letter-partition", String.valueOf(source.getPartition())),
                    header("dead-letter-offset", String.valueOf(source.getOffset()))));
        }
        return builder.build();
    }

    private static RecordHeader header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private void count(String outcome) {
        Counter.builder("gradflow.records.processed").description("Records consumed and handled")
                .tag("channel", "batches").tag("outcome", outcome).register(meters).increment();
    }
}

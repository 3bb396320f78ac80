package dev.gradflow.gradient.listener;

import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.core.wire.WireFormatException;
import dev.gradflow.gradient.config.GradientConfig;
import dev.gradflow.gradient.service.GradientCalculator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;
import jakarta.annotation.PostConstruct;
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
 * tapes → gradients, exactly once. Each tape is answered on a worker thread, then the answer and the tape's
 * offset are committed in one Kafka transaction: a crash before the commit leaves neither, and the tape is read
 * again from the last committed offset; a crash after leaves both. A record that is not a tape goes, in the same
 * kind of transaction, to {@code tapes-dead-letters} with the reason in its headers, and the service carries on.
 */
@ApplicationScoped
public class TapeProcessor {
    private static final Logger LOG = Logger.getLogger(TapeProcessor.class);
    static final String DEAD_LETTER_TOPIC = "tapes-dead-letters";

    @Inject
    @Channel("gradients")
    KafkaTransactions<byte[]> gradients;

    @Inject
    MeterRegistry meters;

    @Inject
    GradientConfig config;

    private Timer backwardTime;

    @PostConstruct
    void start() {
        backwardTime = Timer.builder("gradflow.processing.time").description("Time to answer one tape")
                .tag("stage", "backward").publishPercentileHistogram().register(meters);
    }

    /** The answer to send and where: the gradients topic, or the dead-letter topic. */
    private record Outcome(String key, byte[] value, String deadLetterReason, String label) {
    }

    @Incoming("tapes")
    public Uni<Void> answer(Message<byte[]> tape) {
        return Uni.createFrom().item(() -> outcome(tape))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(outcome -> gradients.withTransactionAndAck(tape, emitter -> {
                    emitter.send(Message.of(outcome.value(), Metadata.of(metadata(tape, outcome))));
                    return Uni.createFrom().voidItem();
                }).invoke(() -> count(outcome.label())))
                .onFailure().recoverWithUni(failure -> {
                    // The transaction was aborted: the consumer is back at the last committed offset and the tape
                    // will be answered again. Nothing was published.
                    LOG.warnf("transaction aborted, the tape will be read again: %s", failure.toString());
                    return Uni.createFrom().voidItem();
                });
    }

    private Outcome outcome(Message<byte[]> tape) {
        String key = tape.getMetadata(IncomingKafkaRecordMetadata.class).map(m -> (String) m.getKey()).orElse(null);
        try {
            GradientRecord answer = backwardTime.record(() -> GradientCalculator.answer(tape.getPayload(), config.maxTapeNodes(),
                    config.maxTensorElements()));
            if (answer.isFailed()) {
                LOG.infof("batch %s of network %s failed: %s", answer.batchId(), answer.networkId(), answer.failure());
            }
            return new Outcome(answer.networkId(), answer.encode(), null, answer.isFailed() ? "failed" : "ok");
        } catch (WireFormatException e) {
            LOG.warnf("dead-lettering an unreadable tape record: %s", e.getMessage());
            return new Outcome(key, tape.getPayload(), e.getMessage(), "dead-lettered");
        }
    }

    private static OutgoingKafkaRecordMetadata<String> metadata(Message<byte[]> tape, Outcome outcome) {
        var builder = OutgoingKafkaRecordMetadata.<String>builder().withKey(outcome.key());
        if (outcome.deadLetterReason() != null) {
            IncomingKafkaRecordMetadata<?, ?> source = tape.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
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
                .tag("channel", "tapes").tag("outcome", outcome).register(meters).increment();
    }
}

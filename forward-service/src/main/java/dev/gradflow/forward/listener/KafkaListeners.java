package dev.gradflow.forward.listener;

import dev.gradflow.forward.service.ForwardService;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Receives definitions and batches. Each record is handled on a worker thread, one at a time per channel, so
 * records of a partition are handled in order and the event loop never runs the maths. A record that cannot be
 * handled is nacked, which sends it to the channel's dead-letter topic with the reason.
 */
@ApplicationScoped
public class KafkaListeners {

    @Inject
    ForwardService service;

    @Incoming("network-definitions")
    public Uni<Void> definitions(Message<byte[]> message) {
        return onWorker(message, () -> {
            String networkId = message.getMetadata(IncomingKafkaRecordMetadata.class)
                    .map(metadata -> (String) metadata.getKey()).orElse(null);
            service.onDefinition(networkId, message.getPayload());
            message.ack();
        });
    }

    /** Not acknowledged here: the service acknowledges a batch once its tape is on Kafka. */
    @Incoming("batches")
    public Uni<Void> batches(Message<byte[]> message) {
        return onWorker(message, () -> service.onBatch(message));
    }

    private static Uni<Void> onWorker(Message<byte[]> message, Runnable handler) {
        return Uni.createFrom().<Void>item(() -> {
            try {
                handler.run();
            } catch (RuntimeException e) {
                message.nack(e);
            }
            return null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}

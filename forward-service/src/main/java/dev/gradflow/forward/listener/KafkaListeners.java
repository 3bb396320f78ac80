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
 * Receives definitions on a worker thread, so the event loop never compiles a network. Batches do not come through
 * here: {@link BatchStream} reads them exactly once.
 */
@ApplicationScoped
public class KafkaListeners {

    @Inject
    ForwardService service;

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
}

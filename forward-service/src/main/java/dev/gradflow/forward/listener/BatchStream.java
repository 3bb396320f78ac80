package dev.gradflow.forward.listener;

import dev.gradflow.exactlyonce.ExactlyOnceStream;
import dev.gradflow.exactlyonce.StreamHealth;
import dev.gradflow.forward.config.StreamConfig;
import dev.gradflow.forward.service.FailureReason;
import dev.gradflow.forward.service.ForwardService;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * batches → tapes, exactly once: the shared {@link ExactlyOnceStream} reads batches, {@link ForwardService} turns
 * each into a tape (or a dead letter), and every tape that is ready is committed with its batch's offset in one
 * transaction.
 */
@ApplicationScoped
public class BatchStream {

    @Inject
    ForwardService service;

    @Inject
    StreamConfig settings;

    @Inject
    MeterRegistry meters;

    /** Quarkus' shared Kafka configuration ({@code kafka.*}): bootstrap servers, security. */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @ConfigProperty(name = "gradflow.instance-id")
    Optional<String> instanceId;

    private volatile ExactlyOnceStream stream;

    void start(@Observes StartupEvent event) {
        stream = ExactlyOnceStream.start(settings, kafka, instanceId, record -> service.process(record.value()),
                meters).expectFailures(FailureReason.tags());
    }

    void stop(@Observes ShutdownEvent event) {
        if (stream != null) {
            stream.close();
        }
    }

    /** The stream's state for the health checks; starting until the application has started it. */
    public StreamHealth health() {
        ExactlyOnceStream current = stream;
        return current == null ? new StreamHealth(StreamHealth.State.STARTING, "", "not started yet")
                : current.health();
    }
}

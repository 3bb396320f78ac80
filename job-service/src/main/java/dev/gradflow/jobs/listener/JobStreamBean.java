package dev.gradflow.jobs.listener;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.exactlyonce.StatefulSettings;
import dev.gradflow.exactlyonce.StatefulStream;
import dev.gradflow.exactlyonce.StreamHealth;
import dev.gradflow.jobs.config.JobsConfig;
import dev.gradflow.jobs.service.JobService;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Starts the jobs stream (a {@link StatefulStream} running the {@link JobService}) with the application, and stops it. */
@ApplicationScoped
public class JobStreamBean {

    @Inject
    JobsConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry meters;

    /** Quarkus' shared Kafka configuration ({@code kafka.*}): bootstrap servers, security. */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @ConfigProperty(name = "gradflow.instance-id")
    Optional<String> instanceId;

    private volatile StatefulStream stream;

    void start(@Observes StartupEvent event) {
        StatefulSettings settings = new StatefulSettings(config.commandsTopic(), config.stateTopic(),
                List.of(config.progressTopic()), config.deadLetterTopic(), config.groupId(),
                config.maxRecordsPerTransaction(), config.sessionTimeout(), config.heartbeatInterval(),
                config.transactionTimeout(), config.consumer(), config.producer());
        stream = StatefulStream.start(settings, kafka, instanceId, new JobService(config, json, meters,
                Clock.systemUTC()), meters);
    }

    void stop(@Observes ShutdownEvent event) {
        if (stream != null) {
            stream.close();
        }
    }

    /** The stream's state for the health checks. */
    public StreamHealth health() {
        StatefulStream current = stream;
        return current == null ? new StreamHealth(StreamHealth.State.STARTING, "", "not started yet")
                : current.health();
    }
}

package dev.gradflow.jobs.listener;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Starts the jobs stream with the application and stops it with it. */
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

    private volatile JobStream stream;

    void start(@Observes StartupEvent event) {
        stream = JobStream.start(config, kafka, instanceId, new JobService(config, json, meters,
                Clock.systemUTC()), meters);
    }

    void stop(@Observes ShutdownEvent event) {
        if (stream != null) {
            stream.close();
        }
    }

    /** The stream's state for the health checks. */
    public StreamHealth health() {
        JobStream current = stream;
        return current == null ? new StreamHealth(StreamHealth.State.STARTING, "", "not started yet")
                : current.health();
    }
}

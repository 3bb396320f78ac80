package dev.gradflow.jobs.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes {@code gradflow_build_info} (always 1) with this job-service's version, as the forward-service and the
 * gradient-service do with theirs and their BLAS, so a dashboard shows which versions run side by side in a rollout.
 * The job-service multiplies no matrices, so its BLAS is "none", as the gateway's.
 */
@ApplicationScoped
public class BuildInfo {

    @Inject
    MeterRegistry meters;

    @ConfigProperty(name = "quarkus.application.version")
    String version;

    void register(@Observes StartupEvent event) {
        Gauge.builder("gradflow.build.info", () -> 1).description("The version of this service")
                .tag("version", version).tag("blas", "none").register(meters);
    }
}

package dev.gradflow.forward.service;

import dev.gradflow.core.kernels.GemmDescription;
import dev.gradflow.core.kernels.Gemms;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes what computes this instance's dense products as {@code gradflow_engine_info} (always 1; the
 * implementation, library and thread count are its tags), and chooses it at startup, so the choice is in the log
 * before the first batch and a slow fallback is visible on a dashboard. Also publishes {@code gradflow_build_info}
 * (always 1) with the version and the BLAS in use, as the gateway does with its version.
 */
@ApplicationScoped
public class EngineInfo {

    @Inject
    MeterRegistry meters;

    @ConfigProperty(name = "quarkus.application.version")
    String version;

    void register(@Observes StartupEvent event) {
        GemmDescription gemm = Gemms.activeDescription();
        Gauge.builder("gradflow.engine.info", () -> 1).description("What computes the dense products")
                .tag("implementation", gemm.implementation()).tag("library", gemm.library())
                .tag("threads", String.valueOf(gemm.threads())).register(meters);
        Gauge.builder("gradflow.build.info", () -> 1).description("The version of this service and its BLAS")
                .tag("version", version).tag("blas", gemm.implementation()).register(meters);
    }
}

package dev.gradflow.jobs.listener;

import dev.gradflow.exactlyonce.StreamHealth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The jobs stream in {@code /q/health}: ready while it consumes, alive unless it stopped for good (a wrong
 * password, a missing ACL, a duplicated instance id), which only a restart with other settings can fix.
 */
@ApplicationScoped
public class JobStreamHealth {

    @Inject
    JobStreamBean stream;

    @Produces
    @Readiness
    HealthCheck ready() {
        return () -> response(stream.health(), stream.health().isUp());
    }

    @Produces
    @Liveness
    HealthCheck alive() {
        return () -> response(stream.health(), stream.health().isAlive());
    }

    private static HealthCheckResponse response(StreamHealth health, boolean up) {
        return HealthCheckResponse.named("jobs stream").status(up).withData("state", health.state().name())
                .withData("member", health.member()).withData("detail", health.detail()).build();
    }
}

package dev.gradflow.gateway.tenant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link TenantLimiter} of this instance and its metrics: {@code gradflow.gateway.requests.rejected} by
 * {@code tenant} and {@code reason}, and {@code gradflow.gateway.bytes.in.flight} by {@code tenant}. The tenant is a
 * tag because the tenants file bounds how many there are; no id ever is.
 */
@ApplicationScoped
public class TenantAdmission {
    /** The {@code tenant} tag of requests that named no tenant: no key, or an unknown one. */
    public static final String NO_TENANT = "(none)";

    @Inject
    MeterRegistry meters;

    private final TenantLimiter limiter = new TenantLimiter();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    public TenantLimiter.Admission admit(Tenant tenant, long bodyBytes) {
        register(tenant.name());
        TenantLimiter.Admission admission = limiter.admit(tenant, bodyBytes);
        if (!admission.admitted()) {
            rejected(tenant.name(), admission.reason().label());
        }
        return admission;
    }

    public void release(String tenant, long bodyBytes) {
        limiter.release(tenant, bodyBytes);
    }

    /** Counts a refused request. */
    public void rejected(String tenant, String reason) {
        counter(tenant, reason).increment();
    }

    /** A tenant's series start at 0 the first time it is seen, so that its first refusal shows as an increase. */
    private void register(String tenant) {
        if (registered.add(tenant)) {
            for (TenantLimiter.Reason reason : TenantLimiter.Reason.values()) {
                counter(tenant, reason.label());
            }
            Gauge.builder("gradflow.gateway.bytes.in.flight", limiter, l -> l.bytesInFlight(tenant))
                    .description("Request-body bytes of the tenant this instance holds now")
                    .tag("tenant", tenant).register(meters);
        }
    }

    private Counter counter(String tenant, String reason) {
        return Counter.builder("gradflow.gateway.requests.rejected").description("Requests refused before any"
                + " resource ran: no or an unknown API key (tenant \"" + NO_TENANT + "\"), or over a tenant's limits")
                .tag("tenant", tenant).tag("reason", reason).register(meters);
    }
}

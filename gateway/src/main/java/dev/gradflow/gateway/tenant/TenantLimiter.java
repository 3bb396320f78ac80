package dev.gradflow.gateway.tenant;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Each tenant's own allowance on this gateway instance, so that one tenant's flood is refused while the others go
 * on: a token bucket of requests ({@link TenantLimits#requestsPerSecond()} refilling up to
 * {@link TenantLimits#burst()}) and a count of request-body bytes in flight (admitted and not yet answered, up to
 * {@link TenantLimits#maxBytesInFlight()}). Nothing is shared between tenants but this map.
 *
 * <p>Bytes in flight are the bodies the gateway holds for the tenant: from the moment a request is admitted (its
 * {@code Content-Length}, before the body is read) until its answer has been sent, which for a batch, a definition,
 * a job or a dataset includes waiting for Kafka to acknowledge the record. So the limit bounds the tenant's share of
 * the gateway's memory and of the producers' buffers, which all tenants share. Batches published and not yet
 * answered by the pipeline are not counted: the rate bounds those.
 */
public final class TenantLimiter {
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** Why a request was refused; the label is the metric's {@code reason} tag. */
    public enum Reason {
        RATE("rate"), BYTES_IN_FLIGHT("bytes-in-flight"), BODY_OVER_LIMIT("body-over-limit");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * The decision on one request.
     *
     * @param reason null when admitted
     * @param retryAfterSeconds when a retry may succeed (the {@code Retry-After} header), for a refused request
     */
    public record Admission(Reason reason, long retryAfterSeconds) {
        static final Admission ADMITTED = new Admission(null, 0);

        public boolean admitted() {
            return reason == null;
        }
    }

    public TenantLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    public TenantLimiter() {
        this(System::nanoTime);
    }

    /**
     * Admits a request of {@code bodyBytes} for {@code tenant}, or says why not. An admitted request must be
     * {@link #release released} with the same bytes when it ends.
     */
    public Admission admit(Tenant tenant, long bodyBytes) {
        return buckets.computeIfAbsent(tenant.name(), name -> new Bucket(tenant.limits().burst(), nanoTime.getAsLong()))
                .admit(tenant.limits(), bodyBytes, nanoTime.getAsLong());
    }

    /** Ends an admitted request of {@code bodyBytes}. */
    public void release(String tenant, long bodyBytes) {
        Bucket bucket = buckets.get(tenant);
        if (bucket != null) {
            bucket.release(bodyBytes);
        }
    }

    public long bytesInFlight(String tenant) {
        Bucket bucket = buckets.get(tenant);
        return bucket == null ? 0 : bucket.inFlight();
    }

    /** One tenant's allowance. The limits come with each request, so a reloaded tenants file applies at once. */
    private static final class Bucket {
        private double tokens;
        private long refilledAt;
        private long inFlight;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        synchronized Admission admit(TenantLimits limits, long bodyBytes, long now) {
            if (bodyBytes > limits.maxBytesInFlight()) {
                return new Admission(Reason.BODY_OVER_LIMIT, 0);
            }
            tokens = Math.min(limits.burst(), tokens + (now - refilledAt) / 1e9 * limits.requestsPerSecond());
            refilledAt = now;
            if (tokens < 1) {
                return new Admission(Reason.RATE, (long) Math.ceil((1 - tokens) / limits.requestsPerSecond()));
            }
            if (inFlight + bodyBytes > limits.maxBytesInFlight()) {
                // When bytes come free depends on other requests' answers; one second is a polite guess.
                return new Admission(Reason.BYTES_IN_FLIGHT, 1);
            }
            tokens -= 1;
            inFlight += bodyBytes;
            return Admission.ADMITTED;
        }

        synchronized void release(long bodyBytes) {
            inFlight = Math.max(0, inFlight - bodyBytes);
        }

        synchronized long inFlight() {
            return inFlight;
        }
    }
}

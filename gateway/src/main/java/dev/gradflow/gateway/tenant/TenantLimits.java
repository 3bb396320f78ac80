package dev.gradflow.gateway.tenant;

/**
 * What one tenant may ask of one gateway instance at once. Each instance keeps its own count, so a tenant's share of
 * the whole deployment is these limits times the number of gateways.
 *
 * @param requestsPerSecond the rate at which the tenant's request allowance refills
 * @param burst the most requests the tenant may send at once after a quiet spell (the bucket's size)
 * @param maxBytesInFlight the most request-body bytes of the tenant this instance holds at once: bodies being
 *     received, checked and published, until the answer to each is sent
 */
public record TenantLimits(double requestsPerSecond, int burst, long maxBytesInFlight) {

    public TenantLimits {
        if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
            throw new IllegalArgumentException("requestsPerSecond must be a positive number, got " + requestsPerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1, got " + burst);
        }
        if (maxBytesInFlight < 1) {
            throw new IllegalArgumentException("maxBytesInFlight must be at least 1, got " + maxBytesInFlight);
        }
    }
}

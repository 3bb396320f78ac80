package dev.gradflow.gateway.tenant;

import java.util.regex.Pattern;

/**
 * A tenant of the tenants file.
 *
 * @param name its name: the {@code gradflow-tenant} header of its records and the {@code tenant} tag of its metrics
 * @param limits what it may ask at once
 * @param ownsUnowned whether it also owns the records that name no tenant
 */
public record Tenant(String name, TenantLimits limits, boolean ownsUnowned) {
    /** Tenant names: safe as a header value, a metric tag and a log word. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
}

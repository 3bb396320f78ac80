package dev.gradflow.core.wire;

import java.nio.charset.StandardCharsets;

/**
 * The record header that names the tenant a record belongs to ({@code docs/wire-format.md}, "Tenants"). The gateway
 * writes it on the definitions, batches, jobs and datasets a tenant sends, and the job-service copies a job's onto
 * the job's network, batches and progress. A record without it belongs to no tenant. The value is the tenant's name
 * in UTF-8; it is a header, not a field of the records, so that the binary formats stay as they are and a reader
 * that does not know tenants reads every record as before.
 */
public final class TenantHeader {
    /** The header's key. */
    public static final String NAME = "gradflow-tenant";

    private TenantHeader() {
    }

    public static byte[] encode(String tenant) {
        return tenant.getBytes(StandardCharsets.UTF_8);
    }

    /** The tenant a header value names, or null for a record without the header. */
    public static String decode(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }
}

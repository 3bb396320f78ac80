package dev.gradflow.gateway.tenant;

/**
 * Who is asking, as far as ownership goes: the tenant of the request's API key, or {@link #ANYONE} when tenancy is
 * off (no keys configured), who sees everything and whose records carry no tenant.
 *
 * @param tenant the tenant's name, or null when tenancy is off
 * @param ownsUnowned whether this tenant also owns the records that name no tenant (the tenants file's
 *     {@code unownedRecords})
 */
public record Caller(String tenant, boolean ownsUnowned) {
    /** Tenancy off: every record is everyone's. */
    public static final Caller ANYONE = new Caller(null, true);

    public static Caller of(Tenant tenant) {
        return new Caller(tenant.name(), tenant.ownsUnowned());
    }

    /**
     * Whether a record belonging to {@code owner} is this caller's to see. Someone else's record is answered exactly
     * as an unknown id is (404), so that an id says nothing about another tenant's records.
     *
     * @param owner the record's tenant, or null for a record that names none
     */
    public boolean owns(String owner) {
        if (tenant == null) {
            return true;
        }
        return owner == null ? ownsUnowned : tenant.equals(owner);
    }
}

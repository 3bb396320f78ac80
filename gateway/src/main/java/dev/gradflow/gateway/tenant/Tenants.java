package dev.gradflow.gateway.tenant;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One reading of the tenants: each tenant and the hashes of its keys. Immutable; a reload builds a new one.
 *
 * <p>Finding a key's tenant compares the key's SHA-256 with every stored hash, each with
 * {@link MessageDigest#isEqual} (constant time in the bytes compared), and never stops at the first match, so how
 * long it takes depends on the number of keys, not on which key matched, how much of it, or whether any did.
 */
public final class Tenants {
    private final Map<String, Tenant> byName;
    private final byte[][] hashes;
    private final Tenant[] owners;

    /**
     * @param keyHashes each tenant's key digests (32 bytes each), by tenant name; a digest must name one tenant
     */
    public Tenants(Collection<Tenant> tenants, Map<String, List<byte[]>> keyHashes) {
        Map<String, Tenant> names = new LinkedHashMap<>();
        List<byte[]> allHashes = new ArrayList<>();
        List<Tenant> allOwners = new ArrayList<>();
        for (Tenant tenant : tenants) {
            if (names.put(tenant.name(), tenant) != null) {
                throw new IllegalArgumentException("tenant " + tenant.name() + " is named twice");
            }
            for (byte[] hash : keyHashes.getOrDefault(tenant.name(), List.of())) {
                for (int i = 0; i < allHashes.size(); i++) {
                    if (MessageDigest.isEqual(allHashes.get(i), hash)) {
                        throw new IllegalArgumentException("a key of tenant " + tenant.name() + " is also a key of "
                                + (allOwners.get(i).name().equals(tenant.name()) ? "the same tenant"
                                        : "tenant " + allOwners.get(i).name()) + "; a key must name one tenant");
                    }
                }
                allHashes.add(hash.clone());
                allOwners.add(tenant);
            }
        }
        this.byName = Collections.unmodifiableMap(names);
        this.hashes = allHashes.toArray(new byte[0][]);
        this.owners = allOwners.toArray(new Tenant[0]);
    }

    /** The tenant whose key this is, if any. */
    public Optional<Tenant> authenticate(String presentedKey) {
        byte[] digest = KeyHashes.digest(presentedKey);
        Tenant found = null;
        for (int i = 0; i < hashes.length; i++) {
            // No early exit: every stored hash is compared, whichever matches.
            if (MessageDigest.isEqual(hashes[i], digest)) {
                found = owners[i];
            }
        }
        return Optional.ofNullable(found);
    }

    public Optional<Tenant> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Collection<Tenant> all() {
        return byName.values();
    }

    /** How many keys all the tenants have together. */
    public int keyCount() {
        return hashes.length;
    }
}

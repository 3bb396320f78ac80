package dev.gradflow.gateway.service;

import dev.gradflow.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * Client-chosen idempotency keys for batch submissions. The batch id of a keyed submission is derived from the
 * tenant, the network id and the key (a name-based UUID), so a retry, through this gateway or another, names the same
 * batch; this gateway also remembers the keys it has published (the {@code gradflow.gateway.idempotency-keys} most
 * recent) and answers a retry without publishing a second record. Reusing a key for a different body is a conflict.
 *
 * <p>A key belongs to its tenant: the same key from another tenant is another key, a fresh submission, and never
 * learns the first tenant's batch id nor is refused for its body.
 */
@ApplicationScoped
public class IdempotencyKeys {
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();

    @Inject
    GatewayConfig config;

    /** What a key was first used for. */
    private record Entry(String batchId, byte[] bodyDigest) {
    }

    /** The result of a keyed submission. */
    public record Submission(String batchId, boolean replayed) {
    }

    /**
     * The batch id a key stands for in a network.
     *
     * @param tenant the submitting tenant, or null when tenancy is off (the id is then the one a gateway without
     *     tenants derived)
     */
    public static String batchId(String tenant, String networkId, String key) {
        return UUID.nameUUIDFromBytes(scoped(tenant, networkId, key).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String scoped(String tenant, String networkId, String key) {
        String local = networkId + "\u0000" + key;
        return tenant == null ? local : tenant + "\u0000" + local;
    }

    /**
     * Publishes through {@code publish} unless this tenant already published this key for the same body.
     *
     * @param tenant the submitting tenant, or null when tenancy is off
     * @throws IdempotencyConflictException when the key was used for a different body
     */
    public Submission submit(String tenant, String networkId, String key, byte[] body, Supplier<String> publish) {
        String mapKey = scoped(tenant, networkId, key);
        byte[] digest = digest(body);
        boolean[] replayed = {true};
        // compute() runs at most once at a time per key: a concurrent retry waits for the first to publish, then
        // sees its entry. A failed publish leaves no entry, so the client may retry.
        Entry entry = entries.compute(mapKey, (k, existing) -> {
            if (existing != null) {
                return existing;
            }
            replayed[0] = false;
            return new Entry(publish.get(), digest);
        });
        if (!Arrays.equals(entry.bodyDigest(), digest)) {
            throw new IdempotencyConflictException(key);
        }
        if (!replayed[0]) {
            order.add(mapKey);
            while (entries.size() > config.idempotencyKeys()) {
                String oldest = order.poll();
                if (oldest == null) {
                    break;
                }
                entries.remove(oldest);
            }
        }
        return new Submission(entry.batchId(), replayed[0]);
    }

    private static byte[] digest(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

package dev.gradflow.gateway.tenant;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the tenants file: JSON, mounted from a Kubernetes Secret.
 *
 * <pre>{@code
 * {"version": 1,
 *  "unownedRecords": "ops",
 *  "tenants": {
 *    "team-a": {"keys": ["sha256:<64 hex digits>", "sha256:<…>"], "requestsPerSecond": 20},
 *    "ops":    {"keys": ["sha256:<…>"]}}}
 * }</pre>
 *
 * <p>{@code keys} are the SHA-256 hashes of the tenant's API keys ({@link KeyHashes}); several, so that a new key can
 * be added before the old one is removed. {@code requestsPerSecond}, {@code burst} and {@code maxBytesInFlight}
 * override the configured defaults for one tenant. {@code unownedRecords} names the tenant that owns the records
 * that carry no tenant (written to the topics by other producers); without it nobody sees them. Every mistake is
 * reported with its place in the file ({@code tenants.team-a.keys[1]}) and never repeats a value, since a key
 * pasted where its hash belongs must not reach a log.
 */
public final class TenantsFile {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Set<String> TOP_FIELDS = Set.of("version", "unownedRecords", "tenants");
    private static final Set<String> TENANT_FIELDS = Set.of("keys", "requestsPerSecond", "burst", "maxBytesInFlight");

    private TenantsFile() {
    }

    /** A tenants file that cannot be used, with the place of the mistake; never a value from the file. */
    public static final class TenantsFileException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TenantsFileException(String message) {
            super(message);
        }
    }

    /**
     * @param defaults the limits of a tenant that sets none
     * @throws TenantsFileException naming the place of the first mistake
     */
    public static Tenants parse(byte[] file, TenantLimits defaults) {
        JsonNode root = read(file);
        if (!root.isObject()) {
            throw new TenantsFileException("$: expected an object {\"version\": 1, \"tenants\": {...}}");
        }
        unknownFields(root, TOP_FIELDS, "");
        JsonNode version = root.get("version");
        if (version == null || !version.isInt() || version.intValue() != 1) {
            throw new TenantsFileException("version: must be 1, the only version this gateway reads");
        }
        JsonNode tenantsNode = root.get("tenants");
        if (tenantsNode == null || !tenantsNode.isObject()) {
            throw new TenantsFileException("tenants: is required: an object of tenant name: {\"keys\": [...]}");
        }
        String unowned = null;
        JsonNode unownedNode = root.get("unownedRecords");
        if (unownedNode != null && !unownedNode.isNull()) {
            if (!unownedNode.isTextual() || !tenantsNode.has(unownedNode.textValue())) {
                throw new TenantsFileException("unownedRecords: must name a tenant of \"tenants\"");
            }
            unowned = unownedNode.textValue();
        }
        List<Tenant> tenants = new ArrayList<>();
        Map<String, List<byte[]>> hashes = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : tenantsNode.properties()) {
            String name = entry.getKey();
            String at = "tenants." + name;
            if (!Tenant.NAME.matcher(name).matches()) {
                throw new TenantsFileException("tenants: a tenant name must match " + Tenant.NAME.pattern()
                        + " (it becomes a record header and a metric tag)");
            }
            JsonNode tenant = entry.getValue();
            if (!tenant.isObject()) {
                throw new TenantsFileException(at + ": expected an object {\"keys\": [...]}");
            }
            unknownFields(tenant, TENANT_FIELDS, at + ".");
            JsonNode keys = tenant.get("keys");
            if (keys == null || !keys.isArray()) {
                throw new TenantsFileException(at + ".keys: is required: an array of \"sha256:<hex>\" (it may be"
                        + " empty, which locks the tenant out)");
            }
            List<byte[]> digests = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                JsonNode key = keys.get(i);
                if (!key.isTextual() || !KeyHashes.isStoredForm(key.textValue())) {
                    throw new TenantsFileException(at + ".keys[" + i + "]: expected \"sha256:\" and 64 hex digits,"
                            + " the SHA-256 of the key (printf %s \"$key\" | sha256sum), never the key itself");
                }
                digests.add(KeyHashes.parse(key.textValue()));
            }
            TenantLimits limits;
            try {
                limits = new TenantLimits(number(tenant, "requestsPerSecond", at, defaults.requestsPerSecond()),
                        (int) Math.min(Integer.MAX_VALUE, (long) number(tenant, "burst", at, defaults.burst())),
                        (long) number(tenant, "maxBytesInFlight", at, defaults.maxBytesInFlight()));
            } catch (IllegalArgumentException e) {
                throw new TenantsFileException(at + "." + e.getMessage());
            }
            tenants.add(new Tenant(name, limits, name.equals(unowned)));
            hashes.put(name, digests);
        }
        try {
            return new Tenants(tenants, hashes);
        } catch (IllegalArgumentException e) {
            throw new TenantsFileException("tenants: " + e.getMessage());
        }
    }

    private static JsonNode read(byte[] file) {
        if (file.length == 0) {
            throw new TenantsFileException("$: the file is empty");
        }
        try {
            return JSON.readTree(file);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the text around the mistake; only its place is reported.
            JsonLocation location = e.getLocation();
            throw new TenantsFileException("$: malformed JSON" + (location == null ? ""
                    : " at line " + location.getLineNr() + ", column " + location.getColumnNr()));
        } catch (IOException e) {
            throw new TenantsFileException("$: unreadable: " + e.getClass().getSimpleName());
        }
    }

    private static void unknownFields(JsonNode node, Set<String> known, String prefix) {
        for (String field : (Iterable<String>) node::fieldNames) {
            if (!known.contains(field)) {
                // A field's name is repeated only when it looks like one, not like a key pasted in the wrong place.
                String named = field.matches("[A-Za-z]{1,40}") ? prefix + field : prefix.isEmpty() ? "$" : prefix
                        + "(a field)";
                throw new TenantsFileException(named + ": unknown field, expected one of "
                        + known.stream().sorted().toList());
            }
        }
    }

    private static double number(JsonNode tenant, String field, String at, double fallback) {
        JsonNode value = tenant.get(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isNumber() || !Double.isFinite(value.doubleValue()) || value.doubleValue() <= 0
                || (!field.equals("requestsPerSecond") && !value.canConvertToExactIntegral())) {
            throw new TenantsFileException(at + "." + field + ": must be a positive "
                    + (field.equals("requestsPerSecond") ? "number" : "integer"));
        }
        return value.doubleValue();
    }
}

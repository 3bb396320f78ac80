package dev.gradflow.gateway;

import dev.gradflow.gateway.tenant.KeyHashes;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A gateway with tenants, read from a tenants file laid out as Kubernetes mounts a Secret: {@code tenants.json} is a
 * link to {@code ..data/tenants.json}, {@code ..data} a link to a timestamped directory, and an update writes a new
 * directory and swaps {@code ..data} in one rename ({@link #publish}). The keys are random for each run, so a test
 * that looks for them in the log cannot find them by chance. Quarkus loads this class more than once (the test's class
 * loader and the application's), so the keys and the directory are made once per JVM and kept in system properties.
 *
 * <ul>
 *   <li>{@code team-a}, {@code team-b}: two ordinary tenants, with room for a corpus of requests;</li>
 *   <li>{@code ops}: owns the records that name no tenant;</li>
 *   <li>{@code slow}: 0.5 requests per second, a burst of 2;</li>
 *   <li>{@code small}: 2,000 bytes in flight;</li>
 *   <li>{@code rotating}: whose keys a test changes.</li>
 * </ul>
 */
public class TenantsProfile implements QuarkusTestProfile {
    static final String KEY_A = once("key-a", TenantsProfile::newKey);
    static final String KEY_B = once("key-b", TenantsProfile::newKey);
    static final String KEY_OPS = once("key-ops", TenantsProfile::newKey);
    static final String KEY_SLOW = once("key-slow", TenantsProfile::newKey);
    static final String KEY_SMALL = once("key-small", TenantsProfile::newKey);
    static final String KEY_ROTATING = once("key-rotating", TenantsProfile::newKey);
    static final Path DIRECTORY = Path.of(once("directory", TenantsProfile::directory));
    static final Path FILE = DIRECTORY.resolve("tenants.json");

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("gradflow.gateway.tenants-file", FILE.toString(),
                "gradflow.gateway.tenants-poll-interval", "PT0.1S");
    }

    private static String once(String name, Supplier<String> make) {
        synchronized (System.getProperties()) {
            String property = "gradflow.test.tenants." + name;
            String value = System.getProperty(property);
            if (value == null) {
                value = make.get();
                System.setProperty(property, value);
            }
            return value;
        }
    }

    /** A key as the README makes them: 32 random bytes, base64url without padding. */
    static String newKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The tenants file with these keys for tenant {@code rotating}. */
    static String file(List<String> rotatingKeys) {
        return """
                {"version": 1,
                 "unownedRecords": "ops",
                 "tenants": {
                   "team-a": {"keys": ["%s"], "requestsPerSecond": 1000, "burst": 1000},
                   "team-b": {"keys": ["%s"], "requestsPerSecond": 1000, "burst": 1000},
                   "ops": {"keys": ["%s"]},
                   "slow": {"keys": ["%s"], "requestsPerSecond": 0.5, "burst": 2},
                   "small": {"keys": ["%s"], "maxBytesInFlight": 2000},
                   "rotating": {"keys": [%s]}}}
                """.formatted(KeyHashes.hash(KEY_A), KeyHashes.hash(KEY_B), KeyHashes.hash(KEY_OPS),
                KeyHashes.hash(KEY_SLOW), KeyHashes.hash(KEY_SMALL),
                rotatingKeys.stream().map(key -> "\"" + KeyHashes.hash(key) + "\"").collect(Collectors.joining(", ")));
    }

    /** Replaces the file's content as the kubelet does: a new directory, then one atomic swap of {@code ..data}. */
    static void publish(String content) throws IOException {
        publish(DIRECTORY, content);
    }

    private static void publish(Path directory, String content) throws IOException {
        String version = "..v" + System.nanoTime();
        Files.createDirectory(directory.resolve(version));
        Files.writeString(directory.resolve(version).resolve("tenants.json"), content);
        Path link = directory.resolve("..data_tmp");
        Files.createSymbolicLink(link, Path.of(version));
        Files.move(link, directory.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** The directory, with the first version of the file. */
    private static String directory() {
        try {
            Path directory = Files.createTempDirectory("gradflow-tenants");
            publish(directory, file(List.of(KEY_ROTATING)));
            Files.createSymbolicLink(directory.resolve("tenants.json"), Path.of("..data", "tenants.json"));
            return directory.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

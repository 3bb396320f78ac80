package dev.gradflow.gateway.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gradflow.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which configuration turns tenants on, and what stops the gateway at startup. */
class TenantDirectoryTest {

    /** The directory as CDI would make it, with only the settings it reads. */
    private static TenantDirectory directory(Optional<List<String>> apiKeys, Optional<Path> file) {
        GatewayConfig.TenantLimitDefaults limits = (GatewayConfig.TenantLimitDefaults) Proxy.newProxyInstance(
                TenantDirectoryTest.class.getClassLoader(), new Class<?>[] {GatewayConfig.TenantLimitDefaults.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "requestsPerSecond" -> 100.0;
                    case "burst" -> 200;
                    case "maxBytesInFlight" -> 1L << 28;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        Map<String, Object> settings = Map.of("apiKeys", apiKeys, "tenantsFile", file,
                "tenantsPollInterval", Duration.ofHours(1), "tenantLimits", limits);
        TenantDirectory directory = new TenantDirectory();
        directory.config = (GatewayConfig) Proxy.newProxyInstance(TenantDirectoryTest.class.getClassLoader(),
                new Class<?>[] {GatewayConfig.class}, (proxy, method, args) -> {
                    if (!settings.containsKey(method.getName())) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return settings.get(method.getName());
                });
        directory.meters = new SimpleMeterRegistry();
        directory.start();
        return directory;
    }

    @Test
    void withoutKeysOrAFileTheCheckIsOff() {
        TenantDirectory directory = directory(Optional.empty(), Optional.empty());

        assertThat(directory.enabled()).isFalse();
        assertThat(directory.authenticate("anything")).isEmpty();
    }

    @Test
    void theOlderApiKeysAreOneTenantThatOwnsTheUnownedRecords() {
        TenantDirectory directory = directory(Optional.of(List.of("old-key", "new-key", "old-key")),
                Optional.empty());

        assertThat(directory.enabled()).isTrue();
        Tenant tenant = directory.authenticate("new-key").orElseThrow();
        assertThat(tenant.name()).isEqualTo("default");
        assertThat(tenant.ownsUnowned()).isTrue();
        assertThat(directory.authenticate("old-key")).contains(tenant);
        assertThat(directory.authenticate("other")).isEmpty();
    }

    @Test
    void aTenantsFileWithNoTenantsRefusesEveryKey(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("tenants.json"), "{\"version\": 1, \"tenants\": {}}");

        TenantDirectory directory = directory(Optional.empty(), Optional.of(file));
        try {
            assertThat(directory.enabled()).as("a file turns the check on, whatever it holds").isTrue();
            assertThat(directory.authenticate("anything")).isEmpty();
        } finally {
            directory.stop();
        }
    }

    @Test
    void bothSettingsOrAnUnusableFileStopTheGatewayAtStartup(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("tenants.json"), "{\"version\": 1, \"tenants\": {}}");
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"version\": 1, \"tenants\": {\"a\": {\"keys\":"
                + " [\"a-key-pasted-by-mistake\"]}}}");

        assertThatThrownBy(() -> directory(Optional.of(List.of("k")), Optional.of(file)))
                .hasMessageStartingWith("both gradflow.gateway.tenants-file and gradflow.gateway.api-keys are set");
        assertThatThrownBy(() -> directory(Optional.empty(), Optional.of(dir.resolve("missing.json"))))
                .hasMessageContaining("cannot be used: NoSuchFileException");
        assertThatThrownBy(() -> directory(Optional.empty(), Optional.of(broken)))
                .hasMessageEndingWith("cannot be used: tenants.a.keys[0]: expected \"sha256:\" and 64 hex digits, the"
                        + " SHA-256 of the key (printf %s \"$key\" | sha256sum), never the key itself")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pasted"));
    }
}

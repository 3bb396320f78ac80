package dev.gradflow.gateway.tenant;

import dev.gradflow.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The tenants this gateway knows, from {@code gradflow.gateway.tenants-file} (or the older
 * {@code gradflow.gateway.api-keys}, one implicit tenant), and the tenant of a presented API key.
 *
 * <p>The file is checked every {@code gradflow.gateway.tenants-poll-interval} and read again when the file its path
 * leads to, its size or its modification time changed. Kubernetes updates a mounted Secret by pointing a symbolic
 * link at a new directory in one step, so the path is followed each time, never a file handle kept open. A file that
 * cannot be read or used is reported (its place of mistake, never its content) and the tenants read last stay in
 * force; at startup it stops the gateway.
 */
@Startup
@ApplicationScoped
public class TenantDirectory {
    private static final Logger LOG = Logger.getLogger(TenantDirectory.class);
    /** The implicit tenant of {@code gradflow.gateway.api-keys}. */
    public static final String LEGACY_TENANT = "default";

    /** What identifies one version of the file: a new link target, size or modification time is a new version. */
    private record Version(Path target, long size, Instant modified, Object fileKey) {
    }

    @Inject
    GatewayConfig config;

    @Inject
    MeterRegistry meters;

    /** Null while tenancy is off. */
    private volatile Tenants tenants;
    private Version loaded;
    private Version refused;
    private String lastProblem;
    private ScheduledExecutorService poller;

    @PostConstruct
    void start() {
        Optional<List<String>> apiKeys = config.apiKeys().filter(keys -> !keys.isEmpty());
        Optional<Path> file = config.tenantsFile();
        if (file.isPresent() && apiKeys.isPresent()) {
            throw new IllegalStateException("both gradflow.gateway.tenants-file and gradflow.gateway.api-keys are set;"
                    + " set only the tenants file (README, \"Security\", has how to move the keys into it)");
        }
        Gauge.builder("gradflow.gateway.tenants", this, directory -> directory.tenants == null ? 0
                : directory.tenants.all().size()).description("Tenants configured (0: the API-key check is off)")
                .register(meters);
        if (apiKeys.isPresent()) {
            TenantLimits limits = defaults();
            tenants = new Tenants(List.of(new Tenant(LEGACY_TENANT, limits, true)),
                    Map.of(LEGACY_TENANT, apiKeys.get().stream().distinct().map(KeyHashes::digest).toList()));
            LOG.infof("API keys: %d keys of one tenant, %s (gradflow.gateway.api-keys)", tenants.keyCount(),
                    LEGACY_TENANT);
        } else if (file.isPresent()) {
            try {
                reload(file.get());
            } catch (IOException | TenantsFile.TenantsFileException e) {
                throw new IllegalStateException("the tenants file " + file.get() + " cannot be used: " + describe(e));
            }
            for (String outcome : List.of("ok", "failed")) {
                Counter.builder("gradflow.gateway.tenants.reloads").description("Times the tenants file was read"
                        + " again after a change, by outcome").tag("outcome", outcome).register(meters);
            }
            long interval = config.tenantsPollInterval().toMillis();
            poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "gradflow-tenants-file");
                thread.setDaemon(true);
                return thread;
            });
            poller.scheduleWithFixedDelay(() -> poll(file.get()), interval, interval, TimeUnit.MILLISECONDS);
        } else {
            LOG.info("API keys: none configured, every request is served (the check is off)");
        }
    }

    @PreDestroy
    void stop() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    /** Whether requests need an API key. */
    public boolean enabled() {
        return tenants != null;
    }

    /** The tenant whose key this is; empty for an unknown key, or when the check is off. */
    public Optional<Tenant> authenticate(String presentedKey) {
        Tenants current = tenants;
        return current == null ? Optional.empty() : current.authenticate(presentedKey);
    }

    /** The tenants now in force; empty when the check is off. */
    public Optional<Tenants> current() {
        return Optional.ofNullable(tenants);
    }

    private void poll(Path file) {
        try {
            reload(file);
            lastProblem = null;
        } catch (IOException | TenantsFile.TenantsFileException e) {
            // Once per problem, not once per poll: a missing file stays missing for many polls.
            String problem = describe(e);
            if (!problem.equals(lastProblem)) {
                lastProblem = problem;
                count("failed");
                LOG.warnf("the tenants file %s cannot be used: %s; the %d tenants read before stay in force", file,
                        problem, tenants.all().size());
            }
        } catch (RuntimeException e) {
            count("failed");
            LOG.errorf("checking the tenants file %s failed: %s", file, e.getClass().getName());
        }
    }

    /** Reads the file when it is neither the version read last nor one found unusable already (reported once). */
    private synchronized void reload(Path file) throws IOException {
        Version version = version(file);
        if (version.equals(loaded) || version.equals(refused)) {
            return;
        }
        // The version is taken before the read: a file replaced in between is read once more at the next poll.
        Tenants read;
        try {
            read = TenantsFile.parse(Files.readAllBytes(file), defaults());
        } catch (IOException | TenantsFile.TenantsFileException e) {
            refused = version;
            throw e;
        }
        boolean first = loaded == null;
        tenants = read;
        loaded = version;
        if (!first) {
            count("ok");
        }
        LOG.infof("tenants file %s %s: %d tenants with %d keys", file, first ? "read" : "read again",
                read.all().size(), read.keyCount());
    }

    private static Version version(Path file) throws IOException {
        Path target = file.toRealPath();
        BasicFileAttributes attributes = Files.readAttributes(target, BasicFileAttributes.class);
        return new Version(target, attributes.size(), attributes.lastModifiedTime().toInstant(),
                attributes.fileKey());
    }

    private TenantLimits defaults() {
        GatewayConfig.TenantLimitDefaults limits = config.tenantLimits();
        return new TenantLimits(limits.requestsPerSecond(), limits.burst(), limits.maxBytesInFlight());
    }

    private void count(String outcome) {
        meters.counter("gradflow.gateway.tenants.reloads", "outcome", outcome).increment();
    }

    /** A reason fit for a log: the place of a mistake, or the kind of I/O failure and the path, never content. */
    private static String describe(Exception e) {
        if (e instanceof TenantsFile.TenantsFileException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}

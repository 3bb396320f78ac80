package dev.gradflow.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings under {@code gradflow.gateway}. */
@ConfigMapping(prefix = "gradflow.gateway")
public interface GatewayConfig {

    /** Largest number of elements in one tensor of a definition or a batch. */
    @WithDefault("16777216")
    long maxTensorElements();

    /** Largest number of nodes in a network's graph. */
    @WithDefault("10000")
    int maxNodes();

    /** Memory the result store may use (approximate bytes of tensors); the oldest results are dropped first. */
    @WithDefault("536870912")
    long resultsMaxBytes();

    /** The most elements of each parameter and input a gradient check may ask for; each costs four forward passes. */
    @WithDefault("256")
    int gradientCheckMaxElements();

    /** Largest request body accepted, in bytes; larger bodies get 413 with a JSON error. */
    @WithDefault("67108864")
    long maxBodyBytes();

    /** How many idempotency keys this gateway remembers (the most recently used ones). */
    @WithDefault("100000")
    int idempotencyKeys();

    /**
     * API keys accepted in the {@code X-API-Key} header, all of one implicit tenant, {@code default}, which also owns
     * the records that name no tenant: the configuration before tenants. None (the default), and no
     * {@link #tenantsFile()}, turns the check off. Not together with a tenants file.
     */
    Optional<List<String>> apiKeys();

    /**
     * The tenants file (JSON: each tenant and the SHA-256 hashes of its API keys; README, "Security"), typically
     * mounted from a Kubernetes Secret. Re-read whenever it changes, so keys rotate without a restart. Unset, with
     * no {@link #apiKeys()}, turns the check off.
     */
    Optional<Path> tenantsFile();

    /** How often the tenants file is checked for a change (its modification time, size and the file it links to). */
    @WithDefault("PT5S")
    Duration tenantsPollInterval();

    /** Each tenant's limits on one gateway instance, unless the tenants file sets its own. */
    TenantLimitDefaults tenantLimits();

    /** The default limits of a tenant. */
    interface TenantLimitDefaults {
        /** Requests a tenant may send per second, on average. More are answered 429 with {@code Retry-After}. */
        @WithDefault("100")
        double requestsPerSecond();

        /** Requests a tenant may send at once after a quiet spell. */
        @WithDefault("200")
        int burst();

        /**
         * Request-body bytes of one tenant being received, checked and published at once (a body without
         * {@code Content-Length} counts as {@link GatewayConfig#maxBodyBytes()}). More are answered 429; a single
         * body over it, 413.
         */
        @WithDefault("268435456")
        long maxBytesInFlight();
    }

    /** How long a REST call waits for Kafka to acknowledge the record it publishes. */
    @WithDefault("PT30S")
    Duration publishTimeout();

    /**
     * Memory the job store may use (bytes of the jobs' latest progress records, results included); the jobs that
     * ended longest ago are forgotten first.
     */
    @WithDefault("268435456")
    long jobsMaxBytes();

    /**
     * The most boxes a picture of a batch's graph ({@code GET /batches/{id}/graph} as SVG or DOT) may have; a larger
     * one is answered 413. Layers drawn collapsed count one box each.
     */
    @WithDefault("400")
    int graphMaxBoxes();

    /** Memory the uploaded datasets may use (bytes of their tensors); the oldest are forgotten first. */
    @WithDefault("536870912")
    long datasetsMaxBytes();
}

package dev.gradflow.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
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

    /** API keys accepted in the {@code X-API-Key} header; none (the default) turns the check off. */
    Optional<List<String>> apiKeys();

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

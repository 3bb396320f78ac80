package dev.gradflow.forward.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings under {@code gradflow.forward}. */
@ConfigMapping(prefix = "gradflow.forward")
public interface ForwardConfig {

    /** Most batches held while their network's definition has not arrived yet, across all networks. */
    @WithDefault("10000")
    int maxPendingBatches();

    /** How long a batch waits for its network's definition before it is answered with a failure. */
    @WithDefault("PT10M")
    Duration pendingTimeout();

    /** Largest number of elements in one tensor of a definition or a batch. */
    @WithDefault("16777216")
    long maxTensorElements();

    /** Largest number of nodes in a network's graph. */
    @WithDefault("10000")
    int maxNodes();
}

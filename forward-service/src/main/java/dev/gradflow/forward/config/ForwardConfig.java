package dev.gradflow.forward.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings under {@code gradflow.forward}. */
@ConfigMapping(prefix = "gradflow.forward")
public interface ForwardConfig {

    /**
     * How long a batch waits for its network's definition before it is answered with a failure. Batches behind it
     * wait too (they are processed in order), so keep this short.
     */
    @WithDefault("PT30S")
    Duration pendingTimeout();

    /** Largest number of elements in one tensor of a definition or a batch. */
    @WithDefault("16777216")
    long maxTensorElements();

    /** Largest number of nodes in a network's graph. */
    @WithDefault("10000")
    int maxNodes();
}

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

    /**
     * Saved op outputs that cost at most this many multiply-adds (or element operations) to recompute for each byte
     * they take off the tape travel as recipes, and the gradient-service recomputes them
     * ({@link dev.gradflow.core.tape.Recomputation}); 0 sends every saved tensor. At 4, 2-64-3 × 300's hidden
     * layer (0.37 a byte) is recomputed, and nothing of 784-256-128-10 (32 and more a byte) is.
     */
    @WithDefault("4")
    double recomputeMaxWorkPerByte();
}

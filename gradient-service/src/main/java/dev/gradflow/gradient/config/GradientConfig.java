package dev.gradflow.gradient.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings under {@code gradflow.gradient}. */
@ConfigMapping(prefix = "gradflow.gradient")
public interface GradientConfig {

    /** Largest number of nodes a tape may have; a larger tape is answered with a failure. */
    @WithDefault("10000")
    int maxTapeNodes();

    /** Largest number of elements in one tensor on a tape; a larger tape is answered with a failure. */
    @WithDefault("16777216")
    long maxTensorElements();
}

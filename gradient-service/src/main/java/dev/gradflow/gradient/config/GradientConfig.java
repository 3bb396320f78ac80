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

    /**
     * The topic a job's batches are answered on (their batch records ask for it): the job-service reads it. Every
     * other answer goes to the stream's output topic.
     */
    @WithDefault("jobs")
    String jobsTopic();
}

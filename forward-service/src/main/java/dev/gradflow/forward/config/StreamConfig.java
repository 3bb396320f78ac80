package dev.gradflow.forward.config;

import dev.gradflow.exactlyonce.StreamSettings;
import io.smallrye.config.ConfigMapping;

/** Settings under {@code gradflow.stream}: how batches are read and tapes committed (see {@link StreamSettings}). */
@ConfigMapping(prefix = "gradflow.stream")
public interface StreamConfig extends StreamSettings {
}

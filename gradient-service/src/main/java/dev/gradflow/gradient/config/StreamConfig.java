package dev.gradflow.gradient.config;

import dev.gradflow.exactlyonce.StreamSettings;
import io.smallrye.config.ConfigMapping;

/** Settings under {@code gradflow.stream}: how tapes are read and answers committed (see {@link StreamSettings}). */
@ConfigMapping(prefix = "gradflow.stream")
public interface StreamConfig extends StreamSettings {
}

package dev.gradflow.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds a JDK of version 21 or newer, which Strimzi's CRD generator and API classes need, while the build itself
 * runs on Java 17. Looked for in order: {@code $JAVA21_HOME}; the JVM running the tests, if new enough; the newest
 * JDK under /usr/lib/jvm.
 */
final class ModernJdk {

    static final int MINIMUM_FEATURE_VERSION = 21;
    private static final Path SYSTEM_JVMS = Path.of("/usr/lib/jvm");
    private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private ModernJdk() {
    }

    /** The {@code java} launcher of a JDK >= 21, or an AssertionError that says how to provide one. */
    static Path javaLauncher() {
        String configured = System.getenv("JAVA21_HOME");
        if (configured != null && !configured.isBlank()) {
            Path home = Path.of(configured);
            int version = featureVersion(home).orElse(0);
            if (version < MINIMUM_FEATURE_VERSION || !Files.isExecutable(launcherOf(home))) {
                throw new AssertionError("JAVA21_HOME=" + home + " is not a JDK " + MINIMUM_FEATURE_VERSION
                        + " or newer (its release file says " + (version == 0 ? "nothing" : version) + ")");
            }
            return launcherOf(home);
        }
        if (Runtime.version().feature() >= MINIMUM_FEATURE_VERSION) {
            return launcherOf(Path.of(System.getProperty("java.home")));
        }
        return newestUnder(SYSTEM_JVMS).map(ModernJdk::launcherOf).orElseThrow(() -> new AssertionError(
                "Strimzi's CRD generator needs a JDK " + MINIMUM_FEATURE_VERSION + " or newer, and none was found: "
                        + "set JAVA21_HOME to one, or install one under " + SYSTEM_JVMS
                        + " (e.g. apt-get install openjdk-21-jdk-headless, or a Temurin 21/25 JDK)."));
    }

    private static Optional<Path> newestUnder(Path directory) {
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(directory)) {
            List<Path> candidates = homes.filter(home -> Files.isExecutable(launcherOf(home)))
                    .filter(home -> featureVersion(home).orElse(0) >= MINIMUM_FEATURE_VERSION)
                    .collect(Collectors.toList());
            return candidates.stream().max(Comparator.comparingInt((Path home) -> featureVersion(home).orElse(0))
                    .thenComparing(Comparator.naturalOrder()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The feature version (21, 25, ...) from a JDK's {@code release} file. */
    private static Optional<Integer> featureVersion(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return Optional.empty();
        }
        Matcher matcher = RELEASE_VERSION.matcher(Yaml.read(release));
        return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
    }

    private static Path launcherOf(Path home) {
        return home.resolve("bin").resolve("java");
    }
}

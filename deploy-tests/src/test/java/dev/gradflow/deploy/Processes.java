package dev.gradflow.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the external tools the checks need (kubectl, node, java, promtool) and finds them. */
final class Processes {

    /** What a finished process printed and how it exited. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** This result, or an AssertionError that shows the command and everything it printed. */
        Result requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + exitCode + "\nstdout:\n" + stdout
                        + "\nstderr:\n" + stderr);
            }
            return this;
        }
    }

    private Processes() {
    }

    /** Runs a command in a directory, waiting at most {@code timeout}; a process that takes longer is killed. */
    static Result run(List<String> command, Path directory, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            // Both streams are drained at once: a tool that fills one pipe while we read the other would hang.
            CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(command, process.exitValue(), stdout.join(), stderr.join());
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        }
    }

    /**
     * The executable named by the environment variable {@code override} if set, else {@code name} found on the PATH;
     * empty when neither exists.
     */
    static Optional<Path> findExecutable(String name, String override) {
        String configured = System.getenv(override);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String searchPath = System.getenv().getOrDefault("PATH", "");
        for (String directory : searchPath.split(java.io.File.pathSeparator)) {
            if (!directory.isEmpty()) {
                Path candidate = Path.of(directory, name);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Like {@link #findExecutable}, but a missing tool fails the test with {@code howToGetIt}. */
    static Path requireExecutable(String name, String override, String howToGetIt) {
        return findExecutable(name, override).orElseThrow(() -> new AssertionError(
                name + " was not found on the PATH (nor through $" + override + "). " + howToGetIt));
    }

    private static String readAll(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

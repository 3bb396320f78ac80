package dev.gradflow.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The kustomize overlays under deploy/overlays, each rendered once per test run with {@code kubectl kustomize}. */
enum Overlay {
    DEV("dev"),
    PRODUCTION("production");

    private static final Map<Overlay, Manifests> RENDERED = new ConcurrentHashMap<>();

    private final String directoryName;

    Overlay(String directoryName) {
        this.directoryName = directoryName;
    }

    Path directory() {
        return Repository.deploy().resolve("overlays").resolve(directoryName);
    }

    /** The overlay's resources as kubectl renders them. */
    Manifests manifests() {
        return RENDERED.computeIfAbsent(this, overlay -> Kustomize.render(overlay.directory()));
    }

    @Override
    public String toString() {
        return "deploy/overlays/" + directoryName;
    }

    /** Renders kustomize directories with the kustomize built into kubectl. */
    static final class Kustomize {

        private Kustomize() {
        }

        static Manifests render(Path directory) {
            if (!Files.isRegularFile(directory.resolve("kustomization.yaml"))) {
                throw new AssertionError(directory + " has no kustomization.yaml");
            }
            Path kubectl = Processes.requireExecutable("kubectl", "KUBECTL",
                    "The deploy checks render the overlays with `kubectl kustomize`: install kubectl 1.27 or newer "
                            + "(https://kubernetes.io/docs/tasks/tools/; Debian's kubernetes-client package is too old), "
                            + "or set KUBECTL to its path.");
            Processes.Result result = Processes.run(
                    List.of(kubectl.toString(), "kustomize", directory.toString()), directory, Duration.ofMinutes(1))
                    .requireSuccess();
            return new Manifests(Repository.root().relativize(directory).toString(), Yaml.documents(result.stdout()));
        }
    }
}

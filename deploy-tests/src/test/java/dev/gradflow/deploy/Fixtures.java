package dev.gradflow.deploy;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The test's own deployments under src/test/resources: {@code fixture}, correct in every respect the checks look at,
 * and {@code flawed}, the same with one mistake per check. Rendered once each, like the overlays.
 */
final class Fixtures {

    private static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();

    private Fixtures() {
    }

    static Manifests correct() {
        return RENDERED.computeIfAbsent("fixture", name -> Overlay.Kustomize.render(Repository.testResource(name)));
    }

    static Manifests flawed() {
        return RENDERED.computeIfAbsent("flawed", name -> Overlay.Kustomize.render(Repository.testResource(name)));
    }

    static Path rulesFile() {
        return Repository.testResource("fixture/monitoring/rules/gradflow.rules.yaml");
    }

    static Path dashboardsDirectory() {
        return Repository.testResource("fixture/monitoring/dashboards");
    }
}

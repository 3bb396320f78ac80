package dev.gradflow.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where things are: the repository, its deploy/ tree, this module and its build directory. */
final class Repository {

    private Repository() {
    }

    /** The repository root, handed over by the Maven build (surefire's systemPropertyVariables). */
    static Path root() {
        return directoryFromProperty("gradflow.repository.root");
    }

    /** The deploy-tests module itself. */
    static Path module() {
        return directoryFromProperty("gradflow.deploy-tests.dir");
    }

    /** deploy-tests/target, where generated CRDs and validator requests go. */
    static Path buildDirectory() {
        return Path.of(required("gradflow.deploy-tests.build-dir")).toAbsolutePath();
    }

    /** deploy/ at the repository root. */
    static Path deploy() {
        return root().resolve("deploy");
    }

    /** A service module's application.properties, e.g. for {@code forward-service}. */
    static Path applicationProperties(String serviceModule) {
        return root().resolve(serviceModule).resolve("src/main/resources/application.properties");
    }

    /** A file or directory under this module's src/test/resources. */
    static Path testResource(String relative) {
        return module().resolve("src/test/resources").resolve(relative);
    }

    private static Path directoryFromProperty(String name) {
        Path path = Path.of(required(name)).toAbsolutePath().normalize();
        if (!Files.isDirectory(path)) {
            throw new AssertionError(name + " = " + path + " is not a directory");
        }
        return path;
    }

    private static String required(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new AssertionError("system property " + name + " is not set: run these tests through Maven "
                    + "(./mvnw -B verify -pl deploy-tests -am), which sets it");
        }
        return value;
    }
}

package dev.gradflow.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The definitions in the repository's {@code examples/} folder, which the README's curl commands also use. */
public final class Examples {
    private static final Path FOLDER = Path.of("..", "examples");

    private Examples() {
    }

    /** The text of {@code examples/<name>.network.json}. */
    public static String network(String name) {
        try {
            return Files.readString(FOLDER.resolve(name + ".network.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

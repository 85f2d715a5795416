package dev.gradcheck.model;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's {@code examples/} folder from the module's working directory. */
final class Examples {
    private Examples() {
    }

    static Path path(String file) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("examples").resolve(file);
            if (Files.exists(p)) {
                return p;
            }
        }
        throw new IllegalStateException("examples/" + file + " not found above " + Path.of("").toAbsolutePath());
    }
}

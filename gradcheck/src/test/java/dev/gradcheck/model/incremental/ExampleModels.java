package dev.gradcheck.model.incremental;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The repository's example model files, found from the module's working directory. */
final class ExampleModels {
    /** Every example of {@code examples/} (not the larger benchmark models). */
    static final List<String> ALL = List.of("tiny-mlp", "small-cnn", "attention", "layernorm-gelu", "batchnorm-mlp",
            "embedding", "two-layer", "mlp-layers", "sequential-regression");

    private ExampleModels() {
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

package dev.gradcheck.health;

import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The purpose-built sick models of the test resources and the shipped (healthy) examples. */
final class SickModels {
    private SickModels() {
    }

    static Path sick(String name) {
        return Path.of("src/test/resources/health", name + ".json");
    }

    static Model load(String name) {
        return ModelLoader.load(sick(name));
    }

    /** A model of examples/broken. */
    static Model broken(String name) {
        return ModelLoader.load(Path.of("../examples/broken", name + ".json"));
    }

    static List<Path> examples() {
        try (Stream<Path> s = Files.list(Path.of("../examples"))) {
            List<Path> out = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            if (out.size() < 7) {
                throw new IllegalStateException("expected the shipped examples in ../examples, found " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

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

    /** Every example and the benchmark MLP. */
    static java.util.stream.Stream<String> withBenchmark() {
        List<String> all = new java.util.ArrayList<>(ALL);
        all.add("bench/mlp-26k");
        return all.stream();
    }

    /** Every param, then every float64 input (a change at the very start of the graph). */
    static List<String> paramsAndFloatInputs(dev.gradcheck.model.Model m) {
        List<String> wrt = new java.util.ArrayList<>(m.paramNames());
        for (String in : m.inputs().keySet()) {
            if (m.dtype(in) == dev.gradcheck.engine.DType.FLOAT64) {
                wrt.add(in);
            }
        }
        return wrt;
    }

    /** The plain engine function of a model's loss: the reference a fresh forward gives. */
    static dev.gradcheck.EngineFunction engine(dev.gradcheck.model.LossFunction f) {
        dev.gradcheck.engine.Shape[] shapes = f.shapes();
        int[][] dims = new int[shapes.length][];
        for (int i = 0; i < shapes.length; i++) {
            dims[i] = shapes[i].dims();
        }
        return new dev.gradcheck.EngineFunction(f::apply, dims);
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

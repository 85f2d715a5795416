package dev.gradcheck.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradcheck.health.BatchIndependence;
import dev.gradcheck.health.BatchIndependenceReport;
import dev.gradcheck.model.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sanity's batch-independence check on every model exported from PyTorch (the test corpus and
 * examples/onnx): those with batch norm (training mode) say it mixes samples by design, and only
 * one mixes them otherwise: {@code new_engine_ops} reshapes its hidden layer [3, 6] (a batch of 3)
 * to [2, 3, 3] for a conv_transpose1d, which puts samples 0 and 1 in one row.
 */
class BatchIndependenceExportsTest {
    static Stream<Fixtures.Exported> exports() {
        Path examples = Path.of("../examples/onnx");
        try (Stream<Path> files = Files.list(examples)) {
            Stream<Fixtures.Exported> shipped = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".expected.json")).sorted()
                    .map(n -> n.substring(0, n.length() - ".expected.json".length()))
                    .map(n -> exported(examples, n)).toList().stream();
            return Stream.concat(Fixtures.exportedNames().map(Fixtures::exported), shipped);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Fixtures.Exported exported(Path dir, String name) {
        try {
            return new Fixtures.Exported("examples/onnx/" + name, dir.resolve(name + ".onnx"),
                    dir.resolve(name + ".values.npz"), dir.resolve(name + ".grads.npz"),
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                            dir.resolve(name + ".expected.json").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exports")
    void passesAndNamesBatchNormAsMixingByDesign(Fixtures.Exported f) {
        Model m = f.load();
        BatchIndependenceReport r = BatchIndependence.check(m, f.values(m), 0);
        boolean batchNorm = m.nodes().stream().anyMatch(n -> n.op().batchMixing() != null);
        assertEquals(batchNorm, !r.byDesign().isEmpty(), r::toText);
        if (f.name().equals("new_engine_ops")) {
            assertEquals("fail", r.status(), r::toText);
            assertEquals("reshape, shape=[2, 3, 3]", r.mixing().op(), r::toText);
            assertEquals(List.of(0, 1), r.mixing().reached(), r::toText);
        } else {
            assertEquals("pass", r.status(), () -> f.name() + ": " + r.toText());
        }
    }
}

package dev.gradcheck.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.DataFiles;
import dev.gradcheck.model.Limits;
import dev.gradcheck.model.LoadOptions;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The ONNX fixtures under {@code src/test/resources/onnx} (made by tools/onnx_fixtures.py and
 * tools/onnx_op_cases.py with PyTorch): each model with its values, PyTorch's gradients and loss.
 */
final class Fixtures {
    static final Path DIR = Path.of("src", "test", "resources", "onnx");
    static final Path CASES = DIR.resolve("cases");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** One exported model: its file, values, PyTorch's gradients and what PyTorch computed. */
    record Exported(String name, Path onnx, Path values, Path grads, JsonNode expected) {
        LoadOptions options() {
            Map<String, Tensor> v = DataFiles.read(values);
            return new LoadOptions(v, values, text("loss_op"), text("reduction"), text("target"));
        }

        Model load() {
            return ModelLoader.load(onnx, Limits.DEFAULT, options());
        }

        /** The model's values: its inits, then the values file. */
        Map<String, Tensor> values(Model m) {
            return m.withValues(m.initialValues(), DataFiles.read(values), values);
        }

        double loss() {
            return expected.get("loss").asDouble();
        }

        private String text(String key) {
            JsonNode n = expected.get(key);
            return n == null || n.isNull() ? null : n.asText();
        }
    }

    /** Every exported model (by its {@code .expected.json}), sorted by name. */
    static Stream<String> exportedNames() {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".expected.json"))
                    .map(n -> n.substring(0, n.length() - ".expected.json".length())).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Exported exported(String name) {
        try {
            return new Exported(name, DIR.resolve(name + ".onnx"), DIR.resolve(name + ".values.npz"),
                    DIR.resolve(name + ".grads.npz"), JSON.readTree(DIR.resolve(name + ".expected.json").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The op cases' names, sorted. */
    static List<String> caseNames() {
        return caseExpectations().properties().stream().map(Map.Entry::getKey).sorted().toList();
    }

    static JsonNode caseExpectations() {
        try {
            return JSON.readTree(CASES.resolve("expected.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The largest magnitude over all the tensors. */
    static double largest(Map<String, Tensor> tensors) {
        double m = 0;
        for (Tensor t : tensors.values()) {
            for (double v : t.data()) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }

    /** {@code |a - b| <= rel * |b|}, with the values in the message. */
    static void assertRelative(double expected, double actual, double rel, String what) {
        assertTrue(Math.abs(actual - expected) <= rel * Math.abs(expected), what + ": expected " + expected
                + ", got " + actual + " (relative difference " + Math.abs(actual - expected) / Math.abs(expected)
                + ", allowed " + rel + ")");
    }

    /**
     * Each tensor's largest difference within {@code rel} times the reference's largest magnitude,
     * or times {@code floor} when that is larger (gradients are compared as tensors: an entry near
     * zero is judged on the tensor's scale, and a tensor whose true gradient is zero, such as a
     * conv bias before a batch norm, on the model's).
     */
    static void assertTensorsClose(Tensor expected, Tensor actual, double rel, double floor, String what) {
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.data();
        double[] a = actual.data();
        double scale = 0;
        double worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            scale = Math.max(scale, Math.abs(e[i]));
            double d = Math.abs(a[i] - e[i]);
            if (d > worst || Double.isNaN(d)) {
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                at = i;
            }
        }
        double allowed = rel * Math.max(scale, floor);
        assertTrue(worst <= allowed, what + ": entry " + at + " differs by " + worst + " (PyTorch "
                + (at >= 0 ? e[at] : 0) + ", gradcheck " + (at >= 0 ? a[at] : 0) + "), allowed " + allowed
                + " = " + rel + " x the largest magnitude " + Math.max(scale, floor));
    }
}

package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.DataFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compare on a model whose chain rule is undefined at the point (sqrt(x·x) at x = 0, where PyTorch
 * and the reference both give NaN): those entries fail for what they are, not as a mismatch or as
 * a forward that is not finite, and the rest of the tensor is diagnosed without them.
 */
class CompareUndefinedTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double[] X = {0, 1.5, -2, 0, 0.5, 3};

    @TempDir
    Path dir;

    private Path model() throws IOException {
        Path m = dir.resolve("abs.json");
        Files.writeString(m, """
                {
                  "format": "gradcheck-model/1",
                  "name": "abs_by_sqrt",
                  "seed": 1,
                  "inputs": {"x": {"shape": [2, 3], "init": {"normal": {"std": 1}}}},
                  "params": {"a": {"shape": [], "init": "ones"}},
                  "nodes": [
                    {"name": "sq", "op": "mul", "inputs": ["x", "x"]},
                    {"name": "r", "op": "sqrt", "inputs": ["sq"]},
                    {"name": "s", "op": "mul", "inputs": ["r", "a"]},
                    {"name": "loss", "op": "sum", "inputs": ["s"]}
                  ],
                  "output": "loss"
                }
                """);
        DataFiles.writeNpz(dir.resolve("values.npz"), Map.of("x", Tensor.of(X, 2, 3)), true);
        return m;
    }

    /** PyTorch's gradients of sum(a·sqrt(x·x)) at X with a = 1, each entry of dx times {@code factor}. */
    private Path grads(String name, double factor) throws IOException {
        double[] dx = new double[X.length];
        double sumAbs = 0;
        for (int i = 0; i < X.length; i++) {
            dx[i] = factor * X[i] / Math.abs(X[i]); // 0/0 = NaN at 0, as torch's backward gives
            sumAbs += Math.abs(X[i]);
        }
        Path g = dir.resolve(name);
        DataFiles.writeNpz(g, Map.of("x", Tensor.of(dx, 2, 3), "a", Tensor.scalar(sumAbs)), true);
        return g;
    }

    private Cli.Result compare(Path grads, String... more) throws IOException {
        String[] base = {"compare", model().toString(), "--values", dir.resolve("values.npz").toString(), "--grads",
            grads.toString(), "--wrt", "all"};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Cli.run(args);
    }

    @Test
    void nanOnBothSidesIsNamedAsAnUndefinedGradientNotAsAForwardThatIsNotFinite() throws IOException {
        Cli.Result r = compare(grads("g.npz", 1));
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), "a NaN gradient is unusable, as in grads:\n" + r);
        assertTrue(r.out().contains("FAIL  x  [2, 3]"), r.out());
        assertTrue(r.out().contains("diagnosis: theirs and the reference are both NaN at [0, 0] and 1 more entry: the"
                + " two backward passes agree, but the chain rule through the model as written is undefined there"),
                r.out());
        assertFalse(r.out().contains("not finite near the point"), r.out());
        assertTrue(r.out().contains("PASS  a"), r.out());
        int first = r.out().indexOf("[0, 0]  ");
        int second = r.out().indexOf("[1, 0]  ");
        assertTrue(first > 0 && second > first, "equal errors are listed in index order:\n" + r.out());

        JsonNode x = JSON.readTree(compare(grads("g.npz", 1), "--format", "json").out()).get("checks").get(0);
        assertEquals("x", x.get("name").asText());
        assertEquals("fail", x.get("status").asText());
        assertEquals("[\"undefined\"]", x.get("findings").toString());
    }

    @Test
    void aWrongFactorBesideTheUndefinedEntriesIsStillNamed() throws IOException {
        Cli.Result r = compare(grads("g2.npz", 2));
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("diagnosis: theirs = 2.0 x reference"), r.out());
        assertTrue(r.out().contains("an extra factor of 2"), r.out());
        assertTrue(r.out().contains("; theirs and the reference are both NaN at [0, 0] and 1 more entry"), r.out());
    }

    @Test
    void nanOnlyInTheirsKeepsTheNonFiniteDiagnosis() throws IOException {
        double[] dx = new double[X.length];
        for (int i = 0; i < X.length; i++) {
            dx[i] = X[i] == 0 ? Double.NaN : X[i] / Math.abs(X[i]);
        }
        dx[4] = Double.NaN;
        Cli.Result r = compare(write("g3.npz", dx));
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("diagnosis: their gradient is NaN at [1, 1]"), r.out());
        assertTrue(r.out().contains("; theirs and the reference are both NaN at [0, 0] and 1 more entry"), r.out());
    }

    @Test
    void aFiniteValueOfTheirsWhereTheReferenceIsNaNIsCalledAConventionNotAMismatch() throws IOException {
        double[] dx = new double[X.length];
        for (int i = 0; i < X.length; i++) {
            dx[i] = X[i] == 0 ? 0 : X[i] / Math.abs(X[i]);
        }
        Cli.Result r = compare(write("g4.npz", dx));
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("diagnosis: the reference is NaN at [0, 0] and 1 more entry where theirs is not: the"
                + " chain rule through the model as written is undefined there"), r.out());
        assertFalse(r.out().contains("not finite near the point"), r.out());
    }

    private Path write(String name, double[] dx) throws IOException {
        Path g = dir.resolve(name);
        DataFiles.writeNpz(g, Map.of("x", Tensor.of(dx, 2, 3), "a", Tensor.scalar(7)), true);
        return g;
    }
}

package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcheck.testing.Elementwise;
import dev.gradcheck.testing.LambdaOp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Golden JSON reports (failing, passing, kink, and an op-level one) compared byte for byte, with
 * a fixed clock so elapsed_ms is 0. Regenerate with {@code -Dgradcheck.updateGolden=true} and
 * review the diff.
 */
class GoldenReportTest {
    private static final Path DIR = Path.of("src/test/resources/golden");

    /** PyTorch's tolerance and one draw per op pinned: these files show the report's shape under those settings. */
    private static CheckOptions fixed() {
        return CheckOptions.defaults().withClock(() -> 0L).withThreads(2).withTolerance(Tolerance.pytorch())
                .withDraws(1);
    }

    private static void assertGolden(String file, CheckReport report) throws IOException {
        String actual = report.toJson() + "\n";
        Path p = DIR.resolve(file);
        if (Boolean.getBoolean("gradcheck.updateGolden")) {
            Files.createDirectories(DIR);
            Files.writeString(p, actual, StandardCharsets.UTF_8);
        }
        String expected = Files.readString(p, StandardCharsets.UTF_8);
        // same fields in the same order, same strings and booleans; numbers to 1e-9 relative, since
        // the last bits of sin/exp may differ between JVMs and platforms
        ObjectMapper m = new ObjectMapper();
        List<String> diffs = new ArrayList<>();
        compare("$", m.readTree(expected), m.readTree(actual), diffs);
        assertEquals(List.of(), diffs, () -> "golden file " + p + " differs (regenerate with "
                + "-Dgradcheck.updateGolden=true after review); actual:\n" + actual);
    }

    private static void compare(String path, JsonNode e, JsonNode a, List<String> diffs) {
        if (e.isNumber() && a.isNumber()) {
            double x = e.asDouble();
            double y = a.asDouble();
            if (!(Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y)) + 1e-300 || x == y)) {
                diffs.add(path + ": expected " + x + " but was " + y);
            }
        } else if (e.isObject() && a.isObject()) {
            if (!keys(e).equals(keys(a))) {
                diffs.add(path + ": expected fields " + keys(e) + " but were " + keys(a));
                return;
            }
            for (String k : keys(e)) {
                compare(path + "." + k, e.get(k), a.get(k), diffs);
            }
        } else if (e.isArray() && a.isArray()) {
            if (e.size() != a.size()) {
                diffs.add(path + ": expected " + e.size() + " elements but were " + a.size());
                return;
            }
            for (int i = 0; i < e.size(); i++) {
                compare(path + "[" + i + "]", e.get(i), a.get(i), diffs);
            }
        } else if (!e.equals(a)) {
            diffs.add(path + ": expected " + e + " but was " + a);
        }
    }

    private static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            k.add(it.next());
        }
        return k;
    }

    @Test
    void failingReport() throws IOException {
        SplittableRandom rng = new SplittableRandom(1);
        Fn doubled = Fn.matmulOp(2, 3, 2, (a, b, g, m, k, n) -> {
            double[][] d = Fn.matmulGrads(a, b, g, m, k, n);
            for (int i = 0; i < d[0].length; i++) {
                d[0][i] *= 2;
            }
            return d;
        });
        CheckReport r = GradCheck.of(doubled).options(fixed().withWorst(3)).names("W1", "W2")
                .at(Fn.randn(rng, 6), Fn.randn(rng, 6)).shapes(new int[] {2, 3}, new int[] {3, 2}).check();
        assertGolden("failing.json", r);
        JsonNode root = new ObjectMapper().readTree(r.toJson());
        assertEquals(List.of("tool", "version", "command", "passed", "elapsed_ms", "seed", "checks"), keys(root));
        assertEquals(List.of("name", "passed", "status", "max_abs_error", "max_rel_error", "worst", "diagnosis"),
                keys(root.get("checks").get(0)).subList(0, 7));
        assertEquals(List.of("index", "analytic", "numeric"), keys(root.get("checks").get(0).get("worst").get(0))
                .subList(0, 3));
    }

    @Test
    void passingReport() throws IOException {
        CheckReport r = GradCheck.of(CorrectOpsTest.TANH).options(fixed().withWorst(2))
                .at(new double[] {0.5, -1.25, 2.0, 0.0}).shapes(new int[] {2, 2}).names("x").check();
        assertGolden("passing.json", r);
    }

    @Test
    void kinkReport() throws IOException {
        CheckReport r = GradCheck.of(CorrectOpsTest.RELU).options(fixed().withWorst(2))
                .at(new double[] {0.0, 1.5, -2.0}).names("x").check();
        assertGolden("kink.json", r);
    }

    @Test
    void opsReport() throws IOException {
        CustomOp sin = LambdaOp.named("sin").shape(3).forward(Elementwise.forward(Math::sin))
                .backward(Elementwise.backward(Math::cos)).build();
        CustomOp badMul = LambdaOp.named("bad_mul").shapes(new int[] {2, 2}, new int[] {2, 2}).forward(in -> {
            double[] y = new double[4];
            for (int i = 0; i < 4; i++) {
                y[i] = in[0][i] * in[1][i];
            }
            return y;
        }).backward((in, go) -> {
            double[] da = new double[4];
            double[] db = new double[4];
            for (int i = 0; i < 4; i++) {
                da[i] = -go[i] * in[1][i];
                db[i] = go[i] * in[0][i];
            }
            return new double[][] {da, db};
        }).build();
        CheckReport r = CustomOpCheck.run(List.of(sin, badMul), fixed().withCommand("ops").withWorst(2)
                .withReproduce("gradcheck ops --jar ops.jar --op {name} --seed {seed}"));
        assertGolden("ops.json", r);
    }
}

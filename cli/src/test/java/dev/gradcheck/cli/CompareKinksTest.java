package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.DataFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compare at kinks and ties: PyTorch's gradients at exact kinks (hardtanh at its bounds, exported
 * as Clip, read as clamp) and ties (max over a dim, exported as ReduceMax, read as amax), made by
 * tools/kink_fixtures.py, are valid one-sided gradients: status kink, passing, as check says. A
 * planted error next to the kinks still fails, with the diagnosis of the entries no kink explains;
 * off the kinks nothing changes.
 */
class CompareKinksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path KINKS = Path.of("src", "test", "resources", "kinks");

    @TempDir
    Path dir;

    private static String file(String name, String suffix) {
        return KINKS.resolve(name + suffix).toString();
    }

    private static Cli.Result compare(String name, String grads, String... more) {
        String[] args = {"compare", file(name, ".onnx"), "--values", file(name, ".values.npz"), "--grads", grads,
            "--wrt", "all"};
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return Cli.run(all);
    }

    private static JsonNode check(Cli.Result json, String name) throws IOException {
        for (JsonNode c : JSON.readTree(json.out()).get("checks")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + json.out());
    }

    /** PyTorch's gradients of {@code name} with {@code change} applied to tensor {@code tensor}. */
    private Path planted(String name, String tensor, UnaryOperator<double[]> change) throws IOException {
        Map<String, Tensor> g = new LinkedHashMap<>(DataFiles.read(KINKS.resolve(name + ".grads.npz")));
        Tensor t = g.get(tensor);
        g.put(tensor, Tensor.of(change.apply(t.data()), t.shape().dims()));
        Path out = dir.resolve(name + "-" + tensor + "-planted.npz");
        DataFiles.writeNpz(out, g, true);
        return out;
    }

    private static double[] times2(double[] d) {
        for (int i = 0; i < d.length; i++) {
            d[i] *= 2;
        }
        return d;
    }

    @Test
    void hardtanhAtItsBoundsIsAKinkNotAMissingContribution() throws IOException {
        Cli.Result r = compare("hardtanh", file("hardtanh", ".grads.npz"));
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertTrue(r.out().contains("KINK  x  [4, 4]"), r.out());
        assertTrue(r.out().contains("diagnosis: 7 entries differ only where the forward sits on a kink or a tie (of clamp"
                + " here)"), r.out());
        assertFalse(r.out().contains("missing"), r.out());
        assertTrue(r.out().contains("PASS  W  [4, 4]") && r.out().contains("PASS  b  [4]"), r.out());

        JsonNode x = check(compare("hardtanh", file("hardtanh", ".grads.npz"), "--format", "json"), "x");
        assertEquals("kink", x.get("status").asText(), x::toString);
        assertTrue(x.get("passed").asBoolean(), x::toString);
        assertEquals("kink", x.get("findings").get(0).asText(), x::toString);
        for (JsonNode e : x.get("worst")) {
            assertEquals("kink", e.get("status").asText(), x::toString);
            assertEquals(0.0, e.get("analytic").asDouble(), x::toString); // PyTorch's hardtanh: none at the bounds
        }
    }

    @Test
    void maxAtTiesIsAKinkAtEverySeed() throws IOException {
        // a 4-way tie: PyTorch's max gives the gradient to one entry, the reference (amax) splits it
        for (int seed = 0; seed < 5; seed++) {
            Cli.Result r = compare("maxdim", file("maxdim", ".grads.npz"), "--seed", String.valueOf(seed));
            assertEquals(ExitCodes.PASS, r.exitCode(), "seed " + seed + ": " + r);
            assertTrue(r.out().contains("KINK  x  [4, 4]"), "seed " + seed + ": " + r.out());
            assertTrue(r.out().contains("8 entries differ only where the forward sits on a kink or a tie (of amax here)"),
                    "seed " + seed + ": " + r.out());
        }
    }

    @Test
    void aPlantedFactorNextToTheKinksStillFailsWithItsDiagnosis() throws IOException {
        Cli.Result r = compare("hardtanh", planted("hardtanh", "x", CompareKinksTest::times2).toString());
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAIL  x  [4, 4]"), r.out());
        // the 9 entries off the kinks are doubled; the 7 on them are 0 in PyTorch's gradient, doubled or not
        assertTrue(r.out().contains("theirs = 2.0 x reference on every wrong entry")
                || r.out().contains("an extra factor of 2"), r.out());
        assertTrue(r.out().contains("; 7 entries differ only where the forward sits on a kink or a tie"), r.out());

        JsonNode x = check(compare("hardtanh", planted("hardtanh", "x", CompareKinksTest::times2).toString(),
                "--format", "json"), "x");
        assertEquals("fail", x.get("status").asText(), x::toString);
        assertEquals("fail", x.get("worst").get(0).get("status").asText(), "unexplained entries first: " + x);
    }

    @Test
    void smallSmoothEntriesAreNotTakenForKinks() throws IOException {
        // no pre-activation near softplus's threshold; the smallest entries (1e-3 against 0.17) change by
        // more than compare's tolerance on them when the values move by 1e-9, but by no jump
        Cli.Result r = compare("softplus", planted("softplus", "fc1.weight", d -> {
            for (int i = 0; i < d.length; i++) {
                d[i] *= 1.01;
            }
            return d;
        }).toString());
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("diagnosis: theirs = 1.01 x reference on every entry: a wrong constant factor"),
                r.out());
        assertFalse(r.out().contains("on a kink"), r.out());
    }

    @Test
    void aWrongEntryOnATieIsNamedAsSuchNotAsAFactorOfTheOthers() throws IOException {
        // row 1 of x ties at 2, 2: PyTorch gives [1, 0] the whole gradient (-1.875), amax half each; plant 2x there
        Path bad = planted("maxdim", "x", d -> {
            d[4] *= 2;
            return d;
        });
        Cli.Result r = compare("maxdim", bad.toString());
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("diagnosis: entry [1, 0] sits on a kink or a tie and matches neither side's gradient:"
                + " theirs -3.750, the reference -0.9375 at the point and -1.875 or 0.000 just to either side: wrong"
                + " there, whatever the convention at the kink; 7 entries differ only where"), r.out());
        assertFalse(r.out().contains("factor"), r.out());
        assertEquals("[\"kink_miss\",\"kink\"]", check(compare("maxdim", bad.toString(), "--format", "json"), "x")
                .get("findings").toString());
    }

    @Test
    void aMissingGradientIsNotExplainedByTheZerosAtTheKinks() throws IOException {
        Cli.Result r = compare("hardtanh", planted("hardtanh", "x", d -> new double[d.length]).toString());
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAIL  x  [4, 4]"), r.out());
        assertTrue(r.out().contains("off the kinks and ties, their gradient is zero on every entry where reference is not"), r.out());
    }

    @Test
    void aTransposedParamAtAKinkPointStillFails() throws IOException {
        Cli.Result r = compare("hardtanh", planted("hardtanh", "W", d -> {
            double[] t = new double[16];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    t[4 * j + i] = d[4 * i + j];
                }
            }
            return t;
        }).toString());
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAIL  W  [4, 4]"), r.out());
        assertTrue(r.out().contains("transpose"), r.out());
        assertTrue(r.out().contains("KINK  x  [4, 4]"), r.out());
    }

    @Test
    void offTheTiesAPlantedFactorFailsAsBefore() throws IOException {
        // x moved off its ties by distinct steps; the reference's own gradients there, x's doubled
        Map<String, Tensor> v = new LinkedHashMap<>(DataFiles.read(KINKS.resolve("maxdim.values.npz")));
        double[] x = v.get("x").data();
        for (int i = 0; i < x.length; i++) {
            x[i] += 0.01 * (i + 1);
        }
        v.put("x", Tensor.of(x, 4, 4));
        Path values = dir.resolve("off.values.npz");
        DataFiles.writeNpz(values, v, true);
        Path grads = dir.resolve("off.grads.npz");
        assertEquals(ExitCodes.PASS, Cli.run("grads", file("maxdim", ".onnx"), "--values", values.toString(), "--wrt",
                "all", "--out", grads.toString()).exitCode());
        Map<String, Tensor> g = new LinkedHashMap<>(DataFiles.read(grads));
        g.put("x", Tensor.of(times2(g.get("x").data()), 4, 4));
        DataFiles.writeNpz(grads, g, true);
        Cli.Result r = Cli.run("compare", file("maxdim", ".onnx"), "--values", values.toString(), "--grads",
                grads.toString(), "--wrt", "all");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAIL  x  [4, 4]"), r.out());
        assertTrue(r.out().contains("an extra factor of 2"), r.out());
        assertFalse(r.out().contains("kink or a tie") || r.out().contains("KINK"), r.out());
    }

    @Test
    void theSameSeedGivesTheSameReport() throws IOException {
        ObjectNode a = (ObjectNode) JSON.readTree(compare("maxdim", file("maxdim", ".grads.npz"), "--format", "json",
                "--seed", "7").out());
        ObjectNode b = (ObjectNode) JSON.readTree(compare("maxdim", file("maxdim", ".grads.npz"), "--format", "json",
                "--seed", "7").out());
        a.remove("elapsed_ms");
        b.remove("elapsed_ms");
        assertEquals(a, b);
    }
}

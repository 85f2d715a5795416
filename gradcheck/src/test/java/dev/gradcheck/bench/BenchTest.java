package dev.gradcheck.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.kernels.KernelFastPaths;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The suite's output contract (JSON lines, fields, cases selected), on tiny sizes; no timing asserted. */
class BenchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> run(BenchOptions o) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Bench.run(new PrintStream(buf, true, StandardCharsets.UTF_8), o);
        List<JsonNode> lines = new ArrayList<>();
        for (String l : buf.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(JSON.readTree(l));
        }
        return lines;
    }

    private static BenchOptions tiny() {
        return BenchOptions.defaults().withTiming(0, 0, 1).withCheckRuns(0, 1, 1)
                .withMlps(List.of(new MlpSpec(new int[] {4, 8, 3}, 8))).withMatmulSizes(8, 13)
                .withMatmulThreads(1, 2).withCheckThreads(1, 2);
    }

    @Test
    void everyCasePrintsOneJsonObjectPerLineWithItsFields() throws Exception {
        int threadsBefore = KernelFastPaths.matmulThreads();
        List<JsonNode> lines = run(tiny());
        assertEquals(threadsBefore, KernelFastPaths.matmulThreads(), "matmul thread count restored");
        List<String> kinds = new ArrayList<>();
        for (JsonNode l : lines) {
            kinds.add(l.get("bench").asText() + (l.has("n") ? "/" + l.get("n").asInt() : "")
                    + (l.has("threads") ? "@" + l.get("threads").asInt() : ""));
        }
        assertEquals(List.of("env", "matmul/8@1", "matmul/13@1", "matmul/8@2", "matmul/13@2",
                "fwd_bwd@1", "anomaly_fwd_bwd@1", "check_fast@1", "check_fast@2", "check_full@1", "check_full@2"),
                kinds, "lines in order");
        for (JsonNode l : lines.subList(1, lines.size())) {
            assertTrue(l.get("median_ms").asDouble() > 0, "positive time in " + l);
        }
        JsonNode mm = lines.get(1);
        assertEquals(2.0 * 8 * 8 * 8 / (mm.get("median_ms").asDouble() * 1e6), mm.get("gflops").asDouble(), 1e-9,
                "gflops = 2n^3 / time in " + mm);
        JsonNode fb = lines.get(5);
        assertEquals("4-8-3", fb.get("mlp").asText(), "mlp label in " + fb);
        assertEquals(67, fb.get("params").asLong(), "parameters of 4-8-3 in " + fb);
        assertEquals(8, fb.get("batch").asInt(), "batch in " + fb);
        assertTrue(lines.get(6).has("overhead"), "anomaly overhead in " + lines.get(6));
        for (JsonNode l : lines.subList(7, 11)) {
            assertTrue(l.get("passed").asBoolean(), "a correct MLP passes its check: " + l);
        }
    }

    @Test
    void casesAndMlpsAreSelectable() throws Exception {
        List<JsonNode> lines = run(tiny().withCases("fwd_bwd").withMaxFullParams(10));
        assertEquals(2, lines.size(), "env and one fwd_bwd line: " + lines);
        assertEquals("fwd_bwd", lines.get(1).get("bench").asText());
        List<JsonNode> full = run(tiny().withCases("check_full").withMaxFullParams(10));
        assertEquals(1, full.size(), "full check skipped above max params: " + full);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.defaults().withCases("matmul,fwdbwd"));
        assertTrue(e.getMessage().contains("fwdbwd") && e.getMessage().contains("fwd_bwd"), e.getMessage());
        assertEquals(List.of(new MlpSpec(new int[] {64, 128, 128, 10}, 32).label(), "5-7@3"),
                MlpSpec.parseList("64-128-128-10, 5-7@3").stream().map(m -> m.label() + (m.batch() == 3 ? "@3" : ""))
                        .toList());
        assertThrows(IllegalArgumentException.class, () -> MlpSpec.parseList("64-x-10"));
    }

    @Test
    void theMlpsHaveTheReferenceParameterCountsAndAFiniteLoss() {
        long[] expected = {67, 1930, 26122, 1055242};
        for (int i = 0; i < expected.length; i++) {
            MlpSpec spec = MlpSpec.STANDARD.get(i);
            assertEquals(expected[i], spec.params(), spec.label());
        }
        MlpSpec.Instance inst = MlpSpec.STANDARD.get(2).build(0);
        Tensor[] ps = inst.params();
        long total = 0;
        for (Tensor p : ps) {
            p.requiresGrad();
            total += p.size();
        }
        assertEquals(26122, total, "parameter tensors' sizes");
        Tensor loss = inst.loss().apply(ps);
        // about log(10) at init: weights scaled by 1/sqrt(fan-in)
        assertTrue(loss.item() > 1 && loss.item() < 5, "cross-entropy near log(10) at init, got " + loss.item());
        Tensor[] g = Autograd.grad(loss, ps);
        assertEquals(ps.length, g.length);
    }
}

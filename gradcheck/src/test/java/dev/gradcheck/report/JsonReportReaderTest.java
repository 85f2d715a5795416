package dev.gradcheck.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckReport;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOp;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.Mode;
import dev.gradcheck.Status;
import dev.gradcheck.Tolerance;
import dev.gradcheck.testing.Elementwise;
import dev.gradcheck.testing.LambdaOp;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A check read back from its JSON renders as the original does, in JSON and in text: over real
 * checks of every status, draws, fast-mode probes, both tolerances, non-finite numbers and output.
 */
class JsonReportReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** y = f(x) elementwise on [2, 3], dy = g·df(x). */
    private static CustomOp op(String name, DoubleUnaryOperator f, DoubleUnaryOperator df) {
        return LambdaOp.named(name).shape(2, 3).forward(Elementwise.forward(f)).backward(Elementwise.backward(df))
                .build();
    }

    @Test
    void realChecksReadBackRenderIdentically() throws Exception {
        List<CustomOp> ops = List.of(
                op("square", x -> x * x, x -> 2 * x),
                op("doubled", x -> x * x, x -> 4 * x),
                op("nan_gradient", x -> x * x, x -> Double.NaN),
                op("throws", x -> x, x -> {
                    throw new IllegalStateException("boom");
                }),
                op("sqrt_domain", Math::sqrt, x -> 0.5 / Math.sqrt(x)),
                op("log_nowhere", x -> Math.log(-Math.abs(x) - 1), x -> 1 / x));
        List<CheckOptions> settings = List.of(
                CheckOptions.defaults().withSeed(3),
                CheckOptions.defaults().withSeed(4).withMode(Mode.FAST).withProbes(2),
                CheckOptions.defaults().withSeed(5).withTolerance(Tolerance.pytorch()).withDraws(1),
                CheckOptions.defaults().withSeed(6).withMode(Mode.SAMPLED).withMagnitudes(1, 1000));
        List<CheckResult> all = new ArrayList<>();
        for (CheckOptions o : settings) {
            for (CustomOp op : ops) {
                all.add(CustomOpCheck.check(op, o.withReproduce("gradcheck ops --op {name} --seed {seed}")));
            }
        }
        all.add(CheckResult.builder("printed\u001b[0m").status(Status.ERROR).error("halted", null)
                .output("stdout line\nstderr line\n").build());
        List<CheckResult> back = new ArrayList<>();
        for (CheckResult c : all) {
            back.add(JsonReportReader.check(JSON.readTree(JSON.writeValueAsString(JsonReport.check(c)))));
        }
        CheckReport original = new CheckReport("ops", 0, 1.5, all);
        CheckReport readBack = new CheckReport("ops", 0, 1.5, back);
        assertEquals(original.toJson(), readBack.toJson());
        for (String field : List.of("\"findings\"", "\"at\"", "\"note\"", "\"output\"", "\"probes\"", "\"draw\"")) {
            assertTrue(original.toJson().contains(field), "the checks exercise " + field);
        }
        assertEquals(original.toText(), readBack.toText());
        List<Status> statuses = new ArrayList<>();
        all.forEach(c -> collect(c, statuses));
        assertEquals(List.of(Status.PASS, Status.SKIPPED, Status.FAIL, Status.ERROR),
                statuses.stream().distinct().sorted().toList(), "the checks and their inputs cover these statuses");
    }

    private static void collect(CheckResult c, List<Status> into) {
        into.add(c.status());
        c.inputs().forEach(in -> collect(in, into));
    }

    @Test
    void somethingElseIsRefused() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> JsonReportReader.check(JSON.readTree("[1, 2]")));
        assertThrows(IllegalArgumentException.class,
                () -> JsonReportReader.check(JSON.readTree("{\"name\": \"x\", \"status\": \"green\"}")));
        assertThrows(IllegalArgumentException.class, () -> JsonReportReader.check(
                JSON.readTree("{\"name\": \"x\", \"status\": \"pass\", \"max_abs_error\": \"lots\"}")));
    }
}

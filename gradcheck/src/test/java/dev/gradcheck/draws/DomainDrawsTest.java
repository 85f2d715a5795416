package dev.gradcheck.draws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOp;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.Domain;
import dev.gradcheck.Status;
import dev.gradcheck.testing.LambdaOp;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Declared domains are honoured by the draws at every magnitude; undeclared ones are re-drawn. */
class DomainDrawsTest {
    private static final CheckOptions OPTIONS = CheckOptions.defaults().withThreads(1);

    private static RecordingOp acosh() {
        return new RecordingOp("acosh", 8, x -> Math.log(x + Math.sqrt(x * x - 1)), x -> 1 / Math.sqrt(x * x - 1),
                Domain.atLeast(1));
    }

    @Test
    void acoshIsCheckedAtEverySeedAndMagnitudeInsideItsDomain() {
        for (long seed = 0; seed < 20; seed++) {
            // declared: a draw below 1 would not be re-drawn but fail with "outside the function's domain"
            RecordingOp op = acosh();
            CheckResult r = CustomOpCheck.check(op, OPTIONS.withSeed(seed));
            assertEquals(Status.PASS, r.status(), "seed " + seed + ":\n" + r);
            assertEquals(3, r.inputs().size(), "seed " + seed + ": every draw checked");
            for (CheckResult in : r.inputs()) {
                assertEquals(Status.PASS, in.status(), "seed " + seed + ":\n" + r);
                assertNull(in.note(), "seed " + seed + ":\n" + r);
            }
        }
    }

    @Test
    void anOpWrittenBeforeDomainsDeclaresNone() {
        // the SPI's new method is a default one: ops that implement only name, inputShapes, forward
        // and backward still compile and declare nothing
        assertTrue(new dev.gradcheck.SampleSquareOp().domain(0).isUndeclared());
        assertEquals("undeclared", Domain.undeclared().toString());
    }

    @Test
    void drawsOfEachKindStayInside() {
        SplittableRandom rng = new SplittableRandom(5);
        Domain[] domains = {Domain.atLeast(1), Domain.greaterThan(0), Domain.atMost(-2), Domain.lessThan(3),
            Domain.between(-1, 1), Domain.integers(0, 9), Domain.reals()};
        for (Domain d : domains) {
            for (double mag : new double[] {1, 10, 100}) {
                for (int k = 0; k < 2000; k++) {
                    double v = d.draw(rng, mag);
                    assertTrue(d.contains(v), d + " at |x|~" + mag + " drew " + v);
                }
            }
        }
        // a half-line's draws keep 1% of the magnitude from its bound
        for (int k = 0; k < 2000; k++) {
            assertTrue(Domain.greaterThan(0).draw(rng, 10) >= 0.1);
        }
        assertEquals("x ≥ 1", Domain.atLeast(1).toString());
        assertEquals("-1 < x < 1", Domain.between(-1, 1).toString());
        assertEquals("integer in [0, 9]", Domain.integers(0, 9).toString());
        assertThrows(IllegalArgumentException.class, () -> Domain.between(1, 1));
        assertThrows(IllegalArgumentException.class, () -> Domain.atLeast(Double.NaN));
    }

    @Test
    void undeclaredLogIsRetriedAtAbsAndSaysSo() {
        RecordingOp log = new RecordingOp("log", 8, Math::log, x -> 1 / x, Domain.undeclared());
        CheckResult r = CustomOpCheck.check(log, OPTIONS.withSeed(1));
        assertEquals(Status.PASS, r.status(), r::toString);
        for (CheckResult in : r.inputs()) {
            assertNotNull(in.note(), () -> "no note on " + in.name() + ":\n" + r);
            assertTrue(in.note().startsWith("point retried at |x|: the forward was not finite at the drawn point"),
                    in.note());
        }
    }

    @Test
    void anOpFiniteOnlyOnARareRegionIsReDrawnUpToTenTimesThenSkipped() {
        // finite only where every entry is below -0.5: never at |x| and rarely in a fresh draw of 8 entries
        RecordingOp rare = new RecordingOp("rare", 8, x -> x < -0.5 ? x * x : Double.NaN, x -> 2 * x,
                Domain.undeclared());
        CheckResult r = CustomOpCheck.check(rare, OPTIONS.withSeed(2).withDraws(1));
        // 1 drawn point + 9 retries, each tried by one forward call, then the first checked anyway
        assertEquals(11, rare.forwardPoints.size(), r::toString);
        assertEquals(Status.ERROR, r.status(), r::toString);
        assertTrue(r.inputs().get(0).note().contains("also at 9 re-drawn points"), r.inputs().get(0).note());
    }

    @Test
    void aDeclaredDomainIsNotReDrawn() {
        // declared reals, not finite below 0: a bug (or a wrong declaration), reported as such
        RecordingOp sqrt = new RecordingOp("sqrt", 8, Math::sqrt, x -> 0.5 / Math.sqrt(x), Domain.reals());
        CheckResult r = CustomOpCheck.check(sqrt, OPTIONS.withSeed(0).withDraws(1));
        assertEquals(Status.ERROR, r.status(), r::toString);
        assertTrue(r.error().contains("outside the function's domain"), r.error());
        assertNull(r.inputs().get(0).note());
    }

    @Test
    void anIntegerInputIsNotDifferentiated() {
        CustomOp power = LambdaOp.named("power").shapes(new int[] {5}, new int[] {5})
                .domains(Domain.undeclared(), Domain.integers(0, 4)).forward(in -> {
                    double[] y = new double[5];
                    for (int i = 0; i < 5; i++) {
                        y[i] = Math.pow(in[0][i], in[1][i]);
                    }
                    return y;
                }).backward((in, g) -> {
                    double[] d = new double[5];
                    for (int i = 0; i < 5; i++) {
                        double n = in[1][i];
                        d[i] = g[i] * (n == 0 ? 0 : n * Math.pow(in[0][i], n - 1));
                    }
                    return new double[][] {d, new double[5]};
                }).build();
        CheckResult r = CustomOpCheck.check(power, OPTIONS);
        assertTrue(r.passed(), r::toString);
        for (CheckResult in : r.inputs()) {
            if (in.name().equals("input1")) {
                assertEquals(Status.SKIPPED, in.status(), r::toString);
                assertTrue(in.error().contains("integer values (integer in [0, 4])"), in.error());
            } else {
                assertEquals(Status.PASS, in.status(), r::toString);
            }
        }
    }
}

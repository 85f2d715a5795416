package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** FAST mode: random projections catch a wrong entry among 10^5 and bisection localises it. */
class FastModeTest {
    private static final int ROWS = 100;
    private static final int COLS = 1000;

    /** y = Σ w·sin(x) over a [100, 1000] input, with entry {@code wrong} of the gradient off by {@code delta}. */
    private static Fn sinDot(double[] w, int wrong, double delta) {
        return Fn.of(in -> {
            double s = 0;
            for (int j = 0; j < w.length; j++) {
                s += w[j] * Math.sin(in[0][j]);
            }
            return new double[] {s};
        }, (in, go) -> {
            double[] d = new double[w.length];
            for (int j = 0; j < w.length; j++) {
                d[j] = go[0] * w[j] * Math.cos(in[0][j]);
            }
            if (wrong >= 0) {
                d[wrong] += delta;
            }
            return new double[][] {d};
        });
    }

    @Test
    void catchesAndLocalisesOneWrongEntryAmongOneHundredThousand() {
        for (long seed : new long[] {1, 2, 3}) {
            SplittableRandom rng = new SplittableRandom(seed);
            int n = ROWS * COLS;
            double[] w = Fn.randn(rng, n);
            double[] x = Fn.randn(rng, n);
            int wrong = rng.nextInt(n);
            CheckReport r = GradCheck.of(sinDot(w, wrong, 1.0)).at(x).shapes(new int[] {ROWS, COLS})
                    .mode(Mode.FAST).seed(seed).check();
            CheckResult c = r.checks().get(0);
            assertEquals(Status.FAIL, c.status(), () -> "seed " + seed + "\n" + r.toText());
            assertEquals(n, c.entriesChecked());
            int[] expected = {wrong / COLS, wrong % COLS};
            assertArrayEquals(expected, c.worst().get(0).index(), () -> "seed " + seed + "\n" + r.toText());
            assertEquals(1, c.worst().stream().filter(e -> e.status() == Status.FAIL).count(), r::toText);
            assertTrue(c.diagnosis().contains("only entry " + java.util.Arrays.toString(expected)), r::toText);
            // O(log N) probes: 4 projections plus two per bisection level (17 levels) for each failing one
            assertTrue(c.probes() <= 4 + 4 * 2 * 17, () -> c.probes() + " probes");
            System.out.println("FAST seed " + seed + ": wrong entry " + java.util.Arrays.toString(expected)
                    + " localised with " + c.probes() + " probes, " + r.elapsedMs() + " ms");
        }
    }

    @Test
    void correctFunctionOfOneHundredThousandPasses() {
        SplittableRandom rng = new SplittableRandom(7);
        int n = ROWS * COLS;
        CheckReport r = GradCheck.of(sinDot(Fn.randn(rng, n), -1, 0)).at(Fn.randn(rng, n)).mode(Mode.FAST).check();
        assertTrue(r.passed(), r::toText);
        assertEquals(4, r.checks().get(0).probes());
    }

    @Test
    void fastWithTheModelToleranceHasNoFalseAlarmsAndCatchesSmallErrors() {
        for (long s = 0; s < 10; s++) {
            long seed = s;
            SplittableRandom rng = new SplittableRandom(seed);
            int n = 10_000;
            double[] w = Fn.randn(rng, n);
            double[] x = Fn.randn(rng, n);
            for (Scheme scheme : Scheme.values()) {
                CheckReport ok = GradCheck.of(sinDot(w, -1, 0)).at(x).mode(Mode.FAST).scheme(scheme)
                        .tolerance(Tolerance.model()).seed(seed).check();
                assertTrue(ok.passed(), () -> "seed " + seed + " " + scheme + "\n" + ok.toText());
            }
            int wrong = rng.nextInt(n);
            double delta = 1e-3 * Math.abs(w[wrong] * Math.cos(x[wrong])) + 1e-4;
            CheckReport bad = GradCheck.of(sinDot(w, wrong, delta)).at(x).mode(Mode.FAST).scheme(Scheme.RIDDERS)
                    .tolerance(Tolerance.model()).seed(seed).check();
            assertEquals(wrong, bad.checks().get(0).worst().isEmpty() ? -1
                    : bad.checks().get(0).worst().get(0).index()[0], () -> "seed " + seed + "\n" + bad.toText());
        }
    }

    @Test
    void fastAndFullAgreeOnSmallPlantedBugs() {
        for (long seed = 0; seed < 30; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            int n = 5 + rng.nextInt(60);
            double[] w = Fn.randn(rng, n);
            double[] x = Fn.randn(rng, n);
            boolean planted = seed % 2 == 0;
            Fn f = sinDot(w, planted ? rng.nextInt(n) : -1, 0.5);
            boolean full = GradCheck.of(f).at(x).seed(seed).check().passed();
            boolean fast = GradCheck.of(f).at(x).mode(Mode.FAST).seed(seed).check().passed();
            assertEquals(!planted, full, "FULL, seed " + seed);
            assertEquals(full, fast, "FAST vs FULL, seed " + seed);
        }
    }

    @Test
    void sampledChecksKEntries() {
        SplittableRandom rng = new SplittableRandom(3);
        double[] w = Fn.randn(rng, 500);
        CheckReport r = GradCheck.of(sinDot(w, -1, 0)).at(Fn.randn(rng, 500)).mode(Mode.SAMPLED).samples(20).check();
        assertTrue(r.passed(), r::toText);
        assertEquals(20, r.checks().get(0).entriesChecked());
        // every entry wrong by a factor: any sample sees it
        Fn doubled = Fn.of(in -> new double[] {2 * sinDot(w, -1, 0).forward(in)[0]},
                (in, go) -> sinDot(w, -1, 0).backward(in, go));
        CheckReport bad = GradCheck.of(doubled).at(Fn.randn(rng, 500)).mode(Mode.SAMPLED).samples(20).check();
        assertTrue(bad.checks().get(0).diagnosis().contains("analytic = 0.5 x numeric on every sampled entry"),
                bad::toText);
    }

    @Test
    void fastNamesAFactorOnTheLocalisedEntries() {
        SplittableRandom rng = new SplittableRandom(8);
        double[] w = Fn.randn(rng, 4096);
        Fn f = sinDot(w, -1, 0);
        Fn doubled = Fn.of(f::forward, (in, go) -> {
            double[][] d = f.backward(in, go);
            for (int i = 0; i < d[0].length; i++) {
                d[0][i] *= 2;
            }
            return d;
        });
        for (Scheme scheme : Scheme.values()) {
            CheckReport r = GradCheck.of(doubled).at(Fn.randn(rng, 4096)).mode(Mode.FAST).scheme(scheme).check();
            CheckResult c = r.checks().get(0);
            assertEquals(Status.FAIL, c.status(), r::toText);
            assertTrue(c.diagnosis().contains("analytic = 2.0 x numeric on every localised entry"), r::toText);
            assertTrue(c.worst().size() >= 2, r::toText);
        }
    }

    @Test
    void theTaylorTestIsOffByDefaultInFastModeAndOnWhenAskedFor() {
        SplittableRandom rng = new SplittableRandom(5);
        double[] w = Fn.randn(rng, 300);
        double[] x = Fn.randn(rng, 300);
        GradCheck g = GradCheck.of(sinDot(w, -1, 0)).at(x);
        assertTrue(Double.isNaN(g.mode(Mode.FAST).check().checks().get(0).taylorSlope()), "FAST default");
        assertEquals(2.0, g.mode(Mode.FAST).options(CheckOptions.defaults().withMode(Mode.FAST).withTaylor(true)).check()
                .checks().get(0).taylorSlope(), 0.1, "FAST with withTaylor(true)");
        assertEquals(2.0, g.mode(Mode.FULL).check().checks().get(0).taylorSlope(), 0.1, "FULL default");
        assertFalse(CheckOptions.defaults().withMode(Mode.FAST).taylor());
        assertTrue(CheckOptions.defaults().withMode(Mode.SAMPLED).taylor());
        assertFalse(CheckOptions.defaults().withTaylor(false).taylor());
    }

    /**
     * Directions are drawn per input name, not position: a tensor checked alone (as the CLI's
     * reproduce hint does) gets the result it got beside others, wrong entry and probes included.
     */
    @Test
    void anInputCheckedAloneDrawsWhatItDrewBesideOthers() {
        SplittableRandom rng = new SplittableRandom(11);
        int n = 2000;
        double[] w = Fn.randn(rng, n);
        double[] a = Fn.randn(rng, 50);
        double[] b = Fn.randn(rng, n);
        int wrong = 1234;
        Fn alone = sinDot(w, wrong, 0.5);
        Fn both = Fn.of(in -> new double[] {alone.forward(new double[][] {in[1]})[0] + sum(in[0])},
                (in, go) -> new double[][] {fill(in[0].length, go[0]), alone.backward(new double[][] {in[1]}, go)[0]});
        CheckResult joint = GradCheck.of(both).at(a, b).names("a", "b").mode(Mode.FAST).seed(3).check().checks().get(1);
        CheckResult single = GradCheck.of(alone).at(b).names("b").mode(Mode.FAST).seed(3).check().checks().get(0);
        assertEquals(Status.FAIL, single.status());
        assertEquals(wrong, single.worst().get(0).index()[0]);
        assertEquals(single.probes(), joint.probes());
        assertEquals(single.worst().toString(), joint.worst().toString());
    }

    /** A user's backward never runs beside another call, whatever the thread count (forward calls may). */
    @Test
    void aUsersBackwardNeverRunsBesideAnotherCall() {
        java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean overlap = new java.util.concurrent.atomic.AtomicBoolean();
        SplittableRandom rng = new SplittableRandom(13);
        double[] w = Fn.randn(rng, 400);
        Fn inner = sinDot(w, -1, 0);
        DifferentiableFunction f = new DifferentiableFunction() {
            @Override
            public double[] forward(double[][] in) {
                active.incrementAndGet();
                try {
                    return new double[] {inner.forward(new double[][] {in[1]})[0] + sum(in[0])};
                } finally {
                    active.decrementAndGet();
                }
            }

            @Override
            public double[][] backward(double[][] in, double[] go) {
                if (active.incrementAndGet() > 1) {
                    overlap.set(true);
                }
                try {
                    Thread.sleep(2); // long enough for a concurrent forward to show
                    return new double[][] {fill(in[0].length, go[0]), inner.backward(new double[][] {in[1]}, go)[0]};
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                } finally {
                    active.decrementAndGet();
                }
            }
        };
        CheckReport r = GradCheck.of(f).at(Fn.randn(rng, 30), Fn.randn(rng, 400)).mode(Mode.FAST).threads(2).check();
        assertTrue(r.passed(), r::toText);
        assertFalse(overlap.get(), "backward ran beside another call");
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s;
    }

    private static double[] fill(int n, double v) {
        double[] d = new double[n];
        java.util.Arrays.fill(d, v);
        return d;
    }
}

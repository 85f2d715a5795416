package dev.gradcheck.internal.diagnosis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.EntryResult;
import dev.gradcheck.Status;
import dev.gradcheck.internal.Indexing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Slices permuted along a dimension are named with which slices moved where; a correct gradient, a
 * factor, a transpose, a shift, a reversal, one wrong entry, a copied slice, noise and slices too
 * alike to tell apart never get the finding, over many random tensors (fixed seeds, printed on failure).
 */
class PermutedFindingTest {
    private static final double ATOL = 1e-10;
    private static final double RTOL = 1e-7;
    private static final int SEEDS = 400;

    /** Evidence of every entry in flat order, each judged within atol + rtol·|numeric|. */
    private static Evidence evidence(int[] shape, double[] analytic, double[] numeric, Evidence.Scope scope) {
        List<EntryResult> entries = new ArrayList<>();
        for (int k = 0; k < numeric.length; k++) {
            double allowed = ATOL + RTOL * Math.abs(numeric[k]);
            boolean ok = Math.abs(analytic[k] - numeric[k]) <= allowed;
            entries.add(new EntryResult(Indexing.unravel(k, shape), analytic[k], numeric[k], allowed, Double.NaN,
                    ok ? Status.PASS : Status.FAIL));
        }
        return Evidence.of(shape, entries, scope).build();
    }

    private static Diagnosis diagnose(int[] shape, double[] analytic, double[] numeric) {
        return Findings.diagnose(evidence(shape, analytic, numeric, Evidence.Scope.FULL));
    }

    private static Diagnosis permuted(int[] shape, double[] analytic, double[] numeric) {
        return new PermutedFinding().test(evidence(shape, analytic, numeric, Evidence.Scope.FULL));
    }

    /** numeric with slice i along d replaced by slice from[i]. */
    private static double[] moved(int[] shape, double[] numeric, int d, int[] from) {
        int[] strides = Indexing.strides(shape);
        double[] out = numeric.clone();
        for (int k = 0; k < numeric.length; k++) {
            int i = (k / strides[d]) % shape[d];
            out[k] = numeric[k + (from[i] - i) * strides[d]];
        }
        return out;
    }

    private static int[] swap(int length, int i, int j) {
        int[] p = identity(length);
        p[i] = j;
        p[j] = i;
        return p;
    }

    private static int[] identity(int length) {
        int[] p = new int[length];
        for (int i = 0; i < length; i++) {
            p[i] = i;
        }
        return p;
    }

    private static double[] gaussian(SplittableRandom rng, int n) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            // Box–Muller, so the values depend on the seed alone
            v[k] = Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
        }
        return v;
    }

    /** A shape of rank 1 to 4, dims 1 to 6, at least 2 entries. */
    private static int[] shape(SplittableRandom rng) {
        while (true) {
            int[] s = new int[1 + rng.nextInt(4)];
            for (int d = 0; d < s.length; d++) {
                s[d] = 1 + rng.nextInt(6);
            }
            if (Indexing.size(s) >= 2) {
                return s;
            }
        }
    }

    /** A dimension of 2 or more entries, or -1. */
    private static int dimension(SplittableRandom rng, int[] shape) {
        List<Integer> ok = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] >= 2) {
                ok.add(d);
            }
        }
        return ok.isEmpty() ? -1 : ok.get(rng.nextInt(ok.size()));
    }

    private static int[] randomPermutation(SplittableRandom rng, int length) {
        int[] p = identity(length);
        for (int i = length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static boolean reversal(int[] p) {
        for (int i = 0; i < p.length; i++) {
            if (p[i] != p.length - 1 - i) {
                return false;
            }
        }
        return p.length >= 3;
    }

    private static boolean cyclicShift(int[] p) {
        int n = p.length;
        boolean up = true;
        boolean down = true;
        for (int i = 0; i < n; i++) {
            up &= p[i] == (i + 1) % n;
            down &= p[i] == (i + n - 1) % n;
        }
        return n >= 3 && (up || down);
    }

    private static Supplier<String> at(long seed, int[] shape, Diagnosis d) {
        return () -> "seed " + seed + " shape " + Arrays.toString(shape) + ": " + (d == null ? "no diagnosis"
                : d.kinds() + " " + d.text());
    }

    @Test
    void twoSwappedRowsAreNamedWithWhichMovedWhere() {
        SplittableRandom rng = new SplittableRandom(7);
        int[] shape = {4, 7};
        double[] numeric = gaussian(rng, 28);
        Diagnosis d = diagnose(shape, moved(shape, numeric, 0, swap(4, 0, 2)), numeric);
        assertNotNull(d);
        assertEquals(List.of("permuted"), d.kinds(), d.text());
        assertTrue(d.text().startsWith("rows 0 and 2 are swapped (analytic row 0 = numeric row 2 and row 2 = row 0;"
                + " the other 2 rows right): an index mixed up in the backward"), d.text());
        assertTrue(d.text().contains("gather/scatter with the wrong index map"), d.text());
    }

    @Test
    void columnsEntriesAndChannelsAreWordedByTheirDimension() {
        SplittableRandom rng = new SplittableRandom(8);
        double[] m = gaussian(rng, 20);
        assertTrue(diagnose(new int[] {4, 5}, moved(new int[] {4, 5}, m, 1, swap(5, 1, 3)), m).text()
                .startsWith("columns 1 and 3 are swapped (analytic column 1 = numeric column 3 and column 3 = column 1;"
                        + " the other 3 columns right)"));
        double[] v = gaussian(rng, 6);
        assertTrue(diagnose(new int[] {6}, moved(new int[] {6}, v, 0, swap(6, 1, 4)), v).text()
                .startsWith("entries 1 and 4 are swapped (analytic entry 1 = numeric entry 4 and entry 4 = entry 1;"));
        // a conv weight [out 6, in 3, 3, 3] whose output channels 0, 1, 3 are rotated
        int[] conv = {6, 3, 3, 3};
        double[] w = gaussian(rng, 162);
        Diagnosis cycle = diagnose(conv, moved(conv, w, 0, new int[] {1, 3, 2, 0, 4, 5}), w);
        assertEquals("slices 0, 1 and 3 along dim 0 are permuted in one cycle (analytic slice 0 = numeric slice 1,"
                + " slice 1 = slice 3, slice 3 = slice 0; the other 3 slices right): an index mixed up in the backward"
                + " (e.g. slices written in the wrong order, a permute or reshape with the dimensions in the wrong order,"
                + " or a gather/scatter with the wrong index map)", cycle.text());
        // two swaps at once: permuted, not one cycle
        Diagnosis two = diagnose(conv, moved(conv, w, 1, new int[] {0, 2, 1}), w);
        assertTrue(two.text().startsWith("slices 1 and 2 along dim 1 are swapped"), two.text());
        double[] big = gaussian(rng, 12 * 2);
        int[] twelve = {12, 2};
        Diagnosis many = diagnose(twelve, moved(twelve, big, 0, new int[] {1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 10, 11}), big);
        assertTrue(many.text().startsWith("rows 0, 1, 2, 3, 4, 5, 6, 7, … (10 of them) are permuted (analytic row 0"
                + " = numeric row 1, row 1 = row 0, row 2 = row 3, row 3 = row 2, row 4 = row 5, row 5 = row 4, row 6 ="
                + " row 7, row 7 = row 6, … (10 in all); the other 2 rows right)"), many.text());
    }

    @Test
    void anyPermutationOfRandomSlicesIsNamedUnlessAMoreSpecificPatternIs() {
        for (long seed = 0; seed < SEEDS; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            int[] shape = shape(rng);
            int d = dimension(rng, shape);
            if (d < 0) {
                continue;
            }
            int[] p;
            do {
                p = randomPermutation(rng, shape[d]);
            } while (Arrays.equals(p, identity(shape[d])));
            double[] numeric = gaussian(rng, (int) Indexing.size(shape));
            Diagnosis got = diagnose(shape, moved(shape, numeric, d, p), numeric);
            assertNotNull(got, at(seed, shape, got));
            String expected = reversal(p) ? "reversed" : cyclicShift(p) ? "shifted" : "permuted";
            assertEquals(List.of(expected), got.kinds(), at(seed, shape, got));
            if (expected.equals("permuted")) {
                int moved = 0;
                for (int i = 0; i < p.length; i++) {
                    moved += p[i] != i ? 1 : 0;
                }
                assertTrue(got.text().contains(moved == 2 ? "are swapped" : "are permuted"), at(seed, shape, got));
            }
        }
    }

    @Test
    void neverOnAFactorOneEntryACopyNoiseOrANonCyclicShift() {
        for (long seed = 0; seed < SEEDS; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            int[] shape = shape(rng);
            int m = (int) Indexing.size(shape);
            double[] n = gaussian(rng, m);
            if (rng.nextBoolean() && shape[0] >= 2) {
                // slices alike: slice 1 a copy of slice 0, so moves between them show nothing
                int stride = m / shape[0];
                System.arraycopy(n, 0, n, stride, stride);
            }
            double[] factor = n.clone();
            double c = new double[] {2, 0.5, -1, 3, 1 + rng.nextDouble()}[rng.nextInt(5)];
            for (int k = 0; k < m; k++) {
                factor[k] *= c;
            }
            double[] correct = n.clone();
            for (int k = 0; k < m; k++) {
                correct[k] += 0.5 * RTOL * Math.abs(n[k]) * (rng.nextDouble() - 0.5);
            }
            double[] one = n.clone();
            one[rng.nextInt(m)] += 1;
            double[] noise = n.clone();
            for (int k = 0; k < m; k++) {
                noise[k] += rng.nextDouble() < 0.3 ? rng.nextDouble() - 0.5 : 0;
            }
            List<double[]> cases = new ArrayList<>(List.of(factor, correct, one, noise));
            int d = dimension(rng, shape);
            if (d >= 0) {
                int len = shape[d];
                int i = rng.nextInt(len);
                int j = (i + 1 + rng.nextInt(len - 1)) % len;
                int[] copy = identity(len);
                copy[i] = j; // slice i overwritten by slice j: a copy, not a permutation
                cases.add(moved(shape, n, d, copy));
                if (len >= 3) {
                    int[] shift = new int[len];
                    for (int k = 0; k < len; k++) {
                        shift[k] = Math.min(k + 1, len - 1); // the last slice kept: not a cycle
                    }
                    cases.add(moved(shape, n, d, shift));
                }
            }
            for (double[] a : cases) {
                Diagnosis direct = permuted(shape, a, n);
                assertNull(direct, at(seed, shape, direct));
                Diagnosis all = diagnose(shape, a, n);
                assertFalse(all != null && all.kinds().contains("permuted"), at(seed, shape, all));
            }
        }
    }

    @Test
    void aTransposeOrAShiftKeepsItsOwnDiagnosis() {
        for (long seed = 0; seed < SEEDS / 4; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            int side = 2 + rng.nextInt(5);
            int[] shape = {side, side};
            double[] n = gaussian(rng, side * side);
            double[] t = new double[side * side];
            for (int r = 0; r < side; r++) {
                for (int c = 0; c < side; c++) {
                    t[r * side + c] = n[c * side + r];
                }
            }
            Diagnosis d = diagnose(shape, t, n);
            assertEquals(List.of("transposed"), d.kinds(), at(seed, shape, d));
            if (side >= 3) {
                int[] up = new int[side];
                for (int i = 0; i < side; i++) {
                    up[i] = (i + 1) % side;
                }
                Diagnosis s = diagnose(shape, moved(shape, n, 0, up), n);
                assertEquals(List.of("shifted"), s.kinds(), at(seed, shape, s));
            }
        }
    }

    @Test
    void slicesThatDifferByLittleMoreThanTheToleranceAreNotClaimed() {
        // rows 0 and 1 differ by 1.5 tolerances on one entry: swapped, each is wrong, yet the move
        // is within what rounding could do twice over, so it is not claimed
        double[] n = {1, 2, 3, 1, 2, 3, 4, 5, 6};
        n[3] += 1.5 * (ATOL + RTOL);
        int[] shape = {3, 3};
        double[] a = moved(shape, n, 0, swap(3, 0, 1));
        assertNull(permuted(shape, a, n));
        // the same rows 100 tolerances apart: named
        n[3] = 1 + 100 * (ATOL + RTOL);
        assertNotNull(permuted(shape, moved(shape, n, 0, swap(3, 0, 1)), n));
    }

    @Test
    void onlyEvidenceOfEveryEntry() {
        double[] n = {1, 2, 3, 4, 5, 6};
        double[] a = {3, 4, 1, 2, 5, 6};
        int[] shape = {3, 2};
        assertNotNull(permuted(shape, a, n));
        for (Evidence.Scope s : new Evidence.Scope[] {Evidence.Scope.SAMPLED, Evidence.Scope.LOCALISED}) {
            assertNull(new PermutedFinding().test(evidence(shape, a, n, s)));
        }
    }

    @Test
    void aLargeVectorWithManyEqualValuesIsMatchedWithoutRescanning() {
        // 2^20 entries of two values, each pair of entries swapped: every wrong entry's key window
        // holds half a million alike candidates; those taken are skipped, not scanned again
        int m = 1 << 20;
        double[] n = new double[m];
        double[] a = new double[m];
        for (int k = 0; k < m; k += 2) {
            n[k] = 1;
            a[k + 1] = 1;
        }
        Diagnosis d = permuted(new int[] {m}, a, n);
        assertNotNull(d);
        assertTrue(d.text().startsWith("entries 0, 1, 2, 3, 4, 5, 6, 7, … (" + m + " of them) are permuted (analytic"
                + " entry 0 = numeric entry 1, entry 1 = entry 0, entry 2 = entry 3"), d.text());
        double[] v = gaussian(new SplittableRandom(3), m);
        double[] w = moved(new int[] {m}, v, 0, swap(m, 17, m - 5));
        Diagnosis big = permuted(new int[] {m}, w, v);
        assertNotNull(big);
        assertTrue(big.text().startsWith("entries 17 and " + (m - 5) + " are swapped"), big.text());
    }
}

package dev.gradcheck.properties.checker;

import dev.gradcheck.properties.checker.PlainOps.MatmulBackward;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * One random draw for a planted bug: a matmul A [m, k] · B [k, n] (m ≠ k, both ≥ 2, so a
 * transpose and a row are visible) and a vector op y = sin(x)·w of length ≥ 4 (so a shift is),
 * their values, the bug's own choices (factor, row, shift direction) and the checker's seed.
 * Values are ±(0.25 … 2)·magnitude: never zero, so no gradient the bug corrupts vanishes and
 * hides it (the checker draws its own random gradient output).
 */
record BugDraw(PlantedBug bug, double magnitude, int m, int k, int n, double[] a, double[] b, double[] x,
        double[] w, double factor, int row, boolean zeroRow, int shift, long seed) {

    static final double[] FACTORS = {2, 3, 4, 8, 0.5, 1.0 / 3, 0.25, 1.5, -2};
    static final double[] MAGNITUDES = {1, 10};

    /** A draw for {@code bug} (null: the correct ops), all of it from {@code rng} so it shrinks. */
    static BugDraw draw(PlantedBug bug, RandomGenerator rng) {
        double mag = MAGNITUDES[rng.nextInt(MAGNITUDES.length)];
        int m = 2 + rng.nextInt(4);
        int k = 2 + rng.nextInt(4);
        if (k == m) {
            k = m + 1; // non-square: a forgotten transpose changes the layout, not only the values
        }
        int n = 1 + rng.nextInt(4);
        double[] a = values(rng, m * k, mag);
        double[] b = values(rng, k * n, mag);
        int len = 4 + rng.nextInt(9);
        double[] x = values(rng, len, mag);
        double[] w = values(rng, len, 1);
        double factor = FACTORS[rng.nextInt(FACTORS.length)];
        int row = rng.nextInt(m);
        boolean zeroRow = rng.nextBoolean();
        int shift = rng.nextBoolean() ? 1 : -1;
        long seed = rng.nextInt(1_000_000);
        return new BugDraw(bug, mag, m, k, n, a, b, x, w, factor, row, zeroRow, shift, seed);
    }

    static double[] values(RandomGenerator rng, int count, double mag) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = (rng.nextBoolean() ? 1 : -1) * mag * (0.25 + 1.75 * rng.nextDouble());
        }
        return v;
    }

    /** The matmul with the given backward, inputs A and B. */
    Case matmul(String label, MatmulBackward backward) {
        return new Case(label, PlainOps.matmul(m, k, n, backward), new double[][] {a, b},
                new int[][] {{m, k}, {k, n}}, new String[] {"A", "B"}, seed);
    }

    /** y = sin(x)·w with the correct gradient passed through {@code plant}, input x. */
    Case vector(String label, UnaryOperator<double[]> plant) {
        return new Case(label, PlainOps.sinScale(w, plant), new double[][] {x}, new int[][] {{x.length}},
                new String[] {"x"}, seed);
    }

    /** The draw's bug planted, or for a null bug the correct matmul. */
    Case toCase() {
        return bug == null ? matmul("correct matmul", PlantedBug.correct(this)) : bug.plant(this);
    }

    @Override
    public String toString() {
        String what = bug == null ? "correct matmul" : bug.name();
        String details = bug == PlantedBug.FACTOR ? ", factor " + factor
                : bug == PlantedBug.WRONG_ROW ? ", row " + row + (zeroRow ? " zeroed" : " tripled")
                : bug == PlantedBug.OFF_BY_ONE ? ", shift " + shift : "";
        String point = bug == PlantedBug.OFF_BY_ONE
                ? "x " + Arrays.toString(x) + ", w " + Arrays.toString(w)
                : "A [" + m + ", " + k + "] " + Arrays.toString(a) + ", B [" + k + ", " + n + "] " + Arrays.toString(b);
        return what + details + " (checker seed " + seed + ", magnitude " + magnitude + "): " + point;
    }
}

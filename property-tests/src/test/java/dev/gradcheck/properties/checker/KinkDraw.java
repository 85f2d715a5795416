package dev.gradcheck.properties.checker;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * One random draw of a correct op with a kink — relu, abs, or maximum(a, b) — whose entries sit
 * exactly at the kink, near it (from 1e-12 to 0.1 away, inside and around every finite-difference
 * step the checker may take), or at a generic value; with a random valid subgradient at the kink.
 */
record KinkDraw(Op op, double magnitude, double subgradient, double[] a, double[] b, String[] placement, long seed) {
    /** The ops. */
    enum Op { RELU, ABS, MAXIMUM }

    /** Distances from the kink, from round-off level to Ridders' initial step. */
    static final double[] NEAR = {1e-12, 1e-9, 1e-7, 5e-7, 1e-6, 3e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.05, 0.1};
    static final double[] MAGNITUDES = {1, 10, 100};

    static KinkDraw draw(RandomGenerator rng) {
        Op op = Op.values()[rng.nextInt(Op.values().length)];
        double mag = MAGNITUDES[rng.nextInt(MAGNITUDES.length)];
        int len = 1 + rng.nextInt(8);
        double[] a = new double[len];
        double[] b = new double[len];
        String[] placement = new String[len];
        for (int i = 0; i < len; i++) {
            // the kink of relu and abs is at 0; of maximum where a = b, with b anywhere
            b[i] = BugDraw.values(rng, 1, mag)[0];
            double at = op == Op.MAXIMUM ? b[i] : 0;
            int kind = rng.nextInt(3);
            if (kind == 0) {
                a[i] = at;
                placement[i] = "at";
            } else if (kind == 1) {
                double d = (rng.nextBoolean() ? 1 : -1) * NEAR[rng.nextInt(NEAR.length)];
                a[i] = at + d;
                placement[i] = "at" + (d > 0 ? "+" : "") + d;
            } else {
                a[i] = BugDraw.values(rng, 1, mag)[0];
                placement[i] = "generic";
            }
        }
        // a valid subgradient at the kink: relu' in [0, 1], abs' in [−1, 1], maximum's share of a in [0, 1]
        double[] choices = op == Op.ABS ? new double[] {0, 1, -1, 0.3} : new double[] {0, 1, 0.5};
        double sub = choices[rng.nextInt(choices.length)];
        long seed = rng.nextInt(1_000_000);
        return new KinkDraw(op, mag, sub, a, b, placement, seed);
    }

    Case toCase() {
        switch (op) {
            case RELU:
                return new Case("relu", PlainOps.relu(subgradient), new double[][] {a}, new int[][] {{a.length}},
                        new String[] {"x"}, seed);
            case ABS:
                return new Case("abs", PlainOps.abs(subgradient), new double[][] {a}, new int[][] {{a.length}},
                        new String[] {"x"}, seed);
            default:
                return new Case("maximum", PlainOps.maximum(subgradient), new double[][] {a, b},
                        new int[][] {{a.length}, {b.length}}, new String[] {"a", "b"}, seed);
        }
    }

    @Override
    public String toString() {
        return op.name().toLowerCase(java.util.Locale.ROOT) + " (subgradient at the kink " + subgradient
                + ", checker seed " + seed + ", magnitude " + magnitude + "): " + (op == Op.MAXIMUM ? "a " : "x ")
                + Arrays.toString(a) + (op == Op.MAXIMUM ? ", b " + Arrays.toString(b) : "")
                + ", placed " + Arrays.toString(placement);
    }
}

package dev.gradcheck.properties.checker;

import dev.gradcheck.properties.checker.PlainOps.MatmulBackward;
import java.util.List;
import java.util.Locale;

/**
 * The planted bugs of the checker issue, each applied to a correct plain-array op, with the input
 * it corrupts and the words the checker's {@code Diagnoser} promises for it in FULL mode (as
 * {@code gradcheck/src/test/java/dev/gradcheck/PlantedBugsTest} pins them).
 */
enum PlantedBug {
    /** dA of a matmul times a constant c (2, 3, 4, 8, ½, ⅓, ¼, 1.5 or −2). */
    FACTOR {
        @Override
        Case plant(BugDraw d) {
            return d.matmul(name(), (a, b, g) -> scaleA(PlainOps.matmulGrads(a, b, g, d.m(), d.k(), d.n()), d.factor()));
        }

        @Override
        List<String> phrases(BugDraw d) {
            double c = d.factor();
            if (c == Math.rint(c) && c >= 2) {
                long ci = (long) c;
                return List.of("analytic = " + ci + ".0 x numeric on every entry", "an extra factor of " + ci);
            }
            if (c == Math.rint(c) && c < 0) {
                return List.of("sign flipped and scaled: analytic = " + (long) c + ".0 x numeric on every entry",
                        "an extra factor of " + (long) -c);
            }
            double inv = 1 / c;
            if (Math.abs(inv - Math.rint(inv)) < 1e-12) {
                return List.of("x numeric on every entry", "a missing factor of " + (long) Math.rint(inv));
            }
            return List.of("analytic = " + String.format(Locale.ROOT, "%s", c) + " x numeric on every entry",
                    "a wrong constant factor");
        }
    },
    /** dA of a matmul negated. */
    SIGN_FLIP {
        @Override
        Case plant(BugDraw d) {
            return d.matmul(name(), (a, b, g) -> scaleA(PlainOps.matmulGrads(a, b, g, d.m(), d.k(), d.n()), -1));
        }

        @Override
        List<String> phrases(BugDraw d) {
            return List.of("sign flipped: analytic = -numeric on every entry");
        }
    },
    /** dA computed as B·Gᵀ ([k, m]) instead of G·Bᵀ ([m, k]), with m ≠ k: same size, transposed layout. */
    FORGOTTEN_TRANSPOSE {
        @Override
        Case plant(BugDraw d) {
            return d.matmul(name(), (a, b, g) -> {
                double[][] r = PlainOps.matmulGrads(a, b, g, d.m(), d.k(), d.n());
                r[0] = PlainOps.matmul(b, PlainOps.transpose(g, d.m(), d.n()), d.k(), d.n(), d.m());
                return r;
            });
        }

        @Override
        List<String> phrases(BugDraw d) {
            return List.of("analytic equals numeric transposed", "a forgotten transpose");
        }
    },
    /** The gradient of y = sin(x)·w read one position off (i + 1 or i − 1), the edge entry left 0. */
    OFF_BY_ONE {
        @Override
        Case plant(BugDraw d) {
            int delta = d.shift();
            return d.vector(name(), grad -> {
                double[] s = new double[grad.length];
                for (int i = 0; i < s.length; i++) {
                    int j = i + delta;
                    if (j >= 0 && j < s.length) {
                        s[i] = grad[j];
                    }
                }
                return s;
            });
        }

        @Override
        String input() {
            return "x";
        }

        @Override
        List<String> phrases(BugDraw d) {
            return List.of("analytic is numeric shifted by one position (analytic[i] = numeric[i"
                    + (d.shift() > 0 ? "+" : "-") + "1])", "an off-by-one index");
        }
    },
    /** dB of a matmul left zero: B not connected to the output in backward. */
    NOT_CONNECTED {
        @Override
        Case plant(BugDraw d) {
            return d.matmul(name(), (a, b, g) -> {
                double[][] r = PlainOps.matmulGrads(a, b, g, d.m(), d.k(), d.n());
                r[1] = new double[r[1].length];
                return r;
            });
        }

        @Override
        String input() {
            return "B";
        }

        @Override
        List<String> phrases(BugDraw d) {
            return List.of("analytic gradient is zero on every entry where numeric is not", "not connected");
        }
    },
    /** One row of dA wrong (zeroed, as by a loop bound, or tripled). */
    WRONG_ROW {
        @Override
        Case plant(BugDraw d) {
            return d.matmul(name(), (a, b, g) -> {
                double[][] r = PlainOps.matmulGrads(a, b, g, d.m(), d.k(), d.n());
                for (int p = 0; p < d.k(); p++) {
                    r[0][d.row() * d.k() + p] *= d.zeroRow() ? 0 : 3;
                }
                return r;
            });
        }

        @Override
        List<String> phrases(BugDraw d) {
            String edge = d.row() == d.m() - 1 ? " (the last)" : d.row() == 0 ? " (the first)" : "";
            // a loop bound is suggested only for a row the loop missed (analytic 0 there); a tripled row is
            // named by what the analytic value is there
            return List.of("wrong only in row " + d.row() + edge + (d.zeroRow() ? ", where analytic is 0" : ""),
                    d.zeroRow() ? "a loop bound or index error?" : "analytic = 3.0 x numeric on every entry there");
        }
    };

    /** The buggy function at the draw's point. */
    abstract Case plant(BugDraw d);

    /** The input the bug corrupts ({@code A} for the matmul bugs on dA). */
    String input() {
        return "A";
    }

    /** The words the FULL-mode diagnosis of {@link #input()} must contain. */
    abstract List<String> phrases(BugDraw d);

    private static double[][] scaleA(double[][] grads, double c) {
        for (int i = 0; i < grads[0].length; i++) {
            grads[0][i] *= c;
        }
        return grads;
    }

    /** The correct matmul backward at the draw's shapes (the control the bugs are planted in). */
    static MatmulBackward correct(BugDraw d) {
        return (a, b, g) -> PlainOps.matmulGrads(a, b, g, d.m(), d.k(), d.n());
    }
}

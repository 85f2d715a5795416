package dev.gradcheck.engine;

import java.util.List;

/**
 * The first appearance of a NaN, an infinity or a value beyond the magnitude threshold: the op
 * that <em>produced</em> it (its inputs were fine, its result was not), not the ops that only
 * passed it on.
 *
 * @param phase whether the forward result or a backward gradient went bad
 * @param kind NaN, infinity, or too large
 * @param op the producing op's name ({@code "input"} for a leaf tensor that was already bad)
 * @param tensor in the forward phase the bad result; in the backward phase the forward output
 *     of the op whose backward produced the bad gradient (so callers can map it to a node name)
 * @param inputShapes the shapes of the op's inputs
 * @param inputRanges each input's value range, e.g. {@code [-3.2, 4.1]}
 * @param detail where the bad values are, e.g. {@code 2 of 12 entries NaN, first at [0, 3]}
 * @param site the user code that created the op, when known (null otherwise)
 * @param value the first bad value (the first NaN for {@link Kind#NAN}, the first infinity for
 *     {@link Kind#INF}, the first value beyond the threshold for {@link Kind#MAGNITUDE}): in the
 *     forward phase an entry of the result, in the backward phase of the gradient that went bad;
 *     NaN when not known
 * @param index that value's index (row-major, one entry per dimension), or null when not known
 * @param input in the backward phase, the position of the op's input whose gradient went bad (the
 *     gradient {@code index} points into); -1 in the forward phase or when not known
 */
public record Anomaly(Phase phase, Kind kind, String op, Tensor tensor, List<Shape> inputShapes,
        List<String> inputRanges, String detail, StackTraceElement site, double value, List<Integer> index,
        int input) {

    /** Forward or backward. */
    public enum Phase {
        FORWARD, BACKWARD;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What went wrong with the values. */
    public enum Kind {
        NAN("nan"), INF("inf"), MAGNITUDE("exploding");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** {@code nan}, {@code inf} or {@code exploding}, as in the flow report's flags. */
        public String label() {
            return label;
        }
    }

    public Anomaly {
        inputShapes = List.copyOf(inputShapes);
        inputRanges = List.copyOf(inputRanges);
        index = index == null ? null : List.copyOf(index);
    }

    /**
     * An anomaly whose first bad value is looked up in {@code tensor} (the forward result): for an
     * anomaly found without anomaly mode, e.g. the first non-finite layer of a training loop.
     */
    public Anomaly(Phase phase, Kind kind, String op, Tensor tensor, List<Shape> inputShapes,
            List<String> inputRanges, String detail, StackTraceElement site) {
        this(phase, kind, op, tensor, inputShapes, inputRanges, detail, site,
                firstValue(tensor, kind, AnomalyMode.DEFAULT_THRESHOLD),
                firstIndex(tensor, kind, AnomalyMode.DEFAULT_THRESHOLD), -1);
    }

    /**
     * The flat position of the first entry of {@code values} that is bad in the way {@code kind}
     * says (NaN; infinite; beyond {@code threshold} or not finite), or -1.
     */
    static int first(double[] values, Kind kind, double threshold) {
        for (int k = 0; k < values.length; k++) {
            double v = values[k];
            boolean bad = switch (kind) {
                case NAN -> Double.isNaN(v);
                case INF -> Double.isInfinite(v);
                case MAGNITUDE -> !(Math.abs(v) <= threshold);
            };
            if (bad) {
                return k;
            }
        }
        return -1;
    }

    private static double firstValue(Tensor t, Kind kind, double threshold) {
        if (t == null) {
            return Double.NaN;
        }
        double[] d = t.storage();
        int at = first(d, kind, threshold);
        return at < 0 ? Double.NaN : d[at];
    }

    private static List<Integer> firstIndex(Tensor t, Kind kind, double threshold) {
        int at = t == null ? -1 : first(t.storage(), kind, threshold);
        return at < 0 ? null : indexList(t.shape().unravel(at));
    }

    static List<Integer> indexList(int[] index) {
        List<Integer> out = new java.util.ArrayList<>(index.length);
        for (int i : index) {
            out.add(i);
        }
        return out;
    }

    /**
     * One line: {@code forward: log produced nan from finite inputs [2, 3] (range [-1.0, 2.0]): 1 of 6
     * entries NaN, first at [0, 1] (created at Model.java:42)}.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(phase).append(": ").append(op);
        if ("input".equals(op)) {
            sb.append(" tensor already holds ").append(kind.label()).append(": ").append(detail);
        } else {
            sb.append(phase == Phase.FORWARD ? " produced " : " backward produced ").append(kind.label())
                    .append(" from finite inputs");
            for (int i = 0; i < inputShapes.size(); i++) {
                sb.append(i == 0 ? " " : ", ").append(inputShapes.get(i)).append(" (range ")
                        .append(inputRanges.get(i)).append(')');
            }
            sb.append(": ").append(detail);
        }
        if (site != null) {
            sb.append(" (created at ").append(site.getFileName()).append(':').append(site.getLineNumber()).append(')');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}

package dev.gradcheck.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Finds where a NaN, an infinity or an exploding value is born, forward or backward. While a
 * session is open on a thread, every op's result and every backward gradient is scanned (one
 * comparison per value); the first op whose inputs were fine and whose result was not is recorded
 * as the producer, with its input shapes and value ranges and the user code that created it.
 * Ops that only pass a bad value on are not blamed.
 *
 * <pre>{@code
 * try (AnomalyMode.Session s = AnomalyMode.start()) {
 *     loss = model.forward(x);
 *     loss.backward();
 *     s.anomalies().forEach(a -> System.out.println(a.describe()));
 * }
 * }</pre>
 */
public final class AnomalyMode {
    /** Values beyond this magnitude count as exploding by default (as Theano's NanGuardMode). */
    public static final double DEFAULT_THRESHOLD = 1e10;

    private static final ThreadLocal<Session> CURRENT = new ThreadLocal<>();

    private AnomalyMode() {
    }

    /** Starts recording anomalies on this thread with the default threshold, without throwing. */
    public static Session start() {
        return start(DEFAULT_THRESHOLD, false);
    }

    /**
     * Starts a session on this thread.
     *
     * @param threshold values with {@code |x| > threshold} are anomalies (infinity: only NaN/Inf)
     * @param failFast throw {@link AnomalyException} at the first anomaly instead of recording it
     */
    public static Session start(double threshold, boolean failFast) {
        Session s = new Session(threshold, failFast, CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /** The session open on this thread, or null. */
    static Session current() {
        return CURRENT.get();
    }

    /** An open anomaly-detection scope; close it to stop. */
    public static final class Session implements AutoCloseable {
        private final double threshold;
        private final boolean failFast;
        private final Session previous;
        private final List<Anomaly> anomalies = new ArrayList<>();
        /** Inside a backward rule, whose own ops are judged as a whole by onBackward. */
        private boolean inBackward;

        private Session(double threshold, boolean failFast, Session previous) {
            this.threshold = Math.min(threshold, Double.MAX_VALUE); // so that an infinity is always caught
            this.failFast = failFast;
            this.previous = previous;
        }

        /** The anomalies found so far, in the order they appeared. */
        public List<Anomaly> anomalies() {
            return Collections.unmodifiableList(anomalies);
        }

        /** True when anything was found. */
        public boolean found() {
            return !anomalies.isEmpty();
        }

        @Override
        public void close() {
            CURRENT.set(previous);
        }

        /** True when every value is finite and within the threshold. */
        boolean healthy(double[] d) {
            double t = threshold;
            for (double v : d) {
                if (!(Math.abs(v) <= t)) {
                    return false;
                }
            }
            return true;
        }

        /** Marks the start or end of a backward rule's own ops. */
        boolean enterBackward(boolean entering) {
            boolean was = inBackward;
            inBackward = entering;
            return was;
        }

        void onForward(String op, Tensor[] inputs, Tensor output) {
            if (inBackward) {
                return;
            }
            double[] out = output.storage();
            if (healthy(out)) {
                return;
            }
            for (Tensor in : inputs) {
                if (!healthy(in.storage())) {
                    if (in.isLeaf() && !alreadyReported(in)) {
                        record(anomaly(Anomaly.Phase.FORWARD, "input", new Tensor[] {in}, in, in, -1, null));
                    }
                    return; // passed on, not produced here
                }
            }
            record(anomaly(Anomaly.Phase.FORWARD, op, inputs, output, output, -1, element(site())));
        }

        void onBackward(Node node, Tensor output, Tensor grad, Tensor[] inputGrads) {
            for (int k = 0; k < inputGrads.length; k++) {
                Tensor g = inputGrads[k];
                // a gradient passed on as it came (an add's) is healthy exactly when the incoming one is
                if (g != null && g != grad && !healthy(g.storage())) {
                    if (!healthy(grad.storage())) {
                        return; // the incoming gradient was already bad
                    }
                    for (Tensor in : node.inputs) {
                        if (!healthy(in.storage())) {
                            return;
                        }
                    }
                    record(anomaly(Anomaly.Phase.BACKWARD, node.op.name(), node.inputs, output, g, k, element(node.site)));
                    return;
                }
            }
        }

        private boolean alreadyReported(Tensor t) {
            for (Anomaly a : anomalies) {
                if (a.tensor() == t) {
                    return true;
                }
            }
            return false;
        }

        private void record(Anomaly a) {
            anomalies.add(a);
            if (failFast) {
                throw new AnomalyException(a);
            }
        }

        /**
         * @param bad the values that went bad: the forward result, or the gradient of input
         *     {@code input} (backward)
         */
        private Anomaly anomaly(Anomaly.Phase phase, String op, Tensor[] inputs, Tensor output, Tensor bad, int input,
                StackTraceElement site) {
            List<Shape> shapes = new ArrayList<>();
            List<String> ranges = new ArrayList<>();
            for (Tensor in : inputs) {
                shapes.add(in.shape());
                ranges.add(range(in.storage()));
            }
            double[] d = bad.storage();
            Anomaly.Kind kind = kind(d);
            int first = Anomaly.first(d, kind, threshold);
            return new Anomaly(phase, kind, op, output, shapes, ranges, where(bad, kind, first), site, d[first],
                    Anomaly.indexList(bad.shape().unravel(first)), input);
        }

        private Anomaly.Kind kind(double[] d) {
            boolean inf = false;
            for (double v : d) {
                if (Double.isNaN(v)) {
                    return Anomaly.Kind.NAN;
                }
                inf |= Double.isInfinite(v);
            }
            return inf ? Anomaly.Kind.INF : Anomaly.Kind.MAGNITUDE;
        }

        /** {@code 2 of 12 entries NaN or bad, first at [0, 3] = NaN}: the first entry of the anomaly's kind. */
        private String where(Tensor t, Anomaly.Kind k, int first) {
            double[] d = t.storage();
            int bad = 0;
            for (double v : d) {
                if (!(Math.abs(v) <= threshold)) {
                    bad++;
                }
            }
            String what = k == Anomaly.Kind.NAN ? "NaN or bad" : k == Anomaly.Kind.INF ? "infinite or bad"
                    : "beyond |x| > " + threshold;
            return bad + " of " + d.length + " entries " + what + ", first at " + Arrays.toString(t.shape().unravel(first))
                    + " = " + d[first];
        }
    }

    /** {@code [min, max]} of the finite values, with NaN/Inf counts when present. */
    static String range(double[] d) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int nan = 0;
        int inf = 0;
        for (double v : d) {
            if (Double.isNaN(v)) {
                nan++;
            } else if (Double.isInfinite(v)) {
                inf++;
            } else {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        String r = lo > hi ? "[]" : "[" + fmt(lo) + ", " + fmt(hi) + "]";
        return r + (nan > 0 ? " " + nan + " NaN" : "") + (inf > 0 ? " " + inf + " Inf" : "");
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4g", v);
    }

    private static final java.util.Set<String> ENGINE_CLASSES = java.util.Set.of(
            Tensor.class.getName(), Ops.class.getName(), Autograd.class.getName(),
            AnomalyMode.class.getName(), Session.class.getName(), "dev.gradcheck.engine.Functional");

    /** Packages of the engine whose frames are never the user's: the op definitions and kernels. */
    private static final String[] ENGINE_PACKAGES = {
        "dev.gradcheck.engine.op.", "dev.gradcheck.engine.ops.", "dev.gradcheck.engine.nn.",
        "dev.gradcheck.engine.internal."};

    private static final StackWalker WALKER = StackWalker.getInstance();

    /**
     * The first stack frame outside the engine: the user code that applied the op. Kept as a frame
     * (about 1.3 µs per op here); its file and line are looked up only if an anomaly is reported.
     */
    static StackWalker.StackFrame site() {
        return WALKER.walk(frames -> frames.filter(f -> !isEngine(f.getClassName())).findFirst().orElse(null));
    }

    private static boolean isEngine(String className) {
        if (ENGINE_CLASSES.contains(className) || className.startsWith("java.")) {
            return true;
        }
        for (String p : ENGINE_PACKAGES) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static StackTraceElement element(StackWalker.StackFrame frame) {
        return frame == null ? null : frame.toStackTraceElement();
    }
}

package dev.gradcheck.internal.diagnosis;

import dev.gradcheck.EntryResult;
import dev.gradcheck.Status;
import dev.gradcheck.internal.Indexing;
import java.util.ArrayList;
import java.util.List;

/**
 * What is known about the compared entries of one input: per judged entry (skipped ones left out)
 * its index, analytic and numeric values, allowed difference and whether it is wrong; and, when
 * the caller knows them, the point's values at each entry ({@link Variable}s: the input itself and
 * every other input of the same shape), the gradOutput and output aligned with the entries
 * (elementwise ops, or a one-value output), and an {@link ElementwiseProbe} to evaluate the forward
 * elsewhere. Immutable.
 */
public final class Evidence {
    /** Which entries were compared, for honest wording. */
    public enum Scope {
        /** Every entry, in flat order. */
        FULL(" on every entry", ""),
        /** A random sample of entries. */
        SAMPLED(" on every sampled entry", " among the sampled entries"),
        /** The entries FAST mode localised by bisection. */
        LOCALISED(" on every localised entry", " (localised by bisection)");

        final String every;
        final String only;

        Scope(String every, String only) {
            this.every = every;
            this.only = only;
        }
    }

    /** One value per judged entry, named (e.g. {@code input0}, {@code |input0|}, {@code output}). */
    public record Variable(String name, double[] values, boolean signed) {
    }

    final int[] shape;
    final Scope scope;
    final List<EntryResult> entries;
    final double[] a;
    final double[] n;
    final double[] t;
    final boolean[] wrong;
    /** The flat offset of each entry in the input. */
    final int[] flat;
    /** The point's values at the entries: the input's own first. */
    final List<Variable> variables;
    /** gradOutput at each entry (same size output: the same offset; one output: its value), or null. */
    final double[] u;
    /** The output at each entry (same size output only), or null. */
    final double[] y;
    final ElementwiseProbe probe;
    /** Each block of outputs' own gradient, for a small input broadcast over blocks of the output, or null. */
    final BlockProbe blocks;
    /** Products of the forward's Jacobian with vectors, for a small input with its point known, or null. */
    final JacobianProbe jacobian;
    /** Every input's name and shape (the point's), for wording a factor by the dimensions present; empty when unknown. */
    final String[] inputNames;
    final int[][] inputShapes;
    /** The wording of "on every entry" for this evidence (a region's is " there"). */
    final String every;
    /** True when every entry of the input was compared in flat order (patterns on the whole layout). */
    final boolean full;
    /** The largest |numeric| over the finite entries: the gradient's scale. */
    final double numericMax;
    /** Every output of the forward at the point is a float ({@link FloatGrid#allFloats}). */
    final boolean floatOutputs;

    private Evidence(int[] shape, Scope scope, List<EntryResult> entries, List<Variable> variables, double[] u,
            double[] y, ElementwiseProbe probe, BlockProbe blocks, String every, boolean full) {
        this(shape, scope, entries, variables, u, y, probe, blocks, null, null, null, every, full, false);
    }

    private Evidence(int[] shape, Scope scope, List<EntryResult> entries, List<Variable> variables, double[] u,
            double[] y, ElementwiseProbe probe, BlockProbe blocks, JacobianProbe jacobian, String[] inputNames,
            int[][] inputShapes, String every, boolean full, boolean floatOutputs) {
        this.floatOutputs = floatOutputs;
        this.jacobian = jacobian;
        this.inputNames = inputNames == null ? new String[0] : inputNames.clone();
        this.inputShapes = inputShapes == null ? new int[0][] : inputShapes.clone();
        this.shape = shape;
        this.scope = scope;
        this.entries = entries;
        this.variables = variables;
        this.u = u;
        this.y = y;
        this.probe = probe;
        this.blocks = blocks;
        this.every = every;
        this.full = full;
        int m = entries.size();
        a = new double[m];
        n = new double[m];
        t = new double[m];
        wrong = new boolean[m];
        flat = new int[m];
        int[] strides = Indexing.strides(shape);
        for (int k = 0; k < m; k++) {
            EntryResult e = entries.get(k);
            a[k] = e.analytic();
            n[k] = e.numeric();
            t[k] = e.tolerance();
            wrong[k] = e.status() == Status.FAIL;
            int[] idx = e.index();
            int f = 0;
            for (int d = 0; d < idx.length && d < strides.length; d++) {
                f += idx[d] * strides[d];
            }
            flat[k] = f;
        }
        double max = 0;
        for (double v : n) {
            max = Double.isFinite(v) ? Math.max(max, Math.abs(v)) : max;
        }
        numericMax = max;
    }

    /**
     * The evidence of one input at several points (an op's draws) as one: their entries together,
     * the variables every piece knows, gradOutput and output when every piece has them; no probe,
     * and no layout patterns (the entries' indices repeat). Null when the list is empty or the
     * pieces are of different shapes.
     */
    public static Evidence pool(List<Evidence> pieces) {
        if (pieces.isEmpty()) {
            return null;
        }
        Evidence first = pieces.get(0);
        List<EntryResult> entries = new ArrayList<>();
        boolean withU = true;
        boolean withY = true;
        for (Evidence e : pieces) {
            if (!java.util.Arrays.equals(e.shape, first.shape)) {
                return null;
            }
            entries.addAll(e.entries);
            withU &= e.u != null;
            withY &= e.y != null;
        }
        List<Variable> vars = new ArrayList<>();
        for (Variable v : first.variables) {
            double[] all = new double[entries.size()];
            int at = 0;
            boolean everywhere = true;
            for (Evidence e : pieces) {
                Variable same = e.variables.stream().filter(w -> w.name().equals(v.name())).findFirst().orElse(null);
                if (same == null) {
                    everywhere = false;
                    break;
                }
                System.arraycopy(same.values(), 0, all, at, same.values().length);
                at += same.values().length;
            }
            if (everywhere) {
                vars.add(new Variable(v.name(), all, v.signed()));
            }
        }
        return new Evidence(first.shape, first.scope, entries, vars, withU ? concat(pieces, true) : null,
                withY ? concat(pieces, false) : null, null, null, null, null, null, " on every entry of every draw",
                false, pieces.stream().allMatch(p -> p.floatOutputs));
    }

    private static double[] concat(List<Evidence> pieces, boolean u) {
        int n = 0;
        for (Evidence e : pieces) {
            n += e.size();
        }
        double[] out = new double[n];
        int at = 0;
        for (Evidence e : pieces) {
            double[] v = u ? e.u : e.y;
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return out;
    }

    /** Evidence from the compared entries alone (skipped entries are left out). */
    public static Builder of(int[] shape, List<EntryResult> entries, Scope scope) {
        return new Builder(shape, entries, scope);
    }

    /** Number of entries. */
    int size() {
        return a.length;
    }

    int wrongCount() {
        int c = 0;
        for (boolean w : wrong) {
            c += w ? 1 : 0;
        }
        return c;
    }

    /**
     * The size an error at entry k is measured against: |numeric| plus |gradOutput| where gradOutput
     * is aligned with the entries (an elementwise derivative near 0 is still g-sized), else plus
     * 1e-3 of {@link #numericMax}.
     */
    double entryScale(int k) {
        return Math.abs(n[k]) + (u != null ? Math.abs(u[k]) : 1e-3 * numericMax);
    }

    /** The numeric value stands out from zero by more than the tolerance. */
    boolean significant(int k) {
        return Math.abs(n[k]) > t[k];
    }

    /**
     * Whether the numeric derivative stands out from zero (beyond its tolerance) on at least half of
     * the judged entries: the function varies at this point.
     */
    public boolean varies() {
        int judged = 0;
        int significant = 0;
        for (int k = 0; k < size(); k++) {
            if (entries.get(k).status() != Status.KINK) {
                judged++;
                significant += significant(k) ? 1 : 0;
            }
        }
        return judged > 0 && significant * 2 >= judged;
    }

    /** Whether no entry's numeric value stands out from zero by more than its tolerance (a flat or saturated point). */
    boolean numericZero() {
        for (int k = 0; k < size(); k++) {
            if (!(Math.abs(n[k]) <= t[k])) {
                return false;
            }
        }
        return size() > 0;
    }

    /** The input's own values at the entries, or null when not known. */
    Variable own() {
        return variables.isEmpty() ? null : variables.get(0);
    }

    /**
     * The input's own value minus each other input's of the same shape, signed and absolute
     * ("input0 − input1", "|input0 − input1|"), at the entries: the variable a function of a
     * difference branches on (a loss of prediction − target). Empty when fewer than two inputs'
     * values are known.
     */
    List<Variable> differences() {
        List<Variable> out = new ArrayList<>();
        Variable own = own();
        for (int i = 1; i < variables.size(); i++) {
            Variable other = variables.get(i);
            double[] d = new double[own.values().length];
            double[] abs = new double[d.length];
            for (int k = 0; k < d.length; k++) {
                d[k] = own.values()[k] - other.values()[k];
                abs[k] = Math.abs(d[k]);
            }
            String name = own.name() + " − " + other.name();
            out.add(new Variable(name, d, true));
            out.add(new Variable("|" + name + "|", abs, false));
        }
        return out;
    }

    /** The evidence restricted to the entries {@code keep}, "on every entry" worded as {@code every}. */
    Evidence restrict(boolean[] keep, String everyWording) {
        List<EntryResult> sub = new ArrayList<>();
        for (int k = 0; k < keep.length; k++) {
            if (keep[k]) {
                sub.add(entries.get(k));
            }
        }
        List<Variable> vars = new ArrayList<>();
        for (Variable v : variables) {
            vars.add(new Variable(v.name(), pick(v.values(), keep), v.signed()));
        }
        return new Evidence(shape, scope, sub, vars, pick(u, keep), pick(y, keep), probe == null ? null
                : probe.restricted(pick(flat, keep)), blocks, null, inputNames, inputShapes, everyWording, false,
                floatOutputs);
    }

    private static double[] pick(double[] v, boolean[] keep) {
        if (v == null) {
            return null;
        }
        int c = 0;
        for (boolean b : keep) {
            c += b ? 1 : 0;
        }
        double[] out = new double[c];
        for (int k = 0, j = 0; k < keep.length; k++) {
            if (keep[k]) {
                out[j++] = v[k];
            }
        }
        return out;
    }

    private static int[] pick(int[] v, boolean[] keep) {
        int c = 0;
        for (boolean b : keep) {
            c += b ? 1 : 0;
        }
        int[] out = new int[c];
        for (int k = 0, j = 0; k < keep.length; k++) {
            if (keep[k]) {
                out[j++] = v[k];
            }
        }
        return out;
    }

    /** Builds {@link Evidence}. */
    public static final class Builder {
        private final int[] shape;
        private final List<EntryResult> entries = new ArrayList<>();
        private final Scope scope;
        private String[] names;
        private int[][] shapes;
        private double[][] point;
        private int input = -1;
        private double[] gradOutput;
        private double[] output;
        private ElementwiseProbe.Forward forward;

        private Builder(int[] shape, List<EntryResult> all, Scope scope) {
            this.shape = shape.clone();
            this.scope = scope;
            for (EntryResult e : all) {
                if (e.status() != Status.SKIPPED) {
                    entries.add(e);
                }
            }
        }

        /**
         * The point: every input's name, shape and values, and which input the entries belong to.
         * Arrays are read while building, not kept.
         */
        public Builder point(int input, String[] names, int[][] shapes, double[][] point) {
            this.input = input;
            this.names = names;
            this.shapes = shapes;
            this.point = point;
            return this;
        }

        /** The gradOutput and the forward's output at the point. */
        public Builder output(double[] gradOutput, double[] output) {
            this.gradOutput = gradOutput;
            this.output = output;
            return this;
        }

        /** The forward with this input replaced, for the patterns that need it at other points. */
        public Builder forward(ElementwiseProbe.Forward f) {
            this.forward = f;
            return this;
        }

        public Evidence build() {
            int m = entries.size();
            int[] strides = Indexing.strides(shape);
            int[] flat = new int[m];
            for (int k = 0; k < m; k++) {
                int[] idx = entries.get(k).index();
                for (int d = 0; d < idx.length && d < strides.length; d++) {
                    flat[k] += idx[d] * strides[d];
                }
            }
            List<Variable> vars = new ArrayList<>();
            long size = Indexing.size(shape);
            if (point != null && input >= 0 && input < point.length && point[input].length == size) {
                vars.add(variable(names[input], point[input], flat));
                for (int i = 0; i < point.length; i++) {
                    if (i != input && java.util.Arrays.equals(shapes[i], shape) && point[i].length == size) {
                        vars.add(variable(names[i], point[i], flat));
                    }
                }
            }
            double[] u = null;
            double[] y = null;
            if (gradOutput != null && output != null && gradOutput.length == output.length) {
                if (output.length == size) {
                    u = gather(gradOutput, flat);
                    y = gather(output, flat);
                } else if (output.length == 1) {
                    u = new double[m];
                    java.util.Arrays.fill(u, gradOutput[0]);
                }
            }
            ElementwiseProbe probe = null;
            if (forward != null && y != null && output.length == size && point != null) {
                probe = new ElementwiseProbe(forward, point[input], output, flat);
            }
            boolean ownValues = point != null && input >= 0 && input < point.length && point[input].length == size;
            BlockProbe blocks = ownValues && output != null && output.length != size
                    ? BlockProbe.of(forward, point[input], gradOutput) : null;
            JacobianProbe jacobian = ownValues && output != null && gradOutput != null
                    ? JacobianProbe.of(forward, point[input], output, gradOutput) : null;
            return new Evidence(shape, scope, new ArrayList<>(entries), vars, u, y, probe, blocks, jacobian, names,
                    shapes, scope.every, scope == Scope.FULL && m == size, output != null && FloatGrid.allFloats(output));
        }

        private static Variable variable(String name, double[] values, int[] flat) {
            return new Variable(name, gather(values, flat), true);
        }

        private static double[] gather(double[] v, int[] flat) {
            double[] out = new double[flat.length];
            for (int k = 0; k < flat.length; k++) {
                out[k] = v[flat[k]];
            }
            return out;
        }
    }
}

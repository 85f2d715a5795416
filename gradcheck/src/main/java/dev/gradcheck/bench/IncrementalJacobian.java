package dev.gradcheck.bench;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.engine.op.ForwardArgs;
import dev.gradcheck.engine.op.OpDef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * PROTOTYPE of the checker-speed design in docs/performance.md: the numeric gradient of a scalar
 * engine function by central differences, where a perturbation recomputes only the ops downstream
 * of the perturbed input (the rest comes from the recorded unperturbed forward) and, within them,
 * only the columns the perturbation reaches (a step in {@code W[p][j]} changes column j of
 * {@code x·W}; an elementwise op keeps the columns; a bias entry j changes column j).
 *
 * <p>Every value it computes equals, bit for bit, what a whole forward pass at the perturbed point
 * computes (columns are recomputed with the same fma order as the matmul kernel, elementwise ops
 * through their own forward kernels), so the numeric derivatives are exactly those of the plain
 * method. Results do not depend on the thread count (each entry is computed on its own).
 *
 * <p>Contract (as {@code torch.jit.trace}): the function is a fixed sequence of engine ops; no Java
 * control flow depends on tensor values. The recording is checked once: replaying it unperturbed
 * must reproduce the function's value bit for bit. Not yet wired into the checker.
 */
public final class IncrementalJacobian {
    private static final Set<String> UNARY = Set.of("tanh", "sigmoid", "relu", "exp", "log", "neg", "abs", "sin",
            "cos", "sqrt", "softplus", "gelu", "leaky_relu", "clamp", "erf");
    private static final Set<String> BINARY = Set.of("add", "sub", "mul", "div", "maximum", "minimum");

    /** One recorded op application. */
    private record Step(OpDef op, Attrs attrs, int[] in, Shape[] shapes, Shape out) {
    }

    private final int inputs;
    private final int constants;
    /** Values: inputs first, then constants, then one per step. */
    private final double[][] base;
    private final Shape[] shape;
    private final List<Step> steps;
    private final int output;
    /** Per input: the steps downstream of it, in order. */
    private final int[][] downstream;
    /** False: a matmul whose left operand changed in a few columns is updated by a low-rank correction. */
    private boolean exact = true;

    private IncrementalJacobian(int inputs, int constants, double[][] base, Shape[] shape, List<Step> steps,
            int output, int[][] downstream) {
        this.inputs = inputs;
        this.constants = constants;
        this.base = base;
        this.shape = shape;
        this.steps = steps;
        this.output = output;
        this.downstream = downstream;
    }

    /**
     * Records {@code f} at {@code at} (one forward pass, no graph) and checks the recording.
     *
     * @throws IllegalArgumentException when the output is not one value or the replay differs
     */
    @SuppressWarnings("try")
    public static IncrementalJacobian record(Function<Tensor[], Tensor> f, Tensor... at) {
        Map<Tensor, Integer> ids = new IdentityHashMap<>();
        List<double[]> values = new ArrayList<>();
        List<Shape> shapes = new ArrayList<>();
        Tensor[] xs = new Tensor[at.length];
        for (int i = 0; i < at.length; i++) {
            xs[i] = Tensor.of(at[i].data(), at[i].shape());
            ids.put(xs[i], i);
            values.add(TensorAccess.data(xs[i]));
            shapes.add(xs[i].shape());
        }
        List<Object[]> raw = new ArrayList<>();
        Thread me = Thread.currentThread();
        Ops.OpObserver obs = (op, attrs, in, out) -> {
            if (Thread.currentThread() == me) {
                raw.add(new Object[] {op, attrs, in.clone(), out});
            }
        };
        Tensor result;
        Ops.addObserver(obs);
        try (GradMode.Scope s = GradMode.disabled()) {
            result = f.apply(xs);
        } finally {
            Ops.removeObserver(obs);
        }
        if (result.size() != 1) {
            throw new IllegalArgumentException("incremental Jacobian: the function must give one value, got shape "
                    + result.shape());
        }
        // constants: tensors read by a step that are neither inputs nor made by an earlier step
        int nConst = 0;
        List<Tensor> consts = new ArrayList<>();
        for (Object[] r : raw) {
            for (Tensor t : (Tensor[]) r[2]) {
                if (!ids.containsKey(t) && raw.stream().noneMatch(q -> q[3] == t) && !consts.contains(t)) {
                    consts.add(t);
                }
            }
        }
        for (Tensor t : consts) {
            ids.put(t, values.size());
            values.add(TensorAccess.data(t));
            shapes.add(t.shape());
            nConst++;
        }
        List<Step> steps = new ArrayList<>();
        for (Object[] r : raw) {
            Tensor[] in = (Tensor[]) r[2];
            Tensor out = (Tensor) r[3];
            int[] idx = new int[in.length];
            Shape[] sh = new Shape[in.length];
            for (int k = 0; k < in.length; k++) {
                idx[k] = ids.get(in[k]);
                sh[k] = in[k].shape();
            }
            ids.put(out, values.size());
            values.add(TensorAccess.data(out));
            shapes.add(out.shape());
            steps.add(new Step((OpDef) r[0], (Attrs) r[1], idx, sh, out.shape()));
        }
        Integer outId = ids.get(result);
        if (outId == null || outId < at.length + nConst) {
            throw new IllegalArgumentException("incremental Jacobian: the output is not computed by engine ops");
        }
        int first = at.length + nConst;
        int[][] down = new int[at.length][];
        for (int i = 0; i < at.length; i++) {
            boolean[] dirty = new boolean[values.size()];
            dirty[i] = true;
            List<Integer> d = new ArrayList<>();
            for (int s = 0; s < steps.size(); s++) {
                for (int k : steps.get(s).in) {
                    if (dirty[k]) {
                        dirty[first + s] = true;
                        d.add(s);
                        break;
                    }
                }
            }
            down[i] = d.stream().mapToInt(Integer::intValue).toArray();
        }
        IncrementalJacobian j = new IncrementalJacobian(at.length, nConst, values.toArray(new double[0][]),
                shapes.toArray(new Shape[0]), steps, outId, down);
        double replay = j.full(j.base.clone());
        if (Double.doubleToRawLongBits(replay) != Double.doubleToRawLongBits(result.item())) {
            throw new IllegalArgumentException("incremental Jacobian: replaying the recorded ops gives " + replay
                    + " but the function gave " + result.item() + " (value-dependent control flow?)");
        }
        return j;
    }

    /** Every step recomputed in full from {@code cur} (inputs replaced as given); the output value. */
    double full(double[][] cur) {
        int first = inputs + constants;
        for (int s = 0; s < steps.size(); s++) {
            Step st = steps.get(s);
            cur[first + s] = st.op.forward().apply(new ForwardArgs(gather(cur, st.in), st.shapes, st.attrs, st.out));
        }
        return cur[output][0];
    }

    private static double[][] gather(double[][] cur, int[] idx) {
        double[][] d = new double[idx.length][];
        for (int k = 0; k < idx.length; k++) {
            d[k] = cur[idx[k]];
        }
        return d;
    }

    /**
     * Exact (the default): every recomputed value equals the whole forward's bit for bit. Not
     * exact: {@code A'·B} for an A changed in columns J is {@code A·B + Σ_{j∈J} (A'[:, j] − A[:, j]) ⊗ B[j, :]},
     * O(|J|·n·m) instead of O(n·k·m), deterministic, but rounded differently (by about
     * ε·|A·B|, far below the finite-difference noise ε·|f|/h).
     */
    public IncrementalJacobian exact(boolean e) {
        exact = e;
        return this;
    }

    /**
     * The central-difference gradient of the output with respect to every entry of every input,
     * step {@code h} (absolute, as PyTorch), computed on {@code threads} threads.
     */
    public double[][] gradient(double h, int threads) {
        double[][] g = new double[inputs][];
        for (int i = 0; i < inputs; i++) {
            int input = i;
            int n = base[i].length;
            g[i] = new double[n];
            double[] gi = g[i];
            int chunks = Math.max(1, Math.min(n, threads));
            IntStream range = IntStream.range(0, chunks);
            (threads > 1 ? range.parallel() : range).forEach(c -> {
                Evaluator ev = new Evaluator();
                int lo = (int) ((long) n * c / chunks);
                int hi = (int) ((long) n * (c + 1) / chunks);
                for (int e = lo; e < hi; e++) {
                    double x = base[input][e];
                    double plus = ev.at(input, e, x + h);
                    double minus = ev.at(input, e, x - h);
                    gi[e] = (plus - minus) / (2 * h);
                }
            });
        }
        return g;
    }

    /**
     * The output with one input entry set to {@code value} and everything else as recorded,
     * computed by whole forward kernels: the reference the incremental path must equal.
     */
    public double plainAt(int input, int entry, double value) {
        double[][] cur = base.clone();
        cur[input] = base[input].clone();
        cur[input][entry] = value;
        return full(cur);
    }

    /** The same by the incremental path. */
    public double incrementalAt(int input, int entry, double value) {
        return new Evaluator().at(input, entry, value);
    }

    /** Per-thread scratch: the perturbed input and one buffer per step. */
    private final class Evaluator {
        final double[][] cur = base.clone();
        final double[][] scratch = new double[base.length][];
        /** Changed columns per value (null: unchanged; ALL: every entry). */
        final int[][] cols = new int[base.length][];

        double at(int input, int entry, double value) {
            double[] x = scratch[input] == null ? (scratch[input] = base[input].clone()) : scratch[input];
            x[entry] = value;
            cur[input] = x;
            Shape s = shape[input];
            cols[input] = s.rank() == 0 ? ALL : new int[] {entry % s.dim(-1)};
            int first = inputs + constants;
            for (int st : downstream[input]) {
                int id = first + st;
                cols[id] = step(steps.get(st), id);
            }
            double r = cur[output][0];
            // restore the recorded state
            x[entry] = base[input][entry];
            cur[input] = base[input];
            cols[input] = null;
            for (int st : downstream[input]) {
                cur[first + st] = base[first + st];
                cols[first + st] = null;
            }
            return r;
        }

        /** Recomputes one step into cur[id]; returns its changed columns. */
        private int[] step(Step st, int id) {
            String name = st.op.name();
            if (name.equals("matmul") && st.shapes[0].rank() == 2 && st.shapes[1].rank() == 2
                    && cols[st.in[0]] == null && cols[st.in[1]] != ALL) {
                // A unchanged, columns J of B changed: exactly columns J of the product change
                matmulColumns(st, id, cols[st.in[1]]);
                return cols[st.in[1]];
            }
            if (!exact && name.equals("matmul") && st.shapes[0].rank() == 2 && st.shapes[1].rank() == 2
                    && cols[st.in[1]] == null && cols[st.in[0]] != ALL && cols[st.in[0]] != null) {
                matmulLowRank(st, id, cols[st.in[0]]);
                return ALL;
            }
            if (st.out.rank() >= 1 && (UNARY.contains(name) || (BINARY.contains(name) && st.in.length == 2))) {
                int[] changed = null;
                boolean ok = true;
                for (int k = 0; k < st.in.length; k++) {
                    Shape s = st.shapes[k];
                    boolean scalar = s.size() == 1 && !s.equals(st.out);
                    ok &= scalar || alignedLastDim(s, st.out);
                    int[] c = cols[st.in[k]];
                    if (c != null) {
                        ok &= c != ALL && !scalar; // a changed broadcast scalar changes everything
                        changed = changed == null ? c : union(changed, c);
                    }
                }
                if (ok && changed != null) {
                    elementwiseColumns(st, id, changed);
                    return changed;
                }
            }
            cur[id] = st.op.forward().apply(new ForwardArgs(gather(cur, st.in), st.shapes, st.attrs, st.out));
            return ALL;
        }

        private double[] buffer(int id) {
            double[] b = scratch[id] == null ? (scratch[id] = new double[base[id].length]) : scratch[id];
            System.arraycopy(base[id], 0, b, 0, b.length);
            cur[id] = b;
            return b;
        }

        /** Columns of A·B for a changed B: the kernel's fma order, ascending p from +0.0. */
        private void matmulColumns(Step st, int id, int[] changed) {
            double[] a = cur[st.in[0]];
            double[] b = cur[st.in[1]];
            int n = st.shapes[0].dim(0);
            int k = st.shapes[0].dim(1);
            int m = st.shapes[1].dim(1);
            double[] c = buffer(id);
            for (int j : changed) {
                for (int i = 0; i < n; i++) {
                    double s = 0;
                    int ai = i * k;
                    for (int p = 0; p < k; p++) {
                        s = Math.fma(a[ai + p], b[p * m + j], s);
                    }
                    c[i * m + j] = s;
                }
            }
        }

        /** A'·B from the recorded A·B and the changed columns J of A (rank-|J| update). */
        private void matmulLowRank(Step st, int id, int[] changed) {
            double[] a = cur[st.in[0]];
            double[] a0 = base[st.in[0]];
            double[] b = cur[st.in[1]];
            int n = st.shapes[0].dim(0);
            int k = st.shapes[0].dim(1);
            int m = st.shapes[1].dim(1);
            double[] c = buffer(id);
            for (int i = 0; i < n; i++) {
                int ci = i * m;
                for (int p : changed) {
                    double d = a[i * k + p] - a0[i * k + p];
                    if (d != 0 || Double.isNaN(d)) {
                        int bp = p * m;
                        for (int j = 0; j < m; j++) {
                            c[ci + j] = Math.fma(d, b[bp + j], c[ci + j]);
                        }
                    }
                }
            }
        }

        /** Changed columns of an elementwise op, through its own forward kernel on the gathered entries. */
        private void elementwiseColumns(Step st, int id, int[] changed) {
            int m = st.out.dim(-1);
            int rows = st.out.size() / Math.max(1, m);
            int w = changed.length;
            double[][] parts = new double[st.in.length][];
            Shape[] ps = new Shape[st.in.length];
            for (int k = 0; k < st.in.length; k++) {
                double[] src = cur[st.in[k]];
                Shape s = st.shapes[k];
                if (s.size() == 1 && !s.equals(st.out)) {
                    parts[k] = new double[] {src[0]};
                    ps[k] = Shape.SCALAR;
                    continue;
                }
                boolean perRow = s.size() != m; // full shape; else one row broadcast over all rows
                double[] g = new double[rows * w];
                for (int r = 0; r < rows; r++) {
                    int o = perRow ? r * m : 0;
                    for (int q = 0; q < w; q++) {
                        g[r * w + q] = src[o + changed[q]];
                    }
                }
                parts[k] = g;
                ps[k] = Shape.of(rows, w);
            }
            double[] res = st.op.forward().apply(new ForwardArgs(parts, ps, st.attrs, Shape.of(rows, w)));
            double[] c = buffer(id);
            for (int r = 0; r < rows; r++) {
                for (int q = 0; q < w; q++) {
                    c[r * m + changed[q]] = res[r * w + q];
                }
            }
        }
    }

    private static final int[] ALL = new int[0];

    /** True when {@code s} is the output's shape or a broadcast row of its last dimension ([m] or [1, m]). */
    private static boolean alignedLastDim(Shape s, Shape out) {
        if (s.equals(out)) {
            return true;
        }
        return s.rank() >= 1 && s.size() == s.dim(-1) && s.dim(-1) == out.dim(-1) && out.rank() >= 1;
    }

    private static int[] union(int[] a, int[] b) {
        if (a == ALL || b == ALL) {
            return ALL;
        }
        return IntStream.concat(Arrays.stream(a), Arrays.stream(b)).distinct().sorted().toArray();
    }
}

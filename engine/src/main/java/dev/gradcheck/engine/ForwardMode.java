package dev.gradcheck.engine;

import dev.gradcheck.engine.op.BackwardContext;
import dev.gradcheck.engine.op.ForwardRule;
import dev.gradcheck.engine.op.JvpContext;
import dev.gradcheck.engine.op.OpDef;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Forward-mode differentiation: while a session is open on a thread, every tensor may carry a
 * tangent (by identity), and {@link Ops#apply} gives each op's output the tangent its
 * {@link OpDef#forwardRule() forward rule} computes from its inputs' tangents. The rule's own ops
 * run with the session suspended (they get no tangents of their own) and are recorded in the graph
 * like any op, so a tangent is differentiable in reverse. Only the reference definitions run
 * meanwhile (no fast paths). An op without a rule gets {@link #doubleVjp the double-VJP transpose}
 * of its backward if that backward is differentiable ({@link OpDef#twiceDifferentiable()}); for
 * any other op without a rule forward mode is unsupported (an exception naming the op). {@link Autograd#jvp} and {@link Autograd#hvp} are the entry points.
 */
public final class ForwardMode {
    private static final ThreadLocal<Map<Tensor, Tensor>> TANGENTS = new ThreadLocal<>();
    /** Sessions open on any thread: when none is, {@link #propagate} costs one read per op. */
    private static final AtomicInteger OPEN = new AtomicInteger();

    private ForwardMode() {
    }

    /** True while forward mode propagates tangents on this thread. */
    public static boolean isActive() {
        return OPEN.get() > 0 && TANGENTS.get() != null;
    }

    /** Called by {@link Ops#apply} for every op: gives {@code output} its tangent, if any input has one. */
    static void propagate(OpDef op, Attrs attrs, Tensor[] inputs, Tensor output) {
        if (OPEN.get() == 0) {
            return;
        }
        Map<Tensor, Tensor> tangents = TANGENTS.get();
        if (tangents == null) {
            return;
        }
        Tensor[] in = null;
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = op.input(i).differentiable(inputs[i].dtype()) ? tangents.get(inputs[i]) : null;
            if (t != null) {
                if (in == null) {
                    in = new Tensor[inputs.length];
                }
                in[i] = t;
            }
        }
        if (in == null) {
            return;
        }
        ForwardRule rule = op.forwardRule();
        if (rule == null && !op.twiceDifferentiable()) {
            throw new UnsupportedOperationException("forward mode is unsupported for op '" + op.name() + "': it has no "
                    + "forward rule, and the default (the double-VJP transpose of its backward) is exact only for a "
                    + "backward built from differentiable ops, which it does not declare (twiceDifferentiable); give its "
                    + "OpDef a .forwardRule(...)");
        }
        JvpContext c = new JvpContext(op, inputs, output, attrs, in);
        Tensor tangent;
        TANGENTS.set(null); // the rule's own ops carry no tangents
        try {
            tangent = rule != null ? rule.apply(c) : doubleVjp(c);
        } finally {
            TANGENTS.set(tangents);
        }
        if (tangent != null) {
            if (!tangent.shape().equals(output.shape())) {
                throw new IllegalStateException(op.name() + ": forward rule (" + op.forwardRoute() + ") gave a tangent of shape "
                        + tangent.shape() + " for an output of shape " + output.shape());
            }
            tangents.put(output, tangent);
        }
    }

    /**
     * The default forward rule: {@code J·v = ∂/∂u ⟨backward(u), v⟩} at {@code u = 0}. The backward
     * is linear in its incoming gradient {@code u}, so this is exact wherever the backward is built
     * from differentiable ops. The inner gradient stops at the op's inputs, output and tangents, so
     * it costs one backward and its transpose, whatever came before.
     */
    private static Tensor doubleVjp(JvpContext c) {
        OpDef op = c.op();
        boolean[] needs = new boolean[c.count()];
        for (int i = 0; i < needs.length; i++) {
            needs[i] = c.has(i);
        }
        boolean record = GradMode.isEnabled();
        Tensor u = Tensor.zeros(c.output().shape().dims()).requiresGrad();
        Tensor dot = null;
        try (GradMode.Scope s = GradMode.set(true)) {
            Tensor[] g = op.backward().apply(new BackwardContext(c.inputs(), c.output(), u, c.attrs(), needs));
            for (int i = 0; i < needs.length; i++) {
                if (needs[i] && g[i] != null) {
                    Tensor term = g[i].mul(c.tangent(i)).sum();
                    dot = dot == null ? term : dot.add(term);
                }
            }
        }
        if (dot == null || !dot.isGradRequired()) {
            return null;
        }
        Set<Tensor> boundary = Collections.newSetFromMap(new IdentityHashMap<>());
        boundary.add(c.output());
        for (int i = 0; i < needs.length; i++) {
            boundary.add(c.input(i));
            if (needs[i]) {
                boundary.add(c.tangent(i));
            }
        }
        return Autograd.gradWithin(dot, u, boundary, record);
    }

    /** Opens a session on this thread (a nested one hides the outer until it closes). */
    private static Session start() {
        Session s = new Session(TANGENTS.get());
        TANGENTS.set(s.tangents);
        OPEN.incrementAndGet();
        return s;
    }

    private static final class Session implements AutoCloseable {
        final Map<Tensor, Tensor> tangents = new IdentityHashMap<>();
        private final Map<Tensor, Tensor> previous;

        Session(Map<Tensor, Tensor> previous) {
            this.previous = previous;
        }

        Tensor tangentOrZeros(Tensor t) {
            Tensor v = tangents.get(t);
            return v != null ? v : Tensor.zeros(t.shape().dims());
        }

        @Override
        public void close() {
            OPEN.decrementAndGet();
            TANGENTS.set(previous);
        }
    }

    static Jvp jvp(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor[] tangents) {
        Objects.requireNonNull(f, "jvp: f is null");
        check("jvp", "tangent", inputs, tangents);
        try (Session s = start()) {
            for (int i = 0; i < inputs.length; i++) {
                if (tangents[i] != null) {
                    s.tangents.put(inputs[i], tangents[i]);
                }
            }
            Tensor out = Objects.requireNonNull(f.apply(inputs), "jvp: f returned null");
            return new Jvp(out, s.tangentOrZeros(out));
        }
    }

    static Tensor[] hvp(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor[] vectors) {
        Objects.requireNonNull(f, "hvp: f is null");
        check("hvp", "vector", inputs, vectors);
        Tensor[] at = new Tensor[inputs.length];
        for (int i = 0; i < at.length; i++) {
            boolean real = inputs[i].dtype() == DType.FLOAT64;
            at[i] = !real || inputs[i].isGradRequired() ? inputs[i] : inputs[i].detach().requiresGrad();
        }
        try (Session s = start()) {
            for (int i = 0; i < at.length; i++) {
                if (vectors[i] != null) {
                    s.tangents.put(at[i], vectors[i]);
                }
            }
            Tensor out;
            try (GradMode.Scope g = GradMode.set(true)) {
                out = Objects.requireNonNull(f.apply(at), "hvp: f returned null");
            }
            if (out.size() != 1) {
                throw new IllegalArgumentException("hvp: f must return a one-element tensor (a scalar loss), got shape "
                        + out.shape());
            }
            Tensor[] real = Arrays.stream(at).filter(t -> t.dtype() == DType.FLOAT64).toArray(Tensor[]::new);
            Tensor[] grads = Autograd.grad(out, null, false, real);
            Tensor[] result = new Tensor[at.length];
            for (int i = 0, k = 0; i < at.length; i++) {
                if (at[i].dtype() == DType.FLOAT64) {
                    result[i] = s.tangentOrZeros(grads[k++]);
                }
            }
            return result;
        }
    }

    /** The checks both entry points share: counts, shapes, dtypes, one tangent per distinct tensor. */
    private static void check(String fn, String what, Tensor[] inputs, Tensor[] tangents) {
        Objects.requireNonNull(inputs, fn + ": inputs is null");
        Objects.requireNonNull(tangents, fn + ": " + what + "s is null (pass an array of nulls for no " + what + "s)");
        if (tangents.length != inputs.length) {
            throw new IllegalArgumentException(fn + ": " + inputs.length + " inputs but " + tangents.length + " " + what
                    + "s (one per input, null for none)");
        }
        Map<Tensor, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            Tensor x = inputs[i];
            Tensor v = tangents[i];
            if (x == null) {
                throw new IllegalArgumentException(fn + ": input " + i + " is null");
            }
            if (v == null) {
                continue;
            }
            if (x.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException(fn + ": input " + i + " of shape " + x.shape() + " is " + x.dtype().label()
                        + " (not differentiable) and cannot have a " + what + "; pass null");
            }
            if (v.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException(fn + ": the " + what + " of input " + i + " is " + v.dtype().label()
                        + "; it must be float64");
            }
            if (!v.shape().equals(x.shape())) {
                throw new ShapeException(fn + ": the " + what + " of input " + i + " has shape " + v.shape()
                        + " but the input has shape " + x.shape());
            }
            Integer j = seen.putIfAbsent(x, i);
            if (j != null && tangents[j] != v) {
                throw new IllegalArgumentException(fn + ": inputs " + j + " and " + i + " are the same tensor (shape "
                        + x.shape() + ") with different " + what + "s; pass distinct tensors (e.g. x.detach())");
            }
        }
    }
}

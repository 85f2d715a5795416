package dev.gradcheck.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A scalar that records the operations applied to it, after Karpathy's micrograd: the seed notes'
 * teaching core, and an independent second reference the tensor engine is cross-checked against.
 *
 * <p>Every operation returns a new {@code Value}; {@link #backward()} sets this value's gradient
 * to 1 and adds {@code d this / d v} into {@link #grad()} of every value {@code v} it was computed
 * from. As in micrograd, gradients accumulate over {@code backward()} calls until
 * {@link #zeroGrad()}. The graph is walked with an iterative topological sort, so a chain of any
 * length is fine.
 *
 * <pre>{@code
 * Value a = new Value(-4.0), b = new Value(2.0);
 * Value g = a.mul(b).add(b.pow(3)).tanh();
 * g.backward();
 * double dgda = a.grad();
 * }</pre>
 *
 * <p>Not thread-safe: a graph belongs to one thread.
 */
public final class Value {
    /** How this value's gradient flows to its children. */
    @FunctionalInterface
    private interface LocalBackward {
        void run(Value out);
    }

    private final double data;
    private double grad;
    private final Value[] children;
    private final String op;
    private final LocalBackward localBackward;

    /** A leaf value. */
    public Value(double data) {
        this(data, "", null);
    }

    private Value(double data, String op, LocalBackward localBackward, Value... children) {
        this.data = data;
        this.op = op;
        this.localBackward = localBackward;
        this.children = children;
    }

    /** A leaf value (same as the constructor). */
    public static Value of(double data) {
        return new Value(data);
    }

    /** The value. */
    public double data() {
        return data;
    }

    /** The accumulated gradient of the last {@link #backward()} root(s) with respect to this value. */
    public double grad() {
        return grad;
    }

    /** Sets the gradient to 0. */
    public void zeroGrad() {
        grad = 0.0;
    }

    /** The operation that made this value ("+", "*", "tanh", …), or "" for a leaf. */
    public String op() {
        return op;
    }

    /** The values this one was computed from (empty for a leaf). */
    public List<Value> children() {
        return List.of(children);
    }

    // ---------------------------------------------------------------- arithmetic

    /** {@code this + other}. */
    public Value add(Value other) {
        return new Value(data + other.data, "+", out -> {
            grad += out.grad;
            other.grad += out.grad;
        }, this, other);
    }

    /** {@code this + other}. */
    public Value add(double other) {
        return add(new Value(other));
    }

    /** {@code this - other}. */
    public Value sub(Value other) {
        return new Value(data - other.data, "-", out -> {
            grad += out.grad;
            other.grad -= out.grad;
        }, this, other);
    }

    /** {@code this - other}. */
    public Value sub(double other) {
        return sub(new Value(other));
    }

    /** {@code other - this} (Python's {@code __rsub__}). */
    public Value rsub(double other) {
        return new Value(other).sub(this);
    }

    /** {@code this * other}. */
    public Value mul(Value other) {
        return new Value(data * other.data, "*", out -> {
            grad += other.data * out.grad;
            other.grad += data * out.grad;
        }, this, other);
    }

    /** {@code this * other}. */
    public Value mul(double other) {
        return mul(new Value(other));
    }

    /** {@code this / other}. */
    public Value div(Value other) {
        return new Value(data / other.data, "/", out -> {
            grad += out.grad / other.data;
            other.grad -= out.grad * data / (other.data * other.data);
        }, this, other);
    }

    /** {@code this / other}. */
    public Value div(double other) {
        return div(new Value(other));
    }

    /** {@code other / this} (Python's {@code __rtruediv__}). */
    public Value rdiv(double other) {
        return new Value(other).div(this);
    }

    /** {@code -this}. */
    public Value neg() {
        return new Value(-data, "neg", out -> grad -= out.grad, this);
    }

    /** {@code this ** exponent} for a constant exponent. */
    public Value pow(double exponent) {
        return new Value(Math.pow(data, exponent), "**" + formatNumber(exponent),
                out -> grad += exponent * Math.pow(data, exponent - 1) * out.grad, this);
    }

    // ---------------------------------------------------------------- functions

    /** {@code e ** this}. */
    public Value exp() {
        double e = Math.exp(data);
        return new Value(e, "exp", out -> grad += e * out.grad, this);
    }

    /** The hyperbolic tangent; its derivative is {@code 1 - tanh²}. */
    public Value tanh() {
        double t = Math.tanh(data);
        return new Value(t, "tanh", out -> grad += (1 - t * t) * out.grad, this);
    }

    /** {@code max(0, this)}; the derivative at 0 is taken as 0, as micrograd and PyTorch do. */
    public Value relu() {
        double r = data > 0 ? data : 0.0;
        return new Value(r, "relu", out -> grad += (data > 0 ? 1.0 : 0.0) * out.grad, this);
    }

    // ---------------------------------------------------------------- backward

    /**
     * Backpropagates from this value: its gradient becomes 1 (as micrograd does) and every value
     * it depends on receives {@code d this / d value}, added to its current gradient.
     */
    public void backward() {
        List<Value> order = topologicalOrder();
        grad = 1.0;
        for (int i = order.size() - 1; i >= 0; i--) {
            Value v = order.get(i);
            if (v.localBackward != null) {
                v.localBackward.run(v);
            }
        }
    }

    /** The values this one depends on, children before parents, this one last. Iterative DFS. */
    private List<Value> topologicalOrder() {
        List<Value> order = new ArrayList<>();
        Set<Value> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        // Each frame: a value and the index of the next child to visit.
        Deque<Value> stack = new ArrayDeque<>();
        Deque<Integer> next = new ArrayDeque<>();
        visited.add(this);
        stack.push(this);
        next.push(0);
        while (!stack.isEmpty()) {
            Value v = stack.peek();
            int i = next.pop();
            if (i < v.children.length) {
                next.push(i + 1);
                Value c = v.children[i];
                if (visited.add(c)) {
                    stack.push(c);
                    next.push(0);
                }
            } else {
                stack.pop();
                order.add(v);
            }
        }
        return order;
    }

    /** {@code Value(data=…, grad=…)}, as micrograd prints. */
    @Override
    public String toString() {
        return "Value(data=" + formatNumber(data) + ", grad=" + formatNumber(grad) + ")";
    }

    private static String formatNumber(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15
                ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.6g", v);
    }
}

package dev.gradcheck.kernels;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.FastPath;
import dev.gradcheck.engine.op.FastPaths;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.engine.op.Sample;
import dev.gradcheck.engine.op.Samplers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every installed fast path against the reference definition of its op, on the op's own samples
 * (random shapes and values at magnitudes 1, 10 and 100) and on the same samples inflated (every
 * dimension above 1 multiplied by one factor, so that products reach the packed kernels' blocks,
 * panels and thread split; fresh values in the inputs' domains). The contract of
 * {@link FastPath}: the forward bit for bit, or within its {@link FastPath#maxUlps()} (tanh: 4 ulp
 * of the reference's {@code Math.tanh}); the first-order backward bit for bit given the same
 * output; the scalar form bit for bit with the forward. NaN is compared as NaN, whatever its payload.
 */
class FastPathsMatchReferenceTest {
    private static final long SEED = 20261207L;
    private static final int DRAWS = 12;
    private static final double[] MAGNITUDES = {1, 10, 100};
    /** Inflation factors tried per draw; a tensor above {@link #MAX_ELEMENTS} is left out. */
    private static final int[] FACTORS = {5, 37, 90};
    private static final int MAX_ELEMENTS = 120_000;

    static Stream<String> fastOps() {
        return FastPaths.installed().keySet().stream().map(OpDef::name).sorted();
    }

    @Test
    void thisModuleInstallsItsFastPaths() {
        List<String> ops = fastOps().toList();
        for (String op : List.of("tanh", "matmul", "linear", "add", "sub", "mul")) {
            assertTrue(ops.contains(op), "fast paths installed: " + ops + "; missing " + op);
        }
    }

    @ParameterizedTest
    @MethodSource("fastOps")
    void fastPathMatchesItsReference(String name) {
        OpDef op = OpRegistry.get(name);
        FastPath path = FastPaths.installed().get(op);
        assertNotNull(op.samples(), name + " has no sample generator to test its fast path with");
        SplittableRandom rng = new SplittableRandom(SEED ^ name.hashCode());
        int compared = 0;
        for (double magnitude : MAGNITUDES) {
            for (int d = 0; d < DRAWS; d++) {
                Sample s = op.samples().draw(rng, magnitude);
                String where = name + " (seed " + SEED + ", magnitude " + magnitude + ", draw " + d + ") " + s;
                compared += compare(op, path, s, where, rng);
                int factor = FACTORS[d % FACTORS.length];
                Sample big = inflate(op, s, factor, magnitude, rng);
                if (big != null) {
                    compared += compare(op, path, big, where + " inflated x" + factor + " to " + big, rng);
                }
            }
        }
        assertTrue(compared > 0, name + ": nothing compared");
    }

    /** A planted fast path one ulp off is caught: the comparison can fail. */
    @Test
    void aWrongFastPathIsCaught() {
        OpDef neg = OpRegistry.get("neg");
        FastPath wrong = FastPath.ofForward(a -> {
            double[] x = a.in(0);
            double[] y = new double[x.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.nextUp(-x[i]);
            }
            return y;
        });
        FastPaths.install(neg, wrong);
        try {
            Sample s = new Sample(new Tensor[] {Tensor.of(new double[] {1.5, -2.25}, 2)}, Attrs.EMPTY);
            AssertionError e = null;
            try {
                compare(neg, wrong, s, "planted neg", new SplittableRandom(1));
            } catch (AssertionError caught) {
                e = caught;
            }
            assertNotNull(e, "a forward one ulp off passed as bit for bit");
            assertTrue(e.getMessage().contains("forward"), e.getMessage());
        } finally {
            FastPaths.uninstall(neg);
        }
    }

    /** Compares forward, scalar form and first-order backward; returns 1. */
    @SuppressWarnings("try")
    private static int compare(OpDef op, FastPath path, Sample s, String where, SplittableRandom rng) {
        Tensor[] in = s.inputs();
        Tensor fast = Ops.apply(op, s.attrs(), in);
        Tensor ref;
        try (FastPaths.Scope r = FastPaths.referenceOnly()) {
            ref = Ops.apply(op, s.attrs(), in);
        }
        assertClose(where + ": forward", ref.data(), fast.data(), path.maxUlps());
        if (path.scalar() != null && s.attrs().names().isEmpty()) {
            double[] x = in[0].data();
            double[] y = fast.data();
            DoubleUnaryOperator f = path.scalar();
            double[] scalar = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                scalar[i] = f.applyAsDouble(x[i]);
            }
            assertClose(where + ": scalar form against the forward", y, scalar, 0);
        }
        if (path.firstOrderBackward() != null) {
            compareBackward(op, s, where, rng);
        }
        return 1;
    }

    /** One graph, recorded with the fast forward; its backward with the fast path and with the reference. */
    @SuppressWarnings("try")
    private static void compareBackward(OpDef op, Sample s, String where, SplittableRandom rng) {
        Tensor[] in = s.inputs().clone();
        List<Tensor> leaves = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            if (op.input(i).differentiable(in[i].dtype())) {
                in[i] = in[i].detach().requiresGrad();
                leaves.add(in[i]);
            }
        }
        if (leaves.isEmpty()) {
            return;
        }
        Tensor out = Ops.apply(op, s.attrs(), in);
        Tensor g = Tensor.randn(rng, out.shape().dims());
        Tensor[] wrt = leaves.toArray(new Tensor[0]);
        Tensor[] fast = Autograd.grad(out, g, false, wrt);
        Tensor[] ref;
        try (FastPaths.Scope r = FastPaths.referenceOnly()) {
            ref = Autograd.grad(out, g, false, wrt);
        }
        for (int j = 0; j < wrt.length; j++) {
            assertClose(where + ": first-order gradient of input " + j, ref[j].data(), fast[j].data(), 0);
        }
    }

    /** The sample with every dimension above 1 of every input times {@code factor}, fresh values; null when too large or invalid. */
    private static Sample inflate(OpDef op, Sample s, int factor, double magnitude, SplittableRandom rng) {
        Tensor[] in = new Tensor[s.inputs().length];
        Shape[] shapes = new Shape[in.length];
        for (int i = 0; i < in.length; i++) {
            Tensor t = s.inputs()[i];
            int[] dims = t.shape().dims();
            long size = 1;
            for (int d = 0; d < dims.length; d++) {
                dims[d] = dims[d] > 1 ? dims[d] * factor : dims[d];
                size *= dims[d];
            }
            if (size > MAX_ELEMENTS || t.dtype() != DType.FLOAT64) {
                return null;
            }
            shapes[i] = Shape.of(dims);
            in[i] = Samplers.tensor(rng, shapes[i], op.input(i).domain(), magnitude);
        }
        try {
            op.inferShape(shapes, op.resolve(s.attrs()));
        } catch (RuntimeException e) {
            return null; // an attribute tied to the old shapes
        }
        return new Sample(in, s.attrs());
    }

    static void assertClose(String what, double[] want, double[] got, int maxUlps) {
        if (want.length != got.length) {
            throw new AssertionError(what + ": " + got.length + " values, the reference " + want.length);
        }
        for (int i = 0; i < want.length; i++) {
            long ulps = ulps(want[i], got[i]);
            // bit for bit: the sign of a zero counts too
            boolean same = maxUlps == 0 ? Double.doubleToLongBits(want[i]) == Double.doubleToLongBits(got[i])
                    : ulps <= maxUlps;
            if (!same) {
                throw new AssertionError(what + ": entry " + i + ": reference " + want[i] + ", fast " + got[i] + " ("
                        + ulps + " ulp apart; allowed " + maxUlps + ")");
            }
        }
    }

    /** The number of doubles from {@code a} to {@code b} (0 when both are NaN; Long.MAX_VALUE when one is). */
    static long ulps(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) && Double.isNaN(b) ? 0 : Long.MAX_VALUE;
        }
        long x = Double.doubleToLongBits(a);
        long y = Double.doubleToLongBits(b);
        // order the bit patterns as the doubles: negative ones mirrored below zero (-0.0 next to +0.0)
        x = x < 0 ? Long.MIN_VALUE - x : x;
        y = y < 0 ? Long.MIN_VALUE - y : y;
        return Math.abs(x - y);
    }

    @Test
    void ulpDistance() {
        assertTrue(ulps(1.0, Math.nextUp(1.0)) == 1);
        assertTrue(ulps(-0.0, 0.0) == 0, "-0.0 and +0.0 are the same point of this measure");
        assertTrue(ulps(Double.MIN_VALUE, -Double.MIN_VALUE) == 2);
        assertTrue(ulps(Double.NaN, 1.0) == Long.MAX_VALUE);
    }
}

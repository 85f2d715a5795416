package dev.gradcheck.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CustomOp;
import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.Domain;
import dev.gradcheck.ForwardDifferentiable;
import dev.gradcheck.PerturbableFunction;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wrapper the checker sees in place of the user's op passes on everything the op tells the
 * checker: a method the interfaces give a default for, left to that default here, would silently
 * replace the op's own answer (as {@code domain} once did: inputs drawn over the reals whatever the op
 * declared).
 */
class TrackedOpTest {
    /** The interfaces through which an op tells the checker something. */
    private static final List<Class<?>> INTERFACES = List.of(DifferentiableFunction.class, CustomOp.class,
            ForwardDifferentiable.class, PerturbableFunction.class);

    /** An op of every kind the wrapper comes in: plain, with a forward rule, perturbable, both. */
    private static List<TrackedOp> everyKind() {
        int[][] shapes = {{3}};
        List<TrackedOp> l = new ArrayList<>();
        l.add(TrackedOp.of(new JunitOps.Sqrt1p(), "plain", shapes, new Tracker()));
        l.add(TrackedOp.of(new RuleOp(), "rule", shapes, new Tracker()));
        l.add(TrackedOp.of(new JunitOps.CountedSumOfSquares(), "perturbable", shapes, new Tracker()));
        l.add(TrackedOp.of(new RulePerturbableOp(), "both", shapes, new Tracker()));
        return l;
    }

    @Test
    void everyDefaultMethodOfTheOpInterfacesIsPassedOn() {
        for (TrackedOp op : everyKind()) {
            for (Class<?> i : INTERFACES) {
                if (!i.isInstance(op)) {
                    continue;
                }
                for (Method m : i.getMethods()) {
                    if (m.isDefault()) {
                        Class<?> declaring = methodOf(op.getClass(), m).getDeclaringClass();
                        assertFalse(declaring.isInterface(), () -> op.name() + ": " + i.getSimpleName() + "." + m.getName()
                                + " is left to its default instead of asking the op");
                    }
                }
            }
        }
    }

    @Test
    void theOptionalInterfacesOfTheOpAreKept() {
        List<TrackedOp> ops = everyKind();
        assertFalse(ops.get(0) instanceof ForwardDifferentiable || ops.get(0) instanceof PerturbableFunction);
        assertInstanceOf(ForwardDifferentiable.class, ops.get(1));
        assertFalse(ops.get(1) instanceof PerturbableFunction);
        assertInstanceOf(PerturbableFunction.class, ops.get(2));
        assertFalse(ops.get(2) instanceof ForwardDifferentiable);
        assertInstanceOf(ForwardDifferentiable.class, ops.get(3));
        assertInstanceOf(PerturbableFunction.class, ops.get(3));
    }

    @Test
    void theDomainIsTheOpsOwnAskedAsATrackedCall() {
        Tracker tracker = new Tracker();
        TrackedOp op = TrackedOp.of(new JunitOps.Lookup(), "lookup", new int[][] {{1}, {4, 3}}, tracker);
        assertEquals(Domain.integers(0, 3), op.domain(0));
        assertEquals("domain(0)", tracker.stage(), "a domain() that never returns is named by the timeout");
        assertEquals(Domain.undeclared(), op.domain(1));
        // a plain DifferentiableFunction declares nothing
        assertEquals(Domain.undeclared(), TrackedOp.of(new JunitOps.RowScale(), "row_scale",
                new int[][] {{2, 3}, {3}}, new Tracker()).domain(0));
    }

    @Test
    void theOpsOwnEvaluatorsAreUsedAndTracked() {
        JunitOps.CountedSumOfSquares f = new JunitOps.CountedSumOfSquares();
        Tracker tracker = new Tracker();
        PerturbableFunction p = (PerturbableFunction) TrackedOp.of(f, "counted", new int[][] {{3}}, tracker);
        double[][] x = {{1, 2, 3}};
        PerturbableFunction.Perturbed single = p.perturbedAt(x);
        assertNotNull(single);
        assertEquals(1 + 4 + 16, single.value(0, 2, 4), 0);
        assertEquals(1 + 1 + 1, p.inputPerturbedAt(x).value(0, new double[] {1, 1, 1}), 0);
        assertEquals(2, f.evaluations.get());
        assertTrue(tracker.stage().startsWith("a perturbed evaluation (call "), tracker.stage());
    }

    /** The same method as {@code m} (by name and parameters) as {@code c} resolves it. */
    private static Method methodOf(Class<?> c, Method m) {
        try {
            return c.getMethod(m.getName(), m.getParameterTypes());
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    /** Swish with a forward rule (elementwise: the jvp is the backward with the tangent as gradOutput). */
    static final class RuleOp extends JunitOps.Swish implements ForwardDifferentiable {
        @Override
        public double[] jvp(double[][] in, double[][] t) {
            return backward(in, t[0])[0];
        }
    }

    /** sum(x²), perturbable, with a forward rule. */
    static final class RulePerturbableOp extends JunitOps.CountedSumOfSquares implements ForwardDifferentiable {
        @Override
        public double[] jvp(double[][] in, double[][] t) {
            double s = 0;
            for (int i = 0; i < in[0].length; i++) {
                s += 2 * in[0][i] * t[0][i];
            }
            return new double[] {s};
        }
    }
}

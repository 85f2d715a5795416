package dev.gradcheck.properties;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.internal.TensorAccess;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.ForwardRules;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.ops.Kernels;
import dev.gradcheck.engine.op.Samplers;
import dev.gradcheck.engine.ops.ShapeRules;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The harness itself: ops with planted bugs (defined here, never registered) fail exactly the
 * property that should catch them, with the op, property, seed and a shrunk sample in the
 * message; correct ops, kinked ones included, pass every property.
 */
class PlantedBugsTest {
    private static final long SEED = 7;
    private static final int EXAMPLES = 30;

    private static OpDef.Builder mulLike(String name) {
        return OpDef.builder(name)
                .inputs(InputSpec.real("input"), InputSpec.real("other"))
                .shape(ShapeRules.BROADCAST)
                .forward(a -> Kernels.zip(a, (x, y) -> x * y))
                .twiceDifferentiable()
                .samples(Samplers.binary(Domain.REAL, Domain.REAL));
    }

    private static final OpDef CORRECT_MUL = mulLike("correct_mul")
            .backward(c -> new Tensor[] {
                c.needs(0) ? c.grad().mul(c.input(1)).sumToSize(c.input(0).shape()) : null,
                c.needs(1) ? c.grad().mul(c.input(0)).sumToSize(c.input(1).shape()) : null})
            .build();

    /** Correct, with the product rule as its forward rule. */
    private static final OpDef MUL_WITH_PRODUCT_RULE = mulLike("mul_with_product_rule")
            .backward(CORRECT_MUL.backward())
            .forwardRule(ForwardRules.MULTILINEAR)
            .build();

    /** Its forward rule forgets the product rule's term of the first input: x * v_other only. */
    private static final OpDef MUL_JVP_MISSING_TERM = mulLike("mul_jvp_missing_term")
            .backward(CORRECT_MUL.backward())
            .forwardRule(c -> c.input(0).mul(c.tangentOrZeros(1)))
            .build();

    /** Its forward rule subtracts the second term: v * other - input * v_other. */
    private static final OpDef MUL_JVP_WRONG_SIGN = mulLike("mul_jvp_wrong_sign")
            .backward(CORRECT_MUL.backward())
            .forwardRule(c -> c.tangentOrZeros(0).mul(c.input(1)).sub(c.input(0).mul(c.tangentOrZeros(1))))
            .build();

    /** Wrong from flat index 2 on: only inputs with at least 3 elements show it. */
    private static final OpDef MUL_WRONG_FROM_INDEX_2 = mulLike("mul_wrong_from_index_2")
            .backward(c -> {
                Tensor gx = c.grad().mul(c.input(1)).sumToSize(c.input(0).shape());
                double[] scale = new double[gx.size()];
                for (int i = 0; i < scale.length; i++) {
                    scale[i] = i >= 2 ? 1.5 : 1;
                }
                return new Tensor[] {gx.mul(TensorAccess.wrap(scale, gx.shape())),
                    c.grad().mul(c.input(0)).sumToSize(c.input(1).shape())};
            })
            .build();

    /** Forgets to sum the gradient of a broadcast input back to its shape. */
    private static final OpDef MUL_NO_SUM_TO_SIZE = mulLike("mul_no_sum_to_size")
            .backward(c -> new Tensor[] {c.grad().mul(c.input(1)), c.grad().mul(c.input(0))})
            .build();

    /** Averages instead of summing over broadcast dimensions. */
    private static final OpDef MUL_MEAN_OVER_BROADCAST = mulLike("mul_mean_over_broadcast")
            .backward(c -> {
                double n = c.output().size();
                Tensor a = c.input(0);
                Tensor b = c.input(1);
                return new Tensor[] {
                    c.grad().mul(b).sumToSize(a.shape()).mul(a.size() / n),
                    c.grad().mul(a).sumToSize(b.shape()).mul(b.size() / n)};
            })
            .build();

    private static final OpDef RELU = OpDef.builder("relu_copy")
            .inputs(InputSpec.real("input", Domain.realWithKinks(0)))
            .shape(ShapeRules.SAME)
            .forward(a -> Kernels.map(a.in(0), x -> Math.max(x, 0)))
            .backward(c -> new Tensor[] {c.grad().mul(mask(c.input(0)))})
            .twiceDifferentiable()
            .kinks("input = 0")
            .samples(Samplers.unary(Domain.realWithKinks(0)))
            .build();

    /** tanh whose backward treats 1 - y^2 as a constant: first order right, second order wrong. */
    private static final OpDef TANH_CONSTANT_DERIVATIVE = OpDef.builder("tanh_constant_derivative")
            .inputs(InputSpec.real("input"))
            .shape(ShapeRules.SAME)
            .forward(a -> Kernels.map(a.in(0), Math::tanh))
            .backward(c -> {
                double[] y = c.output().data();
                for (int i = 0; i < y.length; i++) {
                    y[i] = 1 - y[i] * y[i];
                }
                return new Tensor[] {c.grad().mul(TensorAccess.wrap(y, c.output().shape()))};
            })
            .twiceDifferentiable()
            .samples(Samplers.unary(Domain.REAL))
            .build();

    /** Negates its input's array in place. */
    private static final OpDef NEG_IN_PLACE = OpDef.builder("neg_in_place")
            .inputs(InputSpec.real("input"))
            .shape(ShapeRules.SAME)
            .forward(a -> {
                double[] x = a.in(0);
                for (int i = 0; i < x.length; i++) {
                    x[i] = -x[i];
                }
                return x.clone();
            })
            .backward(c -> new Tensor[] {c.grad().neg()})
            .samples(Samplers.unary(Domain.REAL))
            .build();

    private static final AtomicLong CALLS = new AtomicLong();

    /** Adds a call counter times 1e-12: not deterministic. */
    private static final OpDef NOISY_NEG = OpDef.builder("noisy_neg")
            .inputs(InputSpec.real("input"))
            .shape(ShapeRules.SAME)
            .forward(a -> {
                double noise = 1e-12 * CALLS.incrementAndGet();
                return Kernels.map(a.in(0), x -> -x + noise);
            })
            .backward(c -> new Tensor[] {c.grad().neg()})
            .samples(Samplers.unary(Domain.REAL))
            .build();

    /** Keeps the shape but its kernel sums everything to one value. */
    private static final OpDef SUM_WITH_SAME_SHAPE = OpDef.builder("sum_with_same_shape")
            .inputs(InputSpec.real("input"))
            .shape(ShapeRules.SAME)
            .forward(a -> new double[] {java.util.Arrays.stream(a.in(0)).sum()})
            .samples(Samplers.unary(Domain.REAL))
            .build();

    /** Its sample generator throws. */
    private static final OpDef THROWING_SAMPLER = OpDef.builder("throwing_sampler")
            .inputs(InputSpec.real("input"))
            .shape(ShapeRules.SAME)
            .forward(a -> a.in(0).clone())
            .samples((rng, m) -> {
                throw new IllegalStateException("no sample for you");
            })
            .build();

    private static Tensor mask(Tensor x) {
        double[] d = x.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] > 0 ? 1 : 0;
        }
        return TensorAccess.wrap(d, x.shape());
    }

    @Test
    void correctOpsPassEveryProperty() {
        for (OpDef op : new OpDef[] {CORRECT_MUL, MUL_WITH_PRODUCT_RULE, RELU}) {
            for (OpProperty p : OpPropertiesTest.PROPERTIES) {
                if (p.appliesTo(op)) {
                    PropertyRunner.run(op, p, SEED, EXAMPLES);
                }
            }
        }
    }

    @Test
    void aWrongGradientIsCaughtAndShrunkToASmallSample() {
        String m = assertFalsified(MUL_WRONG_FROM_INDEX_2, new GradientProperty(),
                "op 'mul_wrong_from_index_2', property 'gradient vs numeric' falsified");
        if (Boolean.getBoolean("gradcheck.props.verbose")) {
            System.out.println(m);
        }
        assertTrue(m.contains("seed " + SEED), m);
        assertTrue(m.contains("-Dgradcheck.props.seed=" + SEED), m);
        assertTrue(m.contains("expected (numeric)") && m.contains("actual (analytic)"), m);
        int elements = smallestElements(m);
        // the bug needs an input of at least 3 elements; unshrunk draws have up to 128
        assertTrue(elements >= 3 && elements <= 6, "shrunk sample has " + elements + " input elements:\n" + m);
    }

    @Test
    void aWrongGradientFailsTheAdjointProperty() {
        assertFalsified(MUL_WRONG_FROM_INDEX_2, new AdjointProperty(),
                "<J u, v> (numeric JVP) != <u, J^T v> (VJP): expected");
    }

    @Test
    void aForwardRuleMissingAProductTermFailsJvpAndTheAdjointIdentity() {
        PropertyRunner.run(MUL_JVP_MISSING_TERM, new GradientProperty(), SEED, EXAMPLES);
        assertFalsified(MUL_JVP_MISSING_TERM, new JvpProperty(),
                "<w, J u> (forward rule, route explicit) != central difference of <w, f> along u");
        assertFalsified(MUL_JVP_MISSING_TERM, new JvpAdjointProperty(), "but <J^T w, u> (backward rule) =");
    }

    @Test
    void aForwardRuleWithTheWrongSignFailsJvpAndTheAdjointIdentity() {
        assertFalsified(MUL_JVP_WRONG_SIGN, new JvpProperty(),
                "<w, J u> (forward rule, route explicit) != central difference of <w, f> along u");
        assertFalsified(MUL_JVP_WRONG_SIGN, new JvpAdjointProperty(), "but <J^T w, u> (backward rule) =");
    }

    @Test
    void aGradientOfTheWrongShapeFailsTheBroadcastingProperty() {
        assertFalsified(MUL_NO_SUM_TO_SIZE, new BroadcastShapesProperty(), "backward gave a gradient of shape");
    }

    @Test
    void aGradientAveragedOverBroadcastDimensionsFailsTheBroadcastingProperty() {
        assertFalsified(MUL_MEAN_OVER_BROADCAST, new BroadcastShapesProperty(),
                "gradient of broadcast inputs vs gradient of pre-expanded inputs summed back");
    }

    @Test
    void aBackwardThatIsNotDifferentiableFailsSecondOrderOnly() {
        PropertyRunner.run(TANH_CONSTANT_DERIVATIVE, new GradientProperty(), SEED, EXAMPLES);
        assertFalsified(TANH_CONSTANT_DERIVATIVE, new SecondOrderProperty(),
                "gradient of <VJP, w> vs central differences");
    }

    @Test
    void anInPlaceKernelFailsNoMutation() {
        assertFalsified(NEG_IN_PLACE, new NoMutationProperty(), "forward modified input 'input'");
    }

    @Test
    void aNoisyOpFailsDeterminism() {
        assertFalsified(NOISY_NEG, new DeterminismProperty(), "not deterministic: output");
    }

    @Test
    void aKernelThatDisagreesWithTheShapeRuleFailsIt() {
        assertFalsified(SUM_WITH_SAME_SHAPE, new ShapeRuleProperty(), "forward kernel: expected 2 values");
    }

    @Test
    void aThrowingSampleGeneratorIsReportedWithTheSeed() {
        assertFalsified(THROWING_SAMPLER, new ShapeRuleProperty(),
                "sample generator threw java.lang.IllegalStateException: no sample for you (seed " + SEED + ")");
    }

    /** Runs {@code property} of {@code op}, which must be falsified with a message containing {@code expected}. */
    private static String assertFalsified(OpDef op, OpProperty property, String expected) {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> PropertyRunner.run(op, property, SEED, EXAMPLES));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        return e.getMessage();
    }

    /** The input element count of the smallest failing draw in a failure message. */
    private static int smallestElements(String message) {
        int at = message.indexOf("Smallest failing draw:");
        Matcher m = Pattern.compile("(\\d+) input elements").matcher(message.substring(Math.max(at, 0)));
        if (!m.find()) {
            throw new AssertionError("no sample in the message:\n" + message);
        }
        return Integer.parseInt(m.group(1));
    }
}

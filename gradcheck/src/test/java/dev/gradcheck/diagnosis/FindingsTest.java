package dev.gradcheck.diagnosis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOp;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.Domain;
import dev.gradcheck.Precision;
import dev.gradcheck.Status;
import dev.gradcheck.testing.Elementwise;
import dev.gradcheck.testing.LambdaOp;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Every diagnosis kind from a planted bug, checked end to end with CustomOpCheck's defaults (three
 * draws at |x| ~ 1, 10, 100) at several seeds; and the correct versions of the same ops, and
 * unrelated bugs, do not get it.
 */
class FindingsTest {
    private static final long[] SEEDS = {0, 1, 2};

    static CheckResult check(CustomOp op, long seed) {
        return CustomOpCheck.check(op, CheckOptions.defaults().withSeed(seed).withThreads(1));
    }

    /** The op fails at every seed and its findings contain the kinds, and the diagnosis each phrase. */
    static void assertDiagnosed(CustomOp op, List<String> kinds, String... phrases) {
        for (long seed : SEEDS) {
            CheckResult r = check(op, seed);
            assertEquals(Status.FAIL, r.status(), () -> op.name() + " seed " + seed + " not caught:\n" + r);
            for (String k : kinds) {
                assertTrue(r.findings().contains(k), () -> op.name() + " seed " + seed + ": expected finding " + k
                        + ", got " + r.findings() + ":\n" + r);
            }
            for (String p : phrases) {
                assertTrue(r.diagnosis().contains(p), () -> op.name() + " seed " + seed + ": expected '" + p + "' in "
                        + r.diagnosis() + "\n" + r);
            }
        }
    }

    /** The op passes at every seed with no finding. */
    static void assertClean(CustomOp op) {
        for (long seed : SEEDS) {
            CheckResult r = check(op, seed);
            assertTrue(r.passed(), () -> op.name() + " seed " + seed + ":\n" + r);
            assertEquals(List.of(), r.findings(), () -> op.name() + " seed " + seed + ":\n" + r);
        }
    }

    /** The op fails at every seed without any of the kinds. */
    static void assertNotNamed(CustomOp op, String... kinds) {
        for (long seed : SEEDS) {
            CheckResult r = check(op, seed);
            assertFalse(r.passed(), () -> op.name() + " seed " + seed + " should fail:\n" + r);
            for (String k : kinds) {
                assertFalse(r.findings().contains(k), () -> op.name() + " seed " + seed + ": unexpected " + k + " in "
                        + r.diagnosis());
            }
        }
    }

    // ------------------------------------------------------------------ ops, right and wrong

    /**
     * A test op y = f(x) over a [4, 8] input, its backward g·d(x, y) for a given local derivative d
     * (which may be wrong) of the input and the output.
     */
    static CustomOp elementwise(String name, DoubleUnaryOperator f, DoubleBinaryOperator d) {
        return elementwise(name, f, d, Domain.undeclared());
    }

    /** {@link #elementwise(String, DoubleUnaryOperator, DoubleBinaryOperator)} with a declared domain. */
    static CustomOp elementwise(String name, DoubleUnaryOperator f, DoubleBinaryOperator d, Domain domain) {
        return LambdaOp.named(name).shape(4, 8).domain(domain).forward(Elementwise.forward(f))
                .backward(Elementwise.backwardWithOutput(f, d)).build();
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    static CustomOp sigmoidOp(DoubleBinaryOperator d) {
        return elementwise("sigmoid", FindingsTest::sigmoid, d);
    }

    static final DoubleBinaryOperator SIGMOID_RIGHT = (x, y) -> y * (1 - y);

    @Test
    void correctOpsGetNoFinding() {
        assertClean(sigmoidOp(SIGMOID_RIGHT));
        assertClean(elementwise("tanh", Math::tanh, (x, y) -> 1 - y * y));
        assertClean(elementwise("swish", x -> x * sigmoid(x),
                (x, y) -> sigmoid(x) * (1 + x * (1 - sigmoid(x)))));
        assertClean(elementwise("cbrt", Math::cbrt, (x, y) -> 1 / (3 * y * y)));
        assertClean(elementwise("branchy", x -> x > 0 ? x * x : Math.sin(x), (x, y) -> x > 0 ? 2 * x : Math.cos(x)));
        assertClean(elementwise("relu", x -> Math.max(0, x), (x, y) -> x > 0 ? 1 : 0));
        assertClean(elementwise("hardtanh", x -> Math.max(-1, Math.min(1, x)), (x, y) -> Math.abs(x) < 1 ? 1 : 0));
        assertClean(elementwise("acosh", x -> Math.log(x + Math.sqrt(x * x - 1)),
                (x, y) -> 1 / Math.sqrt(x * x - 1), Domain.atLeast(1)));
    }

    @Test
    void wrongOnlyWhereTheInputIsNegativeWithTheSignThere() {
        CustomOp bug = elementwise("branchy", x -> x > 0 ? x * x : Math.sin(x),
                (x, y) -> x > 0 ? 2 * x : -Math.cos(x));
        assertDiagnosed(bug, List.of("region", "sign"), "wrong only where input0 < 0", "right ones");
    }

    @Test
    void wrongOnlyAboveAThresholdOtherThanZero() {
        // a stable softplus whose x > 20 shortcut doubles the gradient; only draws at |x| ~ 10, 100 reach it
        CustomOp bug = elementwise("softplus", x -> x > 20 ? x : Math.log1p(Math.exp(x)),
                (x, y) -> x > 20 ? 2 : sigmoid(x));
        assertDiagnosed(bug, List.of("region"), "input0 > 20");
    }

    @Test
    void aFlippedSignSurvivesASmallStabiliser() {
        CustomOp bug = sigmoidOp((x, y) -> -(y * (1 - y) + 1e-5));
        assertDiagnosed(bug, List.of("sign"), "sign flipped: analytic = -numeric on every entry (up to a small term");
    }

    @Test
    void theDerivativeEvaluatedAtTheOutput() {
        // sigmoid'(y) with y = sigmoid(x): the backward given the output where it wants the input
        CustomOp bug = sigmoidOp((x, y) -> sigmoid(y) * (1 - sigmoid(y)));
        assertDiagnosed(bug, List.of("output_for_input"), "evaluated at the output");
    }

    @Test
    void theOutputFormulaEvaluatedAtTheInput() {
        // tanh' = 1 - y², written with the input: 1 - x²
        CustomOp bug = elementwise("tanh", Math::tanh, (x, y) -> 1 - x * x);
        assertDiagnosed(bug, List.of("input_for_output"), "formula in terms of the output evaluated at the input");
    }

    @Test
    void anotherFunctionsDerivativeAtTheInput() {
        // gelu with the tanh approximation whose backward is the exact (erf) gelu's derivative
        CustomOp bug = elementwise("gelu_tanh", FindingsTest::geluTanh, (x, y) -> geluErfPrime(x));
        assertDiagnosed(bug, List.of("sibling"), "analytic equals the derivative of gelu");
        assertClean(elementwise("gelu_tanh", FindingsTest::geluTanh, (x, y) -> geluTanhPrime(x)));
        // cos whose backward is sin's derivative
        assertDiagnosed(elementwise("cos", Math::cos, (x, y) -> Math.cos(x)), List.of("sibling"),
                "the derivative of sin");
        // swish without the product rule's second term computes sigmoid(x), softplus's derivative
        assertDiagnosed(elementwise("swish", x -> x * sigmoid(x), (x, y) -> sigmoid(x)),
                List.of("sibling"), "the derivative of softplus (at its default attributes) at input0 (which is sigmoid(input0))",
                "a term missing");
        // relu's derivative in terms of its output (1 where y > 0) is the derivative taken as 1, not a sibling
        assertNotNamed(elementwise("softplus", x -> Math.log1p(Math.exp(x)), (x, y) -> x > 0 ? 1 : 0), "sibling");
    }

    @Test
    void anotherFunctionsDerivativeInTermsOfItsOutput() {
        // a tanh layer given sigmoid's hard-coded o(1 - o)
        CustomOp bug = elementwise("tanh", Math::tanh, (x, y) -> y * (1 - y));
        assertDiagnosed(bug, List.of("sibling"), "sigmoid's derivative written in terms of its own output");
    }

    static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    static double geluTanhPrime(double x) {
        double c = Math.sqrt(2 / Math.PI);
        double t = Math.tanh(c * (x + 0.044715 * x * x * x));
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
    }

    static double geluErfPrime(double x) {
        return 0.5 * (1 + org.apache.commons.math3.special.Erf.erf(x / Math.sqrt(2)))
                + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }

    @Test
    void theDerivativeTakenAsOne() {
        CustomOp bug = sigmoidOp((x, y) -> 1);
        assertDiagnosed(bug, List.of("derivative_one"), "analytic equals gradOutput");
    }

    @Test
    void theDerivativeTakenAsOneWhereTheTrueOneIsConstantIsNotCalledAFactor() {
        // leaky_relu with slope −2 branching on the output (pytorch#31938): gradOutput passed through
        // where x < 0, the true derivative −2 there; a factor −0.5 fits too, but the mechanism is "taken as 1"
        CustomOp bug = elementwise("leaky_relu_m2", x -> x > 0 ? x : -2 * x, (x, y) -> y > 0 ? 1 : -2);
        assertDiagnosed(bug, List.of("region", "derivative_one", "factor"), "wrong only where input0 < 0",
                "analytic equals gradOutput on every entry there: the derivative was taken as 1",
                "(equivalently analytic = -0.5 x numeric there)");
        assertNotDiagnosedWith(bug, "a missing factor of 2");
        // spikingjelly#413: slope 1/w (w = 1) inside |x| < 1 where the function's is 1/(2w): both readings
        CustomOp plr = elementwise("piecewise_leaky_relu",
                x -> x < -1 ? 0.01 * x : x > 1 ? 0.01 * x + 1 : x / 2 + 0.5, (x, y) -> Math.abs(x) < 1 ? 1 : 0.01);
        assertDiagnosed(plr, List.of("region", "derivative_one", "factor"), "|input0| < 1",
                "(equivalently analytic = 2.0 x numeric there)");
        // everywhere: y = 3x whose backward returns gradOutput
        assertDiagnosed(elementwise("triple", x -> 3 * x, (x, y) -> 1), List.of("derivative_one"));
        // a true derivative of −1 returned as +1 stays a flipped sign
        assertDiagnosed(elementwise("negate", x -> -x, (x, y) -> 1), List.of("sign"));
        assertNotNamed(elementwise("negate", x -> -x, (x, y) -> 1), "derivative_one");
        // a real constant factor is still a factor
        assertDiagnosed(elementwise("triple", x -> 3 * x, (x, y) -> 6), List.of("factor"), "extra factor of 2");
        assertNotNamed(elementwise("triple", x -> 3 * x, (x, y) -> 6), "derivative_one");
    }

    @Test
    void aPiecewiseConstantForward() {
        CustomOp bug = elementwise("floor", Math::floor, (x, y) -> 1);
        assertDiagnosed(bug, List.of("piecewise_constant"), "numeric derivative is zero");
    }

    @Test
    void theGradientTimesTheInput() {
        CustomOp bug = elementwise("identity", x -> x, (x, y) -> x);
        assertDiagnosed(bug, List.of("times_input"), "analytic = numeric x input0");
    }

    @Test
    void aFactorThatVariesSmoothly() {
        // swish with half the product rule's second term (without it, the backward would be exactly
        // sigmoid(x), softplus's derivative: a sibling, tested below)
        CustomOp bug = elementwise("swish", x -> x * sigmoid(x), (x, y) -> {
            double s = sigmoid(x);
            return s * (1 + 0.5 * x * (1 - s));
        });
        assertDiagnosed(bug, List.of("smooth_factor"), "varies smoothly with"); // input0 or the output
        // analytic and numeric crossing 0 at different points: where both ratios have a pole (at
        // seed 2) the difference is named, a term varying smoothly
        CustomOp term = elementwise("half_square", x -> 0.5 * x * x, (x, y) -> x - 0.3 + 0.2 * x * x);
        assertDiagnosed(term, List.of("smooth_factor"), "varies smoothly with");
        assertTrue(check(term, 2).diagnosis().contains("a term that varies smoothly with output: (analytic - numeric)"
                + "/gradOutput"), () -> check(term, 2).toString());
    }

    @Test
    void aStepFunctionsDerivativeInPlaceOfTheOps() {
        // x³ with relu's backward (a copied backward)
        CustomOp bug = elementwise("cube", x -> x * x * x, (x, y) -> x > 0 ? 1 : 0);
        assertDiagnosed(bug, List.of("step_derivative"), "analytic/gradOutput is", "input0", "elsewhere, while the numeric derivative varies");
        // a piecewise-linear op wrong in one of its pieces is a region, not a step derivative
        CustomOp hard = elementwise("hardtanh", x -> Math.max(-1, Math.min(1, x)),
                (x, y) -> x < 1 ? 1 : 0);
        assertNotNamed(hard, "step_derivative");
    }

    @Test
    void nanOnlyWhereTheInputIsNegative() {
        // cbrt's derivative as a fractional power: NaN for x < 0 (Math.pow of a negative base)
        CustomOp bug = elementwise("cbrt", Math::cbrt, (x, y) -> Math.pow(x, -2.0 / 3) / 3);
        assertDiagnosed(bug, List.of("non_finite", "region"), "exactly where input0 < 0");
        assertNotNamed(bug, "grad_output_offset", "grad_output_nonlinear");
    }

    @Test
    void anOverflowingFormulaThatIsWrongElsewhereTooIsSaidSo() {
        // Encog 3.4's ActivationGaussian: forward exp(-(2.5x)²), derivative exp((2.5x)²·12.5x)
        CustomOp gaussian = elementwise("gaussian", x -> Math.exp(-Math.pow(2.5 * x, 2)),
                (x, y) -> Math.exp(Math.pow(2.5 * x, 2) * 12.5 * x));
        assertDiagnosed(gaussian, List.of("non_finite"), "overflows (or divides by zero)", "the finite entries are wrong too");
        // cbrt's NaN for x < 0 with a right formula elsewhere: neither
        CustomOp cbrt = elementwise("cbrt", Math::cbrt, (x, y) -> 1 / (3 * Math.pow(x, 2.0 / 3.0)));
        assertDiagnosed(cbrt, List.of("non_finite", "region"), "not defined there");
        assertNotDiagnosedWith(cbrt, "finite entries are wrong too", "overflows");
    }

    static void assertNotDiagnosedWith(CustomOp op, String... phrases) {
        for (long seed : SEEDS) {
            CheckResult r = check(op, seed);
            for (String p : phrases) {
                assertFalse(r.diagnosis() != null && r.diagnosis().contains(p), () -> op.name() + " seed " + seed
                        + ": unexpected '" + p + "' in " + r.diagnosis());
            }
        }
    }

    @Test
    void aConstantOffsetInTheDerivative() {
        CustomOp bug = elementwise("cube", x -> x * x * x, (x, y) -> 3 * x * x + 0.5);
        assertDiagnosed(bug, List.of("offset"), "analytic = numeric + 0.5·gradOutput");
    }

    @Test
    void theComplementOfTheDerivative() {
        // 1 - d written as d, or d as 1 - d: tanh's derivative as y², softplus' as σ(-x), sigmoid's as 1 - y(1 - y)
        assertDiagnosed(elementwise("tanh", Math::tanh, (x, y) -> y * y), List.of("complement"),
                "analytic = 1·gradOutput - numeric", "a complement");
        assertDiagnosed(elementwise("softplus", x -> Math.log1p(Math.exp(x)), (x, y) -> sigmoid(-x)),
                List.of("complement"), "analytic = 1·gradOutput - numeric");
        assertDiagnosed(sigmoidOp((x, y) -> 1 - y * (1 - y)), List.of("complement"));
        // not a complement: a flipped sign (c = 0), an offset, a factor, a bug without a pattern
        assertNotNamed(elementwise("tanh", Math::tanh, (x, y) -> -(1 - y * y)), "complement");
        assertNotNamed(elementwise("cube", x -> x * x * x, (x, y) -> 3 * x * x + 0.5), "complement");
        assertNotNamed(elementwise("tanh", Math::tanh, (x, y) -> 2 * (1 - y * y)), "complement");
        assertNotNamed(sigmoidOp((x, y) -> y * (1 - y) * (1 + 0.3 * Math.sin(1e4 * x))), "complement");
    }

    @Test
    void theComplementOfALossGradientOverDraws() {
        // binary cross-entropy of a linear model, Σ softplus(w·x) - t·(w·x): its gradient Σ (σ(w·x) - t)·x
        // written with σ(-w·x); analytic + numeric = Σ (1 - 2t)·x at every w
        assertDiagnosed(PlantedModels.crossEntropy((z, t) -> sigmoid(-z) - t), List.of("complement"),
                "over all 3 draws", "is the same at every draw", "a complement");
        assertClean(PlantedModels.crossEntropy((z, t) -> sigmoid(z) - t));
        // a factor, a flipped sign, a gradient that ignores the data's labels: not a complement
        assertNotNamed(PlantedModels.crossEntropy((z, t) -> 2 * (sigmoid(z) - t)), "complement");
        assertNotNamed(PlantedModels.crossEntropy((z, t) -> t - sigmoid(z)), "complement");
        assertNotNamed(PlantedModels.crossEntropy((z, t) -> sigmoid(z)), "complement");
    }

    @Test
    void aTermProportionalToTheInput() {
        // weight decay: the loss has 0.05·|w|², the backward not its gradient 0.1·w, or the other way round
        assertDiagnosed(PlantedModels.penalisedRegression(0.1, 0), List.of("linear_term"),
                "analytic = numeric - 0.1·input0·gradOutput", "L2 penalty");
        assertDiagnosed(PlantedModels.penalisedRegression(0, 0.1), List.of("linear_term"),
                "analytic = numeric + 0.1·input0·gradOutput", "weight decay");
        assertClean(PlantedModels.penalisedRegression(0.1, 0.1));
        // elementwise: exp's derivative with 0.3·x added
        assertDiagnosed(elementwise("exp", Math::exp, (x, y) -> y + 0.3 * x), List.of("linear_term"),
                "analytic = numeric + 0.3·input0·gradOutput");
        // another input's term: w used twice (w·x1 + w·x2) whose gradient is assigned, not accumulated
        assertDiagnosed(PlantedModels.usedTwice(), List.of("linear_term", "only_input"),
                "input 'input0': analytic = numeric - 1·input1·gradOutput", "overwritten instead of accumulated");
        // not a term in the input: an offset, a factor, the gradient times the input, a patternless bug
        assertNotNamed(elementwise("cube", x -> x * x * x, (x, y) -> 3 * x * x + 0.5), "linear_term");
        assertNotNamed(PlantedModels.penalisedRegression2x(), "linear_term");
        assertNotNamed(elementwise("sin", Math::sin, (x, y) -> Math.cos(x) * x), "linear_term");
        assertNotNamed(sigmoidOp((x, y) -> y * (1 - y) * (1 + 0.3 * Math.sin(1e4 * x))), "linear_term");
    }

    @Test
    void aBiasGradientNotSummedOverTheBatch() {
        // tanh(x·W + b) over a batch of 4: b's gradient taken from the first (or the last) row only
        assertDiagnosed(PlantedModels.denseTanh(0), List.of("one_block", "only_input"), "input 'input2'",
                "analytic equals the gradient of the first block of outputs alone", "not summed over the batch");
        assertDiagnosed(PlantedModels.denseTanh(3), List.of("one_block"), "the last block of outputs alone");
        assertClean(PlantedModels.denseTanh(-1));
        // the mean over the batch is a factor, not one row
        assertDiagnosed(PlantedModels.denseTanh(-2), List.of("factor"), "analytic = 0.25 x numeric");
        assertNotNamed(PlantedModels.denseTanh(-2), "one_block");
    }

    @Test
    void aTermSharedByEachSlice() {
        // a row-wise centring tanh(x - mean(x)) whose backward leaves out the mean's gradient
        assertDiagnosed(PlantedModels.centred(false), List.of("slice_term"),
                "analytic - numeric is the same within each slice along dim 1", "mean");
        assertClean(PlantedModels.centred(true));
        // a row softmax whose backward is y·g, without -y·Σ g·y
        assertDiagnosed(PlantedModels.softmaxRows((y, g, dot) -> y * g), List.of("slice_term"),
                "(analytic - numeric)/output is the same within each slice along dim 1", "normaliser");
        assertClean(PlantedModels.softmaxRows((y, g, dot) -> y * (g - dot)));
        // a constant offset over every entry, or a patternless bug: not a slice's term
        assertNotNamed(elementwise("cube", x -> x * x * x, (x, y) -> 3 * x * x + 0.5), "slice_term");
        assertNotNamed(sigmoidOp((x, y) -> y * (1 - y) * (1 + 0.3 * Math.sin(1e4 * x))), "slice_term");
    }

    @Test
    void onlyTheSecondInputIsWrong() {
        assertDiagnosed(binary(false), List.of("only_input", "sign"), "only input 'input1' is wrong");
        assertClean(binary(true));
    }

    @Test
    void onlyOneInputWrongIsSaidEvenWithoutAPattern() {
        // input1 wrong by a pseudo-random factor per entry: no value pattern, but where it is wrong is known
        assertDiagnosed(binaryNoisy(false, true), List.of("only_input"), "only input 'input1' is wrong",
                "input0 passes at every draw");
        // both wrong: nothing to say
        for (long seed : SEEDS) {
            CheckResult r = check(binaryNoisy(true, true), seed);
            assertFalse(r.passed());
            assertFalse(r.findings().contains("only_input"), r::toString);
        }
    }

    @Test
    void unrelatedBugsGetNoneOfThesePatterns() {
        // wrong by a pseudo-random factor per entry: no region, no smooth factor, no formula
        CustomOp noisy = sigmoidOp((x, y) -> y * (1 - y) * (1 + 0.3 * Math.sin(1e4 * x)));
        assertNotNamed(noisy, "region", "smooth_factor", "factor", "sign", "output_for_input", "input_for_output",
                "derivative_one", "times_input", "offset", "piecewise_constant", "sibling");
        // wrong on the entries of even index only, whatever their values: no region
        assertNotNamed(parityBug(), "region", "smooth_factor", "factor", "sign");
    }

    @Test
    void aBackwardInSinglePrecision() {
        // a derivative rounded to float: wrong by rounding only, every analytic/gradOutput a float
        assertDiagnosed(elementwise("sin", Math::sin, (x, y) -> (float) Math.cos(x)), List.of("single_precision"),
                "single-precision (float) numbers", "off by rounding only");
        // tanh's 1 − y² from a float y: 0 at large |x|, which is not "a contribution is missing"
        CustomOp tanh = elementwise("tanh", Math::tanh, (x, y) -> 1 - (float) y * (float) y);
        assertDiagnosed(tanh, List.of("single_precision"));
        assertNotNamed(tanh, "zero_some", "region", "slice");
        // gradOutput not aligned with the entries (output [4] of a [4, 6] input): the values themselves
        assertDiagnosed(floatRowSums(), List.of("single_precision"), "off by rounding only");
    }

    @Test
    void floatValuesSayNothingInASinglePrecisionCheckOrBesideARealMistake() {
        // a float op checked as one (its points rounded to float): float analytic values are expected
        CustomOp doubled = elementwise("sin", Math::sin, (x, y) -> (float) (2 * Math.cos(x)));
        for (long seed : SEEDS) {
            CheckResult r = CustomOpCheck.check(doubled, CheckOptions.defaults().withSeed(seed).withThreads(1)
                    .withPrecision(Precision.FLOAT32));
            assertFalse(r.passed(), r::toString);
            assertFalse(r.findings().contains("single_precision"), r::toString);
        }
        // in double: the factor is the cause, not the rounding
        assertDiagnosed(doubled, List.of("factor"));
        assertNotNamed(doubled, "single_precision");
        // wrong where x < 0 by far more than rounding: the region, not float
        assertNotNamed(elementwise("branchy", x -> x > 0 ? x * x : Math.sin(x),
                (x, y) -> (float) (x > 0 ? 2 * x : 1.5 * Math.cos(x))), "single_precision", "near_miss");
    }

    @Test
    void aConstantRoundedInsideTheFormula() {
        // gelu (tanh form) whose derivative uses 0.7979 for √(2/π) = 0.79788456…
        double c = Math.sqrt(2 / Math.PI);
        CustomOp gelu = elementwise("gelu_tanh", x -> 0.5 * x * (1 + Math.tanh(c * (x + 0.044715 * x * x * x))),
                (x, y) -> {
                    double t = Math.tanh(0.7979 * (x + 0.044715 * x * x * x));
                    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * 0.7979 * (1 + 3 * 0.044715 * x * x);
                });
        assertDiagnosed(gelu, List.of("near_miss"), "off by little", "a constant rounded or slightly off");
        // hardswish's slope 0.3333 for 1/3: wrong only inside (−3, 3), by little there
        CustomOp hardswish = elementwise("hardswish", x -> x * Math.max(0, Math.min(6, x + 3)) / 6,
                (x, y) -> x <= -3 ? 0 : x < 3 ? x * 0.3333 + 0.5 : 1);
        assertDiagnosed(hardswish, List.of("near_miss"), "off by little");
        // a constant factor slightly off stays a factor, worded as a rounded constant
        assertDiagnosed(elementwise("sin_pi", x -> Math.sin(Math.PI * x), (x, y) -> 3.1416 * Math.cos(Math.PI * x)),
                List.of("factor"), "a constant slightly off (relative error 2.3e-06");
        // wrong by 30% per entry is no near miss, nor float rounding
        assertNotNamed(sigmoidOp((x, y) -> y * (1 - y) * (1 + 0.3 * Math.sin(1e4 * x))), "near_miss",
                "single_precision");
        assertClean(elementwise("gelu_tanh", x -> 0.5 * x * (1 + Math.tanh(c * (x + 0.044715 * x * x * x))),
                (x, y) -> {
                    double t = Math.tanh(c * (x + 0.044715 * x * x * x));
                    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
                }));
    }

    @Test
    void aBlockOfAFlatVectorWrongByAFactorIsNamedWithTheFactor() {
        // the last 10 of 24 flat parameters (one layer's weights) get half their gradient
        assertDiagnosed(blockBug(0.5), List.of("slice", "factor"), "wrong only in entries 14..23 (at the end",
                "analytic = 0.5 x numeric on every entry there");
        // a block wrong by no pattern is only located, with what makes such blocks (a conv's loop that stops early)
        assertNotNamed(blockBug(Double.NaN), "factor", "smooth_factor", "offset");
        assertDiagnosed(blockBug(Double.NaN), List.of("slice"), "wrong only in entries 14..23 (at the end",
                "(e.g. one layer's weights in a flat parameter vector, or a loop that stops early and leaves those "
                        + "entries part of their sum)");
    }

    @Test
    void rowsOfAWeightGradientWrittenInTheWrongOrder() {
        // tanh(x·W) whose backward writes W's row k to row rowOf[k]: an index mixed up
        assertDiagnosed(denseRows(new int[] {1, 0, 2}), List.of("permuted", "only_input"), "input 'input1'",
                "rows 0 and 1 are swapped (analytic row 0 = numeric row 1 and row 1 = row 0; the other row right)",
                "an index mixed up in the backward");
        assertDiagnosed(denseRows(new int[] {2, 0, 1, 3}), List.of("permuted"),
                "rows 0, 1 and 2 are permuted in one cycle (analytic row 0 = numeric row 1, row 1 = row 2, row 2 = row 0;"
                        + " the other row right)");
        assertClean(denseRows(new int[] {0, 1, 2}));
        // a reversal of 3 rows is left to its own finding; other bugs are no permutation
        assertDiagnosed(denseRows(new int[] {2, 1, 0}), List.of("reversed"));
        assertNotNamed(denseRows(new int[] {2, 1, 0}), "permuted");
        assertNotNamed(sigmoidOp((x, y) -> y * (1 - y) * (1 + 0.3 * Math.sin(1e4 * x))), "permuted");
        assertNotNamed(parityBug(), "permuted");
        assertNotNamed(blockBug(0.5), "permuted");
        assertNotNamed(PlantedModels.denseTanh(0), "permuted");
    }

    /** tanh(x·W), x [4, r], W [r, 5] with r = rowOf.length, whose backward writes W's row k as row rowOf[k]. */
    static CustomOp denseRows(int[] rowOf) {
        int r = rowOf.length;
        return LambdaOp.named("dense_rows").shapes(new int[] {4, r}, new int[] {r, 5}).forward(in -> {
            double[] y = new double[20];
            for (int b = 0; b < 4; b++) {
                for (int j = 0; j < 5; j++) {
                    double z = 0;
                    for (int k = 0; k < r; k++) {
                        z += in[0][b * r + k] * in[1][k * 5 + j];
                    }
                    y[b * 5 + j] = Math.tanh(z);
                }
            }
            return y;
        }).backward((in, g) -> {
            double[] dx = new double[4 * r];
            double[] dw = new double[r * 5];
            for (int b = 0; b < 4; b++) {
                for (int j = 0; j < 5; j++) {
                    double z = 0;
                    for (int k = 0; k < r; k++) {
                        z += in[0][b * r + k] * in[1][k * 5 + j];
                    }
                    double dz = g[b * 5 + j] * (1 - Math.tanh(z) * Math.tanh(z));
                    for (int k = 0; k < r; k++) {
                        dx[b * r + k] += dz * in[1][k * 5 + j];
                        dw[rowOf[k] * 5 + j] += in[0][b * r + k] * dz;
                    }
                }
            }
            return new double[][] {dx, dw};
        }).build();
    }

    /** Row sums of sin(x)·(j + 1) over a [4, 6] input, output [4], whose backward stores in a float[]. */
    static CustomOp floatRowSums() {
        return LambdaOp.named("row_sums").shape(4, 6).forward(in -> {
            double[] y = new double[4];
            for (int i = 0; i < 24; i++) {
                y[i / 6] += Math.sin(in[0][i]) * (i % 6 + 1);
            }
            return y;
        }).backward((in, g) -> {
            float[] d = new float[24];
            for (int i = 0; i < 24; i++) {
                d[i] = (float) (g[i / 6] * Math.cos(in[0][i]) * (i % 6 + 1));
            }
            double[] r = new double[24];
            for (int i = 0; i < 24; i++) {
                r[i] = d[i];
            }
            return new double[][] {r};
        }).build();
    }

    /** Σ sin(x_i)·(1 + 0.1·i) over 24 params, the last 10 gradients scaled by {@code factor} (NaN: by noise). */
    static CustomOp blockBug(double factor) {
        return LambdaOp.named("blocks").shape(24).forward(in -> {
            double s = 0;
            for (int i = 0; i < 24; i++) {
                s += Math.sin(in[0][i]) * (1 + 0.1 * i);
            }
            return new double[] {s};
        }).backward((in, g) -> {
            double[] d = new double[24];
            for (int i = 0; i < 24; i++) {
                double f = i < 14 ? 1 : Double.isNaN(factor) ? 1 + 0.3 * Math.sin(1e4 * in[0][i]) : factor;
                d[i] = g[0] * Math.cos(in[0][i]) * (1 + 0.1 * i) * f;
            }
            return new double[][] {d};
        }).build();
    }

    /**
     * x·sin(y) over two [3, 4] inputs whose gradients are scaled entry by entry: {@code scaleX},
     * {@code scaleY} of (x, y) (1 where the gradient is right).
     */
    static CustomOp binary(DoubleBinaryOperator scaleX, DoubleBinaryOperator scaleY) {
        return LambdaOp.named("x_sin_y").shapes(new int[] {3, 4}, new int[] {3, 4}).forward(in -> {
            double[] z = new double[12];
            for (int i = 0; i < 12; i++) {
                z[i] = in[0][i] * Math.sin(in[1][i]);
            }
            return z;
        }).backward((in, g) -> {
            double[] dx = new double[12];
            double[] dy = new double[12];
            for (int i = 0; i < 12; i++) {
                double x = in[0][i];
                double y = in[1][i];
                dx[i] = g[i] * Math.sin(y) * scaleX.applyAsDouble(x, y);
                dy[i] = g[i] * x * Math.cos(y) * scaleY.applyAsDouble(x, y);
            }
            return new double[][] {dx, dy};
        }).build();
    }

    /** x·sin(y), the gradient for y with its sign flipped, or right. */
    static CustomOp binary(boolean right) {
        return binary((x, y) -> 1, (x, y) -> right ? 1 : -1);
    }

    /** x·sin(y), its gradients scaled by a pseudo-random factor per entry, for x and/or y. */
    static CustomOp binaryNoisy(boolean noisyX, boolean noisyY) {
        DoubleBinaryOperator noise = (x, y) -> 1 + 0.3 * Math.sin(1e4 * x + 7e3 * y);
        return binary(noisyX ? noise : (x, y) -> 1, noisyY ? noise : (x, y) -> 1);
    }

    /** sin over a [5, 7] input, its gradient doubled on the entries of even flat index. */
    static CustomOp parityBug() {
        return LambdaOp.named("parity").shape(5, 7).forward(Elementwise.forward(Math::sin)).backward((in, g) -> {
            double[] d = new double[in[0].length];
            for (int i = 0; i < d.length; i++) {
                d[i] = g[i] * Math.cos(in[0][i]) * (i % 2 == 0 ? 2 : 1);
            }
            return new double[][] {d};
        }).build();
    }
}

package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.gradcheck.model.Limits;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A CustomOp's {@code inputShapes()} are limited before any input is allocated: an absurd shape is
 * that op's {@code error} naming the op, the shape and the limit (never an OutOfMemoryError or a
 * NegativeArraySizeException), and the next op is still checked.
 */
class CustomOpShapeLimitsTest {
    private static final CheckOptions OPTIONS = CheckOptions.defaults().withCommand("ops").withDraws(1);

    /** The sample square op, named {@code name}, claiming {@code shapes}. */
    private static CustomOp claiming(String name, int[]... shapes) {
        return new SampleSquareOp() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int[][] inputShapes() {
                return shapes;
            }
        };
    }

    /** Checks {@code op} then a correct op; asserts the first is an error with {@code message}, the second passes. */
    private static void assertError(CustomOp op, Limits limits, String message) {
        CheckReport r = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> CustomOpCheck.run(List.of(op, new SampleSquareOp()), OPTIONS, limits));
        CheckResult bad = r.checks().get(0);
        assertEquals(Status.ERROR, bad.status(), r.toText());
        assertEquals(op.name(), bad.name());
        assertEquals(message, bad.error(), r.toText());
        assertNull(bad.cause(), "a validation message, not an exception: " + bad.cause());
        assertEquals(Status.PASS, r.checks().get(1).status(), r.toText());
    }

    @Test
    void aHugeShapeIsAnErrorNamingTheOpTheShapeAndTheLimit() {
        assertError(claiming("huge", new int[] {100_000, 100_000}), Limits.DEFAULT,
                "inputShapes() of op 'huge': shape [100000, 100000] of input 0 has more than the limit of 16000000 "
                        + "elements per tensor");
    }

    @Test
    void aShapeWhoseSizeOverflowsALongIsAnErrorToo() {
        int m = Integer.MAX_VALUE;
        assertError(claiming("overflow", new int[] {2, 3}, new int[] {m, m, m, m}), Limits.DEFAULT,
                "inputShapes() of op 'overflow': shape [" + m + ", " + m + ", " + m + ", " + m + "] of input 1 "
                        + "has more than the limit of 16000000 elements per tensor");
    }

    @Test
    void limitsRaisedPastAJavaArraySayWhatALoneArrayHolds() {
        Limits unlimited = Limits.DEFAULT.withElements(Long.MAX_VALUE, Long.MAX_VALUE);
        assertError(claiming("huge", new int[] {100_000, 100_000}), unlimited,
                "inputShapes() of op 'huge': shape [100000, 100000] of input 0 has more elements than a Java array "
                        + "holds (2147483639)");
    }

    @Test
    void aNegativeDimensionIsNamed() {
        assertError(claiming("neg", new int[] {3, -2}), Limits.DEFAULT,
                "inputShapes() of op 'neg': negative dimension -2 in shape [3, -2] of input 0");
    }

    @Test
    void theInputsTogetherAreLimitedLikeAModel() {
        Limits small = Limits.DEFAULT.withElements(10, 14);
        assertError(claiming("wide", new int[] {2, 3}, new int[] {3, 3}), small,
                "inputShapes() of op 'wide': the inputs hold more than the limit of 14 elements together, reached at "
                        + "input 1 [3, 3]");
        assertError(claiming("tall", new int[] {11}), small,
                "inputShapes() of op 'tall': shape [11] of input 0 has more than the limit of 10 elements per tensor");
        // exactly at the limits is fine
        CheckReport ok = CustomOpCheck.run(List.of(new SampleSquareOp()), OPTIONS, Limits.DEFAULT.withElements(6, 6));
        assertEquals(Status.PASS, ok.checks().get(0).status(), ok.toText());
    }

    @Test
    void aNullShapeAndTooManyDimensionsAreNamed() {
        assertError(claiming("holes", new int[] {2}, null), Limits.DEFAULT,
                "inputShapes() of op 'holes': the shape of input 1 is null");
        assertError(claiming("deep", new int[33]), Limits.DEFAULT,
                "inputShapes() of op 'deep': the shape of input 0 has 33 dimensions; at most 32 are allowed");
        assertError(claiming("nothing", (int[][]) null), Limits.DEFAULT, "inputShapes() of op 'nothing' returned null");
    }

    @Test
    void theDefaultLimitsApplyWithoutBeingAskedForAndThroughAGuardedOp() {
        CustomOp huge = claiming("huge", new int[] {100_000, 100_000});
        CheckResult plain = CustomOpCheck.check(huge, OPTIONS);
        assertEquals(Status.ERROR, plain.status(), plain.toString());
        CheckResult guarded = CustomOpCheck.check(GuardedOp.of(huge, 2_000), OPTIONS);
        assertEquals(Status.ERROR, guarded.status(), guarded.toString());
        assertEquals(plain.error(), guarded.error());
        assertEquals("inputShapes() of op 'huge': shape [100000, 100000] of input 0 has more than the limit of "
                + "16000000 elements per tensor", guarded.error());
    }

    @Test
    void anOpCannotChangeItsShapesUnderTheCheck() {
        int[][] shapes = {{2, 3}};
        CustomOp sneaky = new SampleSquareOp() {
            @Override
            public int[][] inputShapes() {
                return shapes;
            }

            @Override
            public double[] forward(double[][] inputs) {
                shapes[0][0] = 100_000; // after validation: the check keeps the shapes it validated
                return super.forward(inputs);
            }
        };
        CheckResult r = CustomOpCheck.check(sneaky, OPTIONS);
        assertEquals(Status.PASS, r.status(), r.toString());
        assertEquals(6, r.entriesChecked());
    }
}

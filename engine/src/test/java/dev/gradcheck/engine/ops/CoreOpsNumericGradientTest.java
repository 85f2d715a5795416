package dev.gradcheck.engine.ops;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.engine.op.Sample;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every core op's backward against central differences of its forward, on its own samples at
 * several seeds and magnitudes; and, for ops marked twice differentiable, the gradient of the
 * backward against central differences of the backward.
 */
class CoreOpsNumericGradientTest {
    static final List<String> OPS = List.of(
            "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "erf", "relu", "leaky_relu", "gelu",
            "softplus", "clamp",
            "reshape", "transpose", "permute", "squeeze", "unsqueeze", "cat", "narrow",
            "amax", "logsumexp", "matmul", "linear");

    static final int SEEDS = 12;

    static Stream<Arguments> draws() {
        return OPS.stream().flatMap(name -> Stream.of(1.0, 10.0).flatMap(mag ->
                java.util.stream.IntStream.range(0, SEEDS).mapToObj(seed -> Arguments.of(name, mag, seed))));
    }

    @ParameterizedTest(name = "{0} magnitude {1} seed {2}")
    @MethodSource("draws")
    void firstOrderMatchesCentralDifferences(String name, double magnitude, int seed) {
        OpDef op = OpRegistry.get(name);
        Sample s = op.samples().draw(new SplittableRandom(seed), magnitude);
        NumericGradients.Mismatch m = NumericGradients.firstOrder(op, s.inputs(), s.attrs(), seed);
        assertNull(m, () -> "seed " + seed + ", magnitude " + magnitude + ", sample " + s + ": " + m);
    }

    @ParameterizedTest(name = "{0} magnitude {1} seed {2}")
    @MethodSource("draws")
    void secondOrderMatchesCentralDifferencesOfTheBackward(String name, double magnitude, int seed) {
        OpDef op = OpRegistry.get(name);
        assertTrue(op.twiceDifferentiable(), name + " should be marked twice differentiable");
        Sample s = op.samples().draw(new SplittableRandom(seed), magnitude);
        NumericGradients.Mismatch m = NumericGradients.secondOrder(op, s.inputs(), s.attrs(), seed);
        assertNull(m, () -> "seed " + seed + ", magnitude " + magnitude + ", sample " + s + ": " + m);
    }
}

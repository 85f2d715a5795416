package dev.gradcheck.engine.ops;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.engine.op.Sample;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered op with a sample generator (the registry is iterated: a new op is checked the
 * moment it is registered): its backward against central differences of its forward, on its own
 * samples at several seeds and magnitudes; and, for ops marked twice differentiable, the gradient
 * of the backward against central differences of the backward.
 */
class CoreOpsNumericGradientTest {
    static final int SEEDS = 12;

    /** The names of the registered ops that can be sampled. */
    static List<String> ops() {
        return OpRegistry.all().stream().filter(op -> op.samples() != null).map(OpDef::name).collect(Collectors.toList());
    }

    static Stream<Arguments> draws() {
        return draws(ops());
    }

    static Stream<Arguments> twiceDifferentiableDraws() {
        return draws(ops().stream().filter(n -> OpRegistry.get(n).twiceDifferentiable()).collect(Collectors.toList()));
    }

    private static Stream<Arguments> draws(List<String> names) {
        return names.stream().flatMap(name -> Stream.of(1.0, 10.0).flatMap(mag ->
                java.util.stream.IntStream.range(0, SEEDS).mapToObj(seed -> Arguments.of(name, mag, seed))));
    }

    @Test
    void iteratesTheRegistry() {
        assertTrue(ops().size() >= OpRegistry.publicOps().size() - 1, "ops with samples: " + ops());
        assertTrue(ops().containsAll(List.of("tanh", "matmul", "cross_entropy")), "ops with samples: " + ops());
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
    @MethodSource("twiceDifferentiableDraws")
    void secondOrderMatchesCentralDifferencesOfTheBackward(String name, double magnitude, int seed) {
        OpDef op = OpRegistry.get(name);
        Sample s = op.samples().draw(new SplittableRandom(seed), magnitude);
        NumericGradients.Mismatch m = NumericGradients.secondOrder(op, s.inputs(), s.attrs(), seed);
        assertNull(m, () -> "seed " + seed + ", magnitude " + magnitude + ", sample " + s + ": " + m);
    }
}

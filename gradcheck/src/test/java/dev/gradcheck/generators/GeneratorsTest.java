package dev.gradcheck.generators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.Domain;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.engine.op.Sample;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GeneratorsTest {
    @Test
    void theSameSeedGivesTheSameTensor() {
        Tensor a = Generators.tensor(new SplittableRandom(3), Domain.REAL, 1, 3, 4);
        Tensor b = Generators.tensor(new SplittableRandom(3), Domain.REAL, 1, 3, 4);
        assertEquals(a.shape(), b.shape());
        assertArrayEquals(a.data(), b.data());
    }

    @Test
    void shapesStayWithinTheirBounds() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < 500; i++) {
            Shape s = Generators.shape(rng, 1, 3, 5);
            assertTrue(s.rank() >= 1 && s.rank() <= 3, s.toString());
            for (int d : s.dims()) {
                assertTrue(d >= 1 && d <= 5, s.toString());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Generators.shape(rng, 2, 1, 3));
    }

    @Test
    void broadcastPairsBroadcast() {
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < 500; i++) {
            Shape[] p = Generators.broadcastPair(rng, 4, 3);
            Shape out = Shape.broadcast("test", p[0], p[1]); // throws when they do not broadcast
            assertTrue(p[0].broadcastsTo(out) && p[1].broadcastsTo(out), p[0] + " and " + p[1]);
        }
    }

    @Test
    void valuesStayInTheDomainAndAwayFromKinks() {
        SplittableRandom rng = new SplittableRandom(4);
        Domain kinked = Domain.realWithKinks(0, 1);
        for (int i = 0; i < 2000; i++) {
            double p = Generators.value(rng, Domain.POSITIVE, 1);
            assertTrue(p > 0, "positive domain gave " + p);
            double v = Generators.awayFromKinks(rng, kinked, 1, 0.1, 0.5);
            assertTrue(Math.abs(v) >= 0.1 && Math.abs(v - 1) >= 0.1 && Math.abs(v - 0.5) >= 0.1, "value " + v);
        }
        assertThrows(IllegalStateException.class,
                () -> Generators.awayFromKinks(rng, Domain.UNIT_INTERVAL, 1, 10, 0.5));
    }

    @Test
    void samplesComeFromTheOpAndFitItsShapeRule() {
        OpDef add = OpRegistry.get("add");
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 100; i++) {
            Sample s = Generators.sample(add, rng, 1);
            add.inferShape(new Shape[] {s.inputs()[0].shape(), s.inputs()[1].shape()}, add.resolve(s.attrs()));
        }
    }

    @Test
    void quickTheoriesGensShrinkToTheSmallestFailingShape() {
        AssertionError e = assertThrows(AssertionError.class, () -> qt().withFixedSeed(11).withExamples(200)
                .forAll(QuickTheoriesGens.shapes(0, 4, 6))
                .check(s -> s.rank() < 2 || s.size() < 4));
        // shrinking reaches a shape of the fewest elements that fails (4), perhaps with extra dimensions of 1
        String m = e.getMessage();
        String smallest = m.substring(m.indexOf("Smallest found falsifying value(s) :-") + 38).trim().split("\n")[0];
        int[] dims = java.util.Arrays.stream(smallest.replaceAll("[\\[\\] ]", "").split(","))
                .mapToInt(Integer::parseInt).toArray();
        assertTrue(dims.length >= 2 && Shape.of(dims).size() == 4,
                "smallest falsifying shape " + smallest + "\n" + m);
    }

    @Test
    void quickTheoriesSamplesAreValidAndDescribedByShapes() {
        OpDef sum = OpRegistry.get("sum");
        qt().withFixedSeed(3).withExamples(100).forAll(QuickTheoriesGens.samples(sum, 1))
                .checkAssert(s -> sum.inferShape(new Shape[] {s.inputs()[0].shape()}, sum.resolve(s.attrs())));
        assertEquals("[1, 2] and [2]", QuickTheoriesGens.broadcastPairs(2, 2)
                .asString(new Shape[] {Shape.of(1, 2), Shape.of(2)}));
    }
}

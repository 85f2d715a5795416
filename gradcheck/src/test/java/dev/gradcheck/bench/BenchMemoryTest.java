package dev.gradcheck.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Shape;
import dev.gradcheck.model.Limits;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The heap estimate behind bench's up-front refusal: what it counts and which case it takes. */
class BenchMemoryTest {
    private static final MlpSpec WIDE = new MlpSpec(new int[] {2048, 2048, 2048, 2048, 10}, 64);
    private static final MlpSpec LONG_BATCH = new MlpSpec(new int[] {16, 16, 10}, 200_000);

    @Test
    void theActivationsAreTheModelFilesTensorsBesideTheParams() {
        for (MlpSpec mlp : List.of(MlpSpec.STANDARD.get(0), MlpSpec.STANDARD.get(3), WIDE, LONG_BATCH,
                new MlpSpec(new int[] {7, 3}, 5))) {
            Model m = ModelLoader.parse(mlp.modelJson(), Path.of("mlp.json"), Path.of("."),
                    Limits.DEFAULT.withElements(Long.MAX_VALUE, Long.MAX_VALUE));
            long all = m.shapes().values().stream().mapToLong(Shape::size).sum();
            assertEquals(all - mlp.params(), BenchMemory.activations(mlp), mlp.label() + "@" + mlp.batch());
        }
    }

    @Test
    void theCaseThatNeedsTheMostIsTheOneNamed() {
        BenchOptions all = BenchOptions.defaults().withMlps(List.of(WIDE)).withCheckThreads(1);
        BenchMemory.Need check = BenchMemory.largest(all).orElseThrow();
        assertEquals("check_fast", check.bench());
        long p = WIDE.params();
        long a = BenchMemory.activations(WIDE);
        assertEquals((long) Math.ceil(8 * (11 * p + 3.5 * a)), check.bytes());
        BenchMemory.Need pass = BenchMemory.largest(all.withCases("fwd_bwd,anomaly")).orElseThrow();
        assertEquals("anomaly_fwd_bwd", pass.bench());
        assertEquals((long) Math.ceil(8 * (3 * p + 2.5 * a)), pass.bytes());
    }

    @Test
    void eachFurtherCheckerThreadHoldsTheActivationsTwiceMore() {
        BenchOptions o = BenchOptions.defaults().withCases("check_fast").withMlps(List.of(LONG_BATCH));
        long one = BenchMemory.largest(o.withCheckThreads(1)).orElseThrow().bytes();
        long two = BenchMemory.largest(o.withCheckThreads(2, 1)).orElseThrow().bytes();
        assertEquals(16 * BenchMemory.activations(LONG_BATCH), two - one);
    }

    @Test
    void theLargestMlpIsTheOneReportedAndMatmulAloneNeedsNoEstimate() {
        BenchOptions o = BenchOptions.defaults();
        assertEquals(MlpSpec.STANDARD.get(3), BenchMemory.largest(o).orElseThrow().mlp());
        assertEquals(4, BenchMemory.needs(o).size());
        assertTrue(BenchMemory.largest(o.withCases("matmul")).isEmpty());
        // a full check runs only up to maxFullParams: above it nothing of this MLP runs
        assertTrue(BenchMemory.largest(o.withCases("check_full").withMlps(List.of(WIDE))).isEmpty());
        assertEquals("check_full", BenchMemory.largest(o.withCases("check_full")).orElseThrow().bench());
    }
}

package dev.gradcheck.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.Backward;
import dev.gradcheck.engine.op.FastPath;
import dev.gradcheck.engine.op.FastPaths;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch-independence check's work grows linearly with a model's length (it once ran a backward
 * pass per node: quadratic), counted in backward-rule runs rather than timed; and its search finds
 * the node a one-at-a-time test of every node finds.
 */
class BatchIndependenceScalingTest {
    @TempDir
    Path dir;

    /** How many times tanh's backward rule runs during {@code work} (a counting fast path over tanh's). */
    private static <T> long tanhBackwards(Supplier<T> work) {
        OpDef tanh = OpRegistry.get("tanh");
        FastPath installed = FastPaths.installed().get(tanh);
        AtomicLong runs = new AtomicLong();
        Backward counting = ctx -> {
            runs.incrementAndGet();
            return installed == null || installed.firstOrderBackward() == null ? null
                    : installed.firstOrderBackward().apply(ctx); // null: the reference backward runs
        };
        FastPaths.install(tanh, installed == null ? FastPath.ofBackward(counting)
                : installed.withFirstOrderBackward(counting));
        try {
            work.get();
        } finally {
            if (installed == null) {
                FastPaths.uninstall(tanh);
            } else {
                FastPaths.install(tanh, installed);
            }
        }
        return runs.get();
    }

    /** x [8, 4] @ W, then {@code n - 1} nodes alternating tanh and add b, summed (as the outside tester's chain). */
    private Model chain(int n, String mixAt) throws IOException {
        StringBuilder nodes = new StringBuilder("{\"name\": \"h0\", \"op\": \"matmul\", \"inputs\": [\"x\", \"W\"]}");
        for (int i = 1; i < n; i++) {
            String prev = "h" + (i - 1);
            String node = ("h" + i).equals(mixAt)
                    ? "\"op\": \"softmax\", \"inputs\": [\"" + prev + "\"], \"attrs\": {\"dim\": 0}"
                    : i % 2 == 1 ? "\"op\": \"tanh\", \"inputs\": [\"" + prev + "\"]"
                    : "\"op\": \"add\", \"inputs\": [\"" + prev + "\", \"b\"]";
            nodes.append(",\n{\"name\": \"h").append(i).append("\", ").append(node).append('}');
        }
        nodes.append(",\n{\"name\": \"loss\", \"op\": \"sum\", \"inputs\": [\"h").append(n - 1).append("\"]}");
        Path file = dir.resolve("chain" + n + ".json");
        Files.writeString(file, """
                {"format": "gradcheck-model/1", "name": "chain", "seed": 0,
                 "inputs": {"x": {"shape": [8, 4], "init": {"normal": {"std": 1}}}},
                 "params": {"W": {"shape": [4, 4], "init": {"normal": {"std": 0.5}}}, "b": {"shape": [4], "init": "zeros"}},
                 "nodes": [%s],
                 "output": "loss"}
                """.formatted(nodes));
        return ModelLoader.load(file);
    }

    private static BatchIndependenceReport check(Model m) {
        return BatchIndependence.check(m, m.initialValues(), 0);
    }

    @Test
    void aLongChainCostsAFewBackwardPassesNotOnePerNode() throws IOException {
        int followed = BatchVerdict.followed(8).length;
        for (int n : new int[] {100, 400}) {
            Model m = chain(n, null);
            BatchIndependenceReport[] r = new BatchIndependenceReport[1];
            long runs = tanhBackwards(() -> r[0] = check(m));
            assertEquals("pass", r[0].status(), r[0]::toText);
            assertEquals(n, r[0].nodesChecked(), r[0]::toText);
            long tanhNodes = n / 2;
            // one screening pass per followed sample walks each tanh once; a pass per node walked
            // the chain before it again each time: about followed * n² / 4 runs
            assertTrue(runs <= 2L * followed * tanhNodes, () -> n + " nodes: " + runs + " tanh backward runs, more than "
                    + 2L * followed * tanhNodes + " (linear in the model's length)");
        }
    }

    @Test
    void aMixingNodeDeepInALongChainIsFoundWithLogarithmicallyManyPasses() throws IOException {
        int n = 400;
        Model m = chain(n, "h301");
        BatchIndependenceReport[] r = new BatchIndependenceReport[1];
        long runs = tanhBackwards(() -> r[0] = check(m));
        assertEquals("fail", r[0].status(), r[0]::toText);
        assertEquals("h301", r[0].mixing().node(), r[0]::toText);
        assertEquals("softmax, dim=0", r[0].mixing().op(), r[0]::toText);
        assertEquals(302, r[0].nodesChecked(), "h0 to h301: every node up to the mixing one counts as checked");
        int followed = BatchVerdict.followed(8).length;
        // the screen, a gallop and a bisection over 301 nodes: well under 30 passes over the chain, against 300
        long bound = 30L * followed * (n / 2);
        assertTrue(runs <= bound, () -> runs + " tanh backward runs, more than " + bound);
    }

    /**
     * Random chains of ops that keep samples apart, mix them (a softmax or mean over the batch, a
     * reshape that interleaves them), keep them apart only under a layout other than the first (a
     * transpose) or hold NaN gradients (sqrt at 0): the search names the node, the mixing and the
     * NaN flag that testing each node in turn gives.
     */
    @Test
    void theSearchFindsWhatTestingEachNodeInTurnFinds() {
        int mixed = 0;
        for (long seed = 1; seed <= 60; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            Tensor x = Tensor.randn(rng, 6, 4).requiresGrad();
            Tensor b = Tensor.randn(rng, 4);
            Tensor toSquare = Tensor.randn(rng, 4, 6);
            Tensor back = Tensor.randn(rng, 6, 4);
            List<Tensor> graph = new ArrayList<>();
            Tensor t = x;
            int length = 5 + rng.nextInt(40);
            while (graph.size() < length) {
                int kind = rng.nextInt(40);
                List<Tensor> made = switch (kind) {
                    case 0 -> List.of(t.softmax(0));
                    case 1 -> List.of(t.mean(0, true), t.sub(t.mean(0, true)));
                    case 2 -> List.of(t.reshape(4, 6), t.reshape(4, 6).tanh().reshape(6, 4));
                    case 3, 4 -> List.of(t.relu(), t.relu().sqrt());
                    case 5, 6, 7 -> {
                        // [6, 6] with the batch along dim 1: the first candidate layout (dim 0) mixes
                        Tensor turned = t.matmul(toSquare).transpose(0, 1);
                        yield List.of(turned, turned.tanh(), turned.tanh().transpose(0, 1).matmul(back));
                    }
                    case 8, 9, 10, 11, 12 -> List.of(t.add(b));
                    case 13, 14, 15 -> List.of(t.mul(t));
                    default -> List.of(t.tanh());
                };
                graph.addAll(made);
                t = made.get(made.size() - 1);
            }
            List<BatchProbe.Source> sources = List.of(BatchProbe.Source.input("x", x, 0, 6));
            int[] samples = BatchVerdict.followed(6);
            BatchProbe eachInTurn = new BatchProbe(6, samples, sources, BatchIndependence.SEED);
            int expected = -1;
            BatchProbe.Mixing expectedMixing = null;
            for (int k = 0; k < graph.size() && expected < 0; k++) {
                expectedMixing = eachInTurn.mixing(graph.get(k), 0);
                expected = expectedMixing == null ? -1 : k;
            }
            BatchProbe searching = new BatchProbe(6, samples, sources, BatchIndependence.SEED);
            MixingSearch.Found found = new MixingSearch(searching, 0, graph).first(k -> searching.mixing(graph.get(k), 0));
            String where = "seed " + seed + ", " + graph.size() + " nodes";
            if (expected < 0) {
                assertNull(found, where);
                assertEquals(eachInTurn.sawNaN(), searching.sawNaN(), where);
            } else {
                mixed++;
                assertEquals(expected, found.index(), where);
                assertEquals(expectedMixing.sample(), found.mixing().sample(), where);
                assertEquals(expectedMixing.reached(), found.mixing().reached(), where);
                assertEquals(expectedMixing.layout(), found.mixing().layout(), where);
            }
        }
        assertTrue(mixed > 10 && mixed < 55, mixed + " of 60 chains mix: both outcomes must be covered");
    }
}

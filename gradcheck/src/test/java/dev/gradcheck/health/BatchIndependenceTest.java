package dev.gradcheck.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Sanity's batch-independence check on models that mix samples by mistake, by design, and not at all. */
class BatchIndependenceTest {
    @TempDir
    Path dir;

    private static BatchIndependenceReport check(Model m, int dim) {
        return BatchIndependence.check(m, m.initialValues(), dim);
    }

    @ParameterizedTest(name = "{0} mixes samples at {1}")
    @CsvSource(delimiter = '|', value = {
        "batch-mix          | mu     | mean, dim=0, keepdim=true",
        "batch-interleave   | r      | reshape, shape=[8, 6]",
        "batch-softmax-dim0 | logp   | log_softmax, dim=0",
    })
    void modelsThatMixSamplesByMistakeFailNamingTheNode(String model, String node, String op) {
        BatchIndependenceReport r = check(model.equals("batch-mix") ? SickModels.broken(model) : SickModels.load(model), 0);
        assertEquals("fail", r.status(), r::toText);
        assertEquals(node, r.mixing().node(), r::toText);
        assertEquals(op, r.mixing().op(), r::toText);
        assertEquals("x", r.mixing().source(), r::toText);
        assertTrue(r.mixing().reached().size() > 1, r::toText);
        assertTrue(r.detail().startsWith("node '" + node + "' (" + op + ") mixes samples: "), r::toText);
    }

    @Test
    void theMeanOverTheBatchReachesEverySampleAndIsNamedWithTheSample() {
        BatchIndependenceReport r = check(SickModels.broken("batch-mix"), 0);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), r.mixing().reached());
        assertEquals(-1, r.mixing().sample(), "mu [1, 10] keeps no dimension of the batch size");
        assertTrue(r.detail().contains("its output [1, 10] has no dimension of the batch size 8 left, yet its "
                + "gradient reaches samples 0-7 of input 'x' and the nodes after it are batch-shaped again"), r::toText);
        BatchIndependenceReport soft = check(SickModels.load("batch-softmax-dim0"), 0);
        assertEquals(0, soft.mixing().sample());
        assertTrue(soft.detail().contains("the gradient of sample 0's entries of 'logp' [6, 3] reaches samples 0-5 "
                + "of input 'x'"), soft::toText);
    }

    @Test
    void aMixingNodeIsFoundEvenWhenTheWeightsAfterItAreZero() {
        // W2 = 0: the loss does not depend on the other samples at these values, but 'mu' still mixes them
        Model m = SickModels.broken("batch-mix");
        Map<String, Tensor> v = new LinkedHashMap<>(m.initialValues());
        v.put("W2", v.get("W2").zerosLike());
        BatchIndependenceReport r = BatchIndependence.check(m, v, 0);
        assertEquals("mu", r.mixing().node(), r::toText);
    }

    static Stream<Path> examples() {
        return SickModels.examples().stream();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyShippedExamplePasses(Path example) {
        Model m = ModelLoader.load(example);
        BatchIndependenceReport r = check(m, 0);
        assertEquals("pass", r.status(), () -> example + ": " + r.toText());
        assertTrue(r.nodesChecked() > 0, r::toText);
        boolean batchNorm = m.nodes().stream().anyMatch(n -> n.op().name().equals("batch_norm"));
        assertEquals(batchNorm, !r.byDesign().isEmpty(), r::toText);
    }

    @Test
    void batchNormMixesByDesignAndIsReportedNotFailed() {
        BatchIndependenceReport r = check(ModelLoader.load(Path.of("../examples/batchnorm-mlp.json")), 0);
        assertEquals("pass", r.status(), r::toText);
        assertEquals(List.of(new BatchIndependenceReport.ByDesign("hn", "batch_norm", r.byDesign().get(0).how())),
                r.byDesign());
        assertTrue(r.infoLines().get(0).startsWith("INFO batch_independence: node 'hn' (batch_norm) mixes samples "
                + "by design (batch statistics"), r::toText);
        assertTrue(r.detail().contains("per-sample outputs: logits"), r::toText);
    }

    @Test
    void aMistakeAfterABatchNormIsStillFound() throws IOException {
        Model m = write("bn-then-mean", "[8, 5]", """
                {"name": "h", "op": "linear", "inputs": ["x", "W"]},
                {"name": "hn", "op": "batch_norm", "inputs": ["h"]},
                {"name": "mu", "op": "mean", "inputs": ["hn"], "attrs": {"dim": 0, "keepdim": true}},
                {"name": "c", "op": "sub", "inputs": ["hn", "mu"]},
                {"name": "loss", "op": "cross_entropy", "inputs": ["c", "y"]}""", "[3, 5]", "[8]");
        BatchIndependenceReport r = check(m, 0);
        assertEquals("mu", r.mixing().node(), r::toText);
        assertEquals("hn", r.mixing().source(), "checked against the batch norm's output, not x");
        assertEquals("hn", r.byDesign().get(0).node());
    }

    @Test
    void sequenceModelsPassWithTheBatchMergedIntoAnotherDimension() throws IOException {
        // (B, T, F) -> (B·T, C) for the loss: the batch in blocks of T
        Model batchFirst = write("seq-batch-first", "[4, 5, 3]", """
                {"name": "h", "op": "linear", "inputs": ["x", "W"]},
                {"name": "flat", "op": "reshape", "inputs": ["h"], "attrs": {"shape": [20, 3]}},
                {"name": "loss", "op": "cross_entropy", "inputs": ["flat", "y"]}""", "[3, 3]", "[20]");
        BatchIndependenceReport r = check(batchFirst, 0);
        assertEquals("pass", r.status(), r::toText);
        assertTrue(r.detail().contains("per-sample outputs: flat"), r::toText);
        // (T, B, F), the batch along dim 1: (T·B, C) interleaves it, still one sample per row
        Model timeFirst = write("seq-time-first", "[5, 4, 3]", """
                {"name": "h", "op": "linear", "inputs": ["x", "W"]},
                {"name": "flat", "op": "reshape", "inputs": ["h"], "attrs": {"shape": [20, 3]}},
                {"name": "loss", "op": "cross_entropy", "inputs": ["flat", "y"]}""", "[3, 3]", "[20]");
        assertEquals("pass", check(timeFirst, 1).status(), () -> check(timeFirst, 1).toText());
        assertEquals(4, check(timeFirst, 1).batch());
        // read along dim 0 instead, the 5 time steps look like samples: the linear layer mixes none of them
        assertEquals("pass", check(timeFirst, 0).status());
        // a log_softmax over the merged (B·T) rows instead of the classes mixes samples
        Model softmaxOverRows = write("seq-softmax-rows", "[4, 5, 3]", """
                {"name": "h", "op": "linear", "inputs": ["x", "W"]},
                {"name": "flat", "op": "reshape", "inputs": ["h"], "attrs": {"shape": [20, 3]}},
                {"name": "logp", "op": "log_softmax", "inputs": ["flat"], "attrs": {"dim": 0}},
                {"name": "loss", "op": "nll_loss", "inputs": ["logp", "y"]}""", "[3, 3]", "[20]");
        BatchIndependenceReport bad = check(softmaxOverRows, 0);
        assertEquals("logp", bad.mixing().node(), bad::toText);
        assertTrue(bad.detail().contains("'logp' [20, 3] (dim 0 in blocks of 5) reaches samples 0-3"), bad::toText);
    }

    @Test
    void aMeanOverTimeIsNoMix() throws IOException {
        Model overTime = write("mean-over-time", "[4, 5, 3]", """
                {"name": "h", "op": "linear", "inputs": ["x", "W"]},
                {"name": "pooled", "op": "mean", "inputs": ["h"], "attrs": {"dim": 1}},
                {"name": "loss", "op": "cross_entropy", "inputs": ["pooled", "y"]}""", "[3, 3]", "[4]");
        BatchIndependenceReport r = check(overTime, 0);
        assertEquals("pass", r.status(), r::toText);
        assertTrue(r.detail().contains("per-sample outputs: pooled"), r::toText);
    }

    @Test
    void lossesWithoutALossNodeAndWithReductionNonePass() throws IOException {
        Model sumOfSquares = write("sum-of-squares", "[6, 4]", """
                {"name": "h", "op": "linear", "inputs": ["x", "W"]},
                {"name": "sq", "op": "mul", "inputs": ["h", "h"]},
                {"name": "loss", "op": "sum", "inputs": ["sq"]}""", "[3, 4]", null);
        BatchIndependenceReport r = check(sumOfSquares, 0);
        assertEquals("pass", r.status(), r::toText);
        assertTrue(r.detail().contains("per-sample outputs: sq"), r::toText);
        Model none = write("reduction-none", "[6, 4]", """
                {"name": "h", "op": "linear", "inputs": ["x", "W"]},
                {"name": "per", "op": "cross_entropy", "inputs": ["h", "y"], "attrs": {"reduction": "none"}},
                {"name": "loss", "op": "mean", "inputs": ["per"]}""", "[3, 4]", "[6]");
        BatchIndependenceReport n = check(none, 0);
        assertEquals("pass", n.status(), n::toText);
        assertTrue(n.detail().contains("per-sample outputs: per"), n::toText);
    }

    @Test
    void aLossThatAveragesOverTheBatchFirstIsTheLossNotAMix() throws IOException {
        // mean over the batch, then sum: the [8] in between is a multiple of the batch size 4 by chance
        Model m = write("mean-then-sum", "[4, 8]", """
                {"name": "h", "op": "linear", "inputs": ["x", "W"]},
                {"name": "sq", "op": "mul", "inputs": ["h", "h"]},
                {"name": "per_feature", "op": "mean", "inputs": ["sq"], "attrs": {"dim": 0}},
                {"name": "loss", "op": "sum", "inputs": ["per_feature"]}""", "[8, 8]", null);
        BatchIndependenceReport r = check(m, 0);
        assertEquals("pass", r.status(), r::toText);
        assertTrue(r.detail().contains("per-sample outputs: sq"), r::toText);
    }

    @Test
    void nanGradientsAreNoMixingButLeaveTheCheckUndetermined() throws IOException {
        // sqrt's backward at 0 is 0/0 = NaN on every sample's zero entries, gradient or not; leaky_relu
        // with slope 0 multiplies it by 0 below 0 (as PyTorch's does), so the NaN reaches x (relu, which
        // selects, would drop it: nan-backward's gradients are finite)
        BatchIndependenceReport r = check(write("nan-gradient", "[8, 4]", """
                {"name": "z", "op": "matmul", "inputs": ["x", "W"]},
                {"name": "r", "op": "leaky_relu", "inputs": ["z"], "attrs": {"negative_slope": 0.0}},
                {"name": "s", "op": "sqrt", "inputs": ["r"]},
                {"name": "t", "op": "mul", "inputs": ["s", "r"]},
                {"name": "loss", "op": "mean", "inputs": ["t"]}""", "[4, 3]", null), 0);
        assertEquals("skipped", r.status(), r::toText);
        assertTrue(r.detail().startsWith("not determined: the gradients hold NaN"), r::toText);
        assertNull(r.mixing());
    }

    @Test
    void instanceNormAndDropoutKeepSamplesApart() throws IOException {
        Model m = write("instance-norm-dropout", "[4, 3, 5]", """
                {"name": "n", "op": "instance_norm", "inputs": ["x"]},
                {"name": "d", "op": "dropout", "inputs": ["n"], "attrs": {"p": 0.3, "seed": 2}},
                {"name": "flat", "op": "reshape", "inputs": ["d"], "attrs": {"shape": [4, 15]}},
                {"name": "h", "op": "linear", "inputs": ["flat", "W"]},
                {"name": "loss", "op": "cross_entropy", "inputs": ["h", "y"]}""", "[3, 15]", "[4]");
        BatchIndependenceReport r = check(m, 0);
        assertEquals("pass", r.status(), r::toText);
        assertEquals(4, r.nodesChecked(), r::toText);
        assertEquals(List.of(), r.byDesign());
    }

    @Test
    void aBatchOfOneOrNoBatchedInputIsNotApplicable() throws IOException {
        Model one = write("batch-of-one", "[1, 4]", """
                {"name": "h", "op": "linear", "inputs": ["x", "W"]},
                {"name": "loss", "op": "cross_entropy", "inputs": ["h", "y"]}""", "[3, 4]", "[1]");
        BatchIndependenceReport r = check(one, 0);
        assertEquals("skipped", r.status());
        assertEquals("not applicable: a batch of 1 (x [1, 4], dim 0)", r.detail());
        BatchIndependenceReport beyond = check(one, 2);
        assertEquals("skipped", beyond.status());
        assertTrue(beyond.detail().startsWith("not applicable: no input fed through the model has a dimension 2"),
                beyond::detail);
    }

    @Test
    void theLibraryCallOnTheCallersOwnGraph() {
        SplittableRandom rng = new SplittableRandom(7);
        Tensor x = Tensor.randn(rng, 6, 4).requiresGrad();
        Tensor w = Tensor.randn(rng, 4, 3);
        HealthMonitor monitor = new HealthMonitor(FlowOptions.defaults());
        Tensor h = x.matmul(w).tanh();
        Tensor logits = h.matmul(Tensor.randn(rng, 3, 2));
        BatchIndependenceReport ok = monitor.checkBatchIndependence(Map.of("x", x), Map.of("h", h), logits, 0);
        assertEquals("pass", ok.status(), ok::toText);
        assertEquals(2, ok.nodesChecked());

        Map<String, Tensor> layers = new LinkedHashMap<>();
        layers.put("h", h);
        Tensor centred = h.sub(h.mean(0, true));
        layers.put("centred", centred);
        BatchIndependenceReport bad = monitor.checkBatchIndependence(Map.of("x", x), layers,
                centred.matmul(Tensor.randn(rng, 3, 2)), 0);
        assertEquals("fail", bad.status(), bad::toText);
        assertEquals("centred", bad.mixing().node());
        assertEquals("sub", bad.mixing().op());

        Map<String, Tensor> bnLayers = new LinkedHashMap<>();
        Tensor bn = Ops.apply("batch_norm", Attrs.EMPTY, h);
        bnLayers.put("h", h);
        bnLayers.put("bn", bn);
        BatchIndependenceReport design = monitor.checkBatchIndependence(Map.of("x", x), bnLayers,
                bn.relu().matmul(Tensor.randn(rng, 3, 2)), 0);
        assertEquals("pass", design.status(), design::toText);
        assertEquals("bn", design.byDesign().get(0).node());
        assertNull(design.mixing());

        assertThrows(IllegalArgumentException.class,
                () -> monitor.checkBatchIndependence(Map.of("h", h), Map.of(), logits, 0), "h is no leaf");
    }

    /** A model with input x of {@code xShape}, param W, int64 target y (or none) and the given nodes. */
    private Model write(String name, String xShape, String nodes, String wShape, String yShape) throws IOException {
        Path file = dir.resolve(name + ".json");
        Files.writeString(file, """
                {"format": "gradcheck-model/1", "name": "%s", "seed": 1,
                 "inputs": {"x": {"shape": %s, "init": {"normal": {"std": 1}}}%s},
                 "params": {"W": {"shape": %s, "init": {"normal": {"std": 0.5}}}},
                 "nodes": [%s],
                 "output": "loss"}
                """.formatted(name, xShape, yShape == null ? ""
                        : ", \"y\": {\"shape\": " + yShape + ", \"dtype\": \"int64\", \"init\": {\"randint\": "
                                + "{\"low\": 0, \"high\": 3}}}", wShape, nodes));
        return ModelLoader.load(file);
    }
}

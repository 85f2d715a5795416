package dev.gradcheck.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SanityTest {
    private static final Model TINY = ModelLoader.load(Path.of("../examples/tiny-mlp.json"));

    static Stream<Path> examples() {
        return SickModels.examples().stream();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void shippedExamplesPass(Path example) {
        Model m = ModelLoader.load(example);
        SanityReport r = Sanity.run(m, m.initialValues(), SanityOptions.defaults());
        assertTrue(r.passed(), () -> example + ":\n" + r.toText());
    }

    @Test
    void tinyMlpChecksWithNumbers() {
        SanityReport r = Sanity.run(TINY, TINY.initialValues(), SanityOptions.defaults());
        assertEquals(List.of("init_loss", "overfit", "zero_input", "learning_rate", "batch_independence"),
                r.checks().stream().map(SanityCheck::name).toList());
        assertTrue(r.check("init_loss").detail().contains("-log(1/3) = 1.099"), r.check("init_loss").detail());
        assertEquals("pass", r.check("overfit").status(), r::toText);
        assertEquals("pass", r.check("batch_independence").status(), r::toText);
    }

    @Test
    void anOutputThatGoesNegativeIsNotJudgedAsALoss() {
        // the mean of a linear layer's outputs: training drives it below 0 without bound
        Model m = ModelLoader.parse("""
                {"format": "gradcheck-model/1", "name": "mean-out", "seed": 0,
                 "inputs": {"x": {"shape": [8, 4], "init": {"normal": {"std": 1}}}},
                 "params": {"W": {"shape": [4, 3], "init": {"normal": {"std": 0.5}}}},
                 "nodes": [{"name": "h", "op": "matmul", "inputs": ["x", "W"]},
                           {"name": "loss", "op": "mean", "inputs": ["h"]}],
                 "output": "loss"}""", Path.of("mean-out.json"), Path.of("."), dev.gradcheck.model.Limits.DEFAULT);
        SanityReport r = Sanity.run(m, m.initialValues(), SanityOptions.defaults().withSteps(50));
        for (String check : List.of("overfit", "zero_input")) {
            assertEquals("skipped", r.check(check).status(), r::toText);
            assertTrue(r.check(check).detail().contains("not a loss bounded below by 0"), r::toText);
        }
    }

    @Test
    void aMeanOverTheBatchFailsSanityNamingTheNode() {
        SanityReport r = Sanity.run(SickModels.broken("batch-mix"), SickModels.broken("batch-mix")
                .initialValues(), SanityOptions.defaults().withSteps(20));
        assertTrue(!r.passed(), r::toText);
        assertEquals("mu", r.batchIndependence().mixing().node());
        assertTrue(r.toText().contains("FAIL batch_independence: node 'mu' (mean, dim=0, keepdim=true) mixes samples"),
                r::toText);
        assertEquals("mu", r.toJson(0).get("checks").get(4).get("batch").get("mixing").get("node").asText());
    }

    @Test
    void aBatchNormModelPassesWithAnInformationalLine() {
        Model m = ModelLoader.load(Path.of("../examples/batchnorm-mlp.json"));
        SanityReport r = Sanity.run(m, m.initialValues(), SanityOptions.defaults().withSteps(20));
        assertEquals("pass", r.check("batch_independence").status(), r::toText);
        List<String> lines = r.toText().lines().toList();
        int at = lines.indexOf(r.check("batch_independence").line());
        assertTrue(lines.get(at + 1).startsWith("INFO batch_independence: node 'hn' (batch_norm) mixes samples by "
                + "design"), r::toText);
        assertEquals("batch_norm", r.toJson(0).get("checks").get(4).get("batch").get("by_design").get(0).get("op")
                .asText());
    }

    @Test
    void overconfidentInitFails() {
        Map<String, Tensor> v = new LinkedHashMap<>(TINY.initialValues());
        v.put("W2", v.get("W2").mul(200.0));
        SanityReport r = Sanity.run(TINY, v, SanityOptions.defaults());
        SanityCheck c = r.check("init_loss");
        assertEquals("fail", c.status(), c::line);
        assertTrue(c.detail().contains("overconfident"), c.detail());
    }

    @Test
    void divergingLearningRateIsFlaggedWithItsStep() {
        SanityOptions o = SanityOptions.defaults().withOptimizer("sgd", 200);
        SanityReport r = Sanity.run(TINY, TINY.initialValues(), o);
        SanityCheck c = r.check("learning_rate");
        assertEquals("fail", c.status(), r::toText);
        assertTrue(c.step() >= 1 && c.step() < 50, "diverged at step " + c.step());
        assertTrue(c.detail().contains("diverges at step " + c.step()), c.detail());
        assertEquals("fail", r.check("overfit").status());
    }

    @Test
    void deadModelCannotOverfitAndIgnoresItsInput() {
        Model m = SickModels.load("dead-relu");
        SanityReport r = Sanity.run(m, m.initialValues(), SanityOptions.defaults());
        assertEquals("fail", r.check("overfit").status(), r::toText);
        assertEquals("fail", r.check("zero_input").status(), r::toText);
        assertTrue(r.check("zero_input").detail().contains("with x zeroed"), r.check("zero_input").detail());
    }

    @Test
    void nanAtInitIsNotBlamedOnTheLearningRate() {
        Model m = SickModels.load("nan-forward");
        SanityReport r = Sanity.run(m, m.initialValues(), SanityOptions.defaults());
        SanityCheck c = r.check("learning_rate");
        assertEquals(0, c.step());
        assertTrue(c.detail().contains("not a learning-rate problem"), c.detail());
        assertEquals("skipped", r.check("init_loss").status(), "mean is no classification loss");
    }

    @Test
    void listenerIsCalledEveryStepAndValuesStayUntouched() {
        List<StepReport> seen = new ArrayList<>();
        Map<String, Tensor> values = TINY.initialValues();
        double[] w1 = values.get("W1").data();
        SanityOptions o = SanityOptions.defaults().withSteps(5).withListener(seen::add);
        Sanity.run(TINY, values, o);
        // 6 losses (before each of 5 updates and after the last) for each of the two runs
        assertEquals(12, seen.size(), seen::toString);
        assertEquals(List.of("overfit", "zero-input"), seen.stream().map(StepReport::run).distinct().toList());
        assertEquals(5, seen.get(5).step());
        assertTrue(seen.get(5).loss() < seen.get(0).loss(), seen::toString);
        assertEquals(java.util.Arrays.toString(w1), java.util.Arrays.toString(values.get("W1").data()));
    }

    @Test
    void aTargetInALossWrittenOutIsNotZeroed(@org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
        // mean((x·Wᵀ + b - t)²) as an ONNX export writes mse: t meets no parameter on its way to the loss
        Path file = dir.resolve("written-out-mse.json");
        java.nio.file.Files.writeString(file, """
                {"format": "gradcheck-model/1", "name": "written-out-mse", "seed": 1,
                 "inputs": {"x": {"shape": [5, 3], "init": {"normal": {"std": 1}}},
                            "t": {"shape": [5, 2], "init": {"normal": {"std": 1}}}},
                 "params": {"W": {"shape": [2, 3], "init": {"normal": {"std": 0.5}}},
                            "b": {"shape": [2], "init": "zeros"}},
                 "nodes": [{"name": "h", "op": "linear", "inputs": ["x", "W", "b"]},
                           {"name": "d", "op": "sub", "inputs": ["h", "t"]},
                           {"name": "sq", "op": "mul", "inputs": ["d", "d"]},
                           {"name": "loss", "op": "mean", "inputs": ["sq"]}],
                 "output": "loss"}
                """);
        Model m = ModelLoader.load(file);
        assertEquals(List.of("x"), Sanity.dataInputs(m), "t is compared with the prediction, x is fed through W");
        SanityReport r = Sanity.run(m, m.initialValues(), SanityOptions.defaults());
        assertTrue(r.check("zero_input").detail().contains("with x zeroed"), r::toText);
    }

    @Test
    void regressionTargetIsNotZeroed() {
        Model m = ModelLoader.load(Path.of("../examples/sequential-regression.json"));
        assertEquals(List.of("x"), Sanity.dataInputs(m), "y is the loss's target");
    }
}

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

    /** An MLP on x [6, 4] ending in {@code loss} (its JSON) of the logits z [6, 3] and the float target p [6, 3]. */
    private static Model softTargets(String loss) {
        return ModelLoader.parse("""
                {"format": "gradcheck-model/1", "name": "soft", "seed": 1,
                 "inputs": {"x": {"shape": [6, 4], "init": {"normal": {"std": 1}}},
                            "p": {"shape": [6, 3], "init": {"uniform": {"low": 0, "high": 1}}}},
                 "params": {"W1": {"shape": [4, 16], "init": {"normal": {"std": 0.5}}}, "b1": {"shape": [16], "init": "zeros"},
                            "W2": {"shape": [16, 3], "init": {"normal": {"std": 0.1}}}, "b2": {"shape": [3], "init": "zeros"}},
                 "nodes": [{"name": "h0", "op": "matmul", "inputs": ["x", "W1"]}, {"name": "h1", "op": "add", "inputs": ["h0", "b1"]},
                           {"name": "h", "op": "tanh", "inputs": ["h1"]}, {"name": "z0", "op": "matmul", "inputs": ["h", "W2"]},
                           {"name": "z", "op": "add", "inputs": ["z0", "b2"]},
                           %s],
                 "output": "loss"}""".formatted(loss), Path.of("soft.json"), Path.of("."),
                dev.gradcheck.model.Limits.DEFAULT);
    }

    /** Each row of a [6, 3] softmax of fixed normal draws: class probabilities. */
    private static double[] softLabels() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
        double[] p = new double[18];
        for (int r = 0; r < 6; r++) {
            double sum = 0;
            for (int c = 0; c < 3; c++) {
                p[r * 3 + c] = Math.exp(2 * (rng.nextDouble() - 0.5) * 2);
                sum += p[r * 3 + c];
            }
            for (int c = 0; c < 3; c++) {
                p[r * 3 + c] /= sum;
            }
        }
        return p;
    }

    /** The floor stated in a sanity detail ("from the floor F to"). */
    private static double statedFloor(String detail) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("from the floor ([0-9.e+-]+) to").matcher(detail);
        assertTrue(m.find(), detail);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void softLabelsAreJudgedAboveTheFloorTheirEntropySets() {
        Model m = softTargets("{\"name\": \"loss\", \"op\": \"cross_entropy\", \"inputs\": [\"z\", \"p\"]}");
        double[] p = softLabels();
        Map<String, Tensor> v = new LinkedHashMap<>(m.initialValues());
        v.put("p", Tensor.of(p, 6, 3));
        double entropy = 0;
        for (double q : p) {
            entropy -= q * Math.log(q) / 6;
        }
        SanityReport r = Sanity.run(m, v, SanityOptions.defaults());
        assertTrue(r.passed(), r::toText);
        assertEquals(entropy, statedFloor(r.check("overfit").detail()), 1e-3, r::toText);
        assertTrue(r.check("zero_input").detail().contains("above the floor"), r::toText);

        // the floor does not excuse a run that cannot learn: a learning rate far too small still fails
        SanityReport slow = Sanity.run(m, v, SanityOptions.defaults().withOptimizer("adam", 1e-5));
        assertEquals("fail", slow.check("overfit").status(), slow::toText);
    }

    @Test
    void softBinaryTargetsAndLabelSmoothingHaveTheirFloorsToo() {
        Model bce = softTargets("{\"name\": \"loss\", \"op\": \"binary_cross_entropy_with_logits\", "
                + "\"inputs\": [\"z\", \"p\"]}");
        Map<String, Tensor> v = new LinkedHashMap<>(bce.initialValues());
        v.put("p", Tensor.of(softLabels(), 6, 3));
        SanityReport r = Sanity.run(bce, v, SanityOptions.defaults());
        assertEquals("pass", r.check("overfit").status(), r::toText);
        assertTrue(statedFloor(r.check("overfit").detail()) > 0.3, r::toText);

        Model smooth = ModelLoader.parse(TINY_WITH_SMOOTHING, Path.of("smooth.json"), Path.of("."),
                dev.gradcheck.model.Limits.DEFAULT);
        SanityReport s = Sanity.run(smooth, smooth.initialValues(), SanityOptions.defaults());
        assertEquals("pass", s.check("overfit").status(), s::toText);
        assertTrue(statedFloor(s.check("overfit").detail()) > 0.1, s::toText);
    }

    @Test
    void softTargetsThatAreNotProbabilitiesAreNamedNotBlamedOnTheModel() {
        Model m = softTargets("{\"name\": \"loss\", \"op\": \"cross_entropy\", \"inputs\": [\"z\", \"p\"]}");
        double[] p = softLabels();
        for (int k = 0; k < p.length; k++) {
            p[k] -= 0.3; // some entries negative: PyTorch computes the loss anyway
        }
        Map<String, Tensor> v = new LinkedHashMap<>(m.initialValues());
        v.put("p", Tensor.of(p, 6, 3));
        SanityReport r = Sanity.run(m, v, SanityOptions.defaults());
        assertEquals("skipped", r.check("init_loss").status(), r::toText);
        assertTrue(r.check("init_loss").detail().startsWith("target 'p' holds -"), r::toText);
        assertTrue(r.check("init_loss").detail().contains("not a probability"), r::toText);
        assertEquals("skipped", r.check("overfit").status(), r::toText);
        assertTrue(r.check("overfit").detail().contains("because target 'p' holds -"), r::toText);
        assertTrue(r.check("overfit").detail().contains("give class probabilities"), r::toText);

        double[] twice = softLabels();
        for (int k = 0; k < twice.length; k++) {
            twice[k] *= 2;
        }
        v.put("p", Tensor.of(twice, 6, 3));
        SanityReport sums = Sanity.run(m, v, SanityOptions.defaults().withSteps(20));
        assertTrue(sums.check("init_loss").detail().startsWith("target 'p' sums to 2 over the 3 classes"), sums::toText);
    }

    /** Hard class targets keep the plain wording: their floor is 0. */
    @Test
    void classIndicesHaveNoFloor() {
        SanityReport r = Sanity.run(TINY, TINY.initialValues(), SanityOptions.defaults());
        assertTrue(r.check("overfit").detail().contains("= 10% of the initial loss)"), r::toText);
        assertTrue(r.check("zero_input").detail().contains("(target: at most 50% of it)"), r::toText);
    }

    private static final String TINY_WITH_SMOOTHING = """
            {"format": "gradcheck-model/1", "name": "smooth", "seed": 3,
             "inputs": {"x": {"shape": [8, 4], "init": {"normal": {"std": 1}}},
                        "y": {"shape": [8], "dtype": "int64", "init": {"randint": {"low": 0, "high": 3}}}},
             "params": {"W": {"shape": [4, 16], "init": {"normal": {"std": 0.5}}},
                        "V": {"shape": [16, 3], "init": {"normal": {"std": 0.1}}}},
             "nodes": [{"name": "h0", "op": "matmul", "inputs": ["x", "W"]}, {"name": "h", "op": "tanh", "inputs": ["h0"]},
                       {"name": "z", "op": "matmul", "inputs": ["h", "V"]},
                       {"name": "loss", "op": "cross_entropy", "inputs": ["z", "y"], "attrs": {"label_smoothing": 0.2}}],
             "output": "loss"}""";

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
    void aLossWithoutATargetSkipsTheZeroedInputBaseline() {
        // a mean of squares of the output: the params alone drive it to 0 with x zeroed
        Model m = ModelLoader.parse("""
                {"format": "gradcheck-model/1", "name": "no-target", "seed": 0,
                 "inputs": {"x": {"shape": [8, 4], "init": {"normal": {"std": 1}}}},
                 "params": {"W": {"shape": [4, 3], "init": {"normal": {"std": 0.5}}},
                            "b": {"shape": [3], "init": {"normal": {"std": 0.5}}}},
                 "nodes": [{"name": "h", "op": "matmul", "inputs": ["x", "W"]},
                           {"name": "z", "op": "add", "inputs": ["h", "b"]},
                           {"name": "sq", "op": "mul", "inputs": ["z", "z"]},
                           {"name": "loss", "op": "mean", "inputs": ["sq"]}],
                 "output": "loss"}""", Path.of("no-target.json"), Path.of("."), dev.gradcheck.model.Limits.DEFAULT);
        SanityReport r = Sanity.run(m, m.initialValues(), SanityOptions.defaults().withSteps(100));
        assertEquals("skipped", r.check("zero_input").status(), r::toText);
        assertTrue(r.check("zero_input").detail().contains("compares the output with no target (every input besides"
                + " the params is data: x)"), r::toText);
        assertTrue(r.passed(), r::toText);
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

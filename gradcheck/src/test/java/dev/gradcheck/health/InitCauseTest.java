package dev.gradcheck.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.Limits;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A weight initialised far off its scale inflates (or shrinks) the gradients of every layer it
 * reaches: the activations after it, and through backprop the gradients before it. The
 * update:data findings it explains name that init as their cause, never the learning rate, on
 * several architectures and whichever layer carries the bad init; a param it does not reach (a
 * parallel branch), and a correct init with a learning rate too high, still get the rate advice.
 */
class InitCauseTest {
    private static final String LR_ADVICE = "the learning rate is too";

    /** A chain of {@code widths.length - 1} layers on a batch of 32, cross-entropy over the last width. */
    static Model chain(String layout, String activation, int... widths) {
        StringBuilder params = new StringBuilder();
        StringBuilder nodes = new StringBuilder();
        String h = "x";
        for (int k = 1; k < widths.length; k++) {
            int in = widths[k - 1];
            int out = widths[k];
            String std = String.format(Locale.ROOT, "%.6f", Math.sqrt(2.0 / in));
            boolean linear = layout.equals("linear");
            String w = linear ? "l" + k + ".weight" : "W" + k;
            String b = linear ? "l" + k + ".bias" : "b" + k;
            params.append(String.format(Locale.ROOT, "\"%s\": {\"shape\": %s, \"init\": {\"normal\": {\"std\": %s}}}, "
                    + "\"%s\": {\"shape\": [%d], \"init\": \"zeros\"},", w, linear ? "[" + out + ", " + in + "]"
                    : "[" + in + ", " + out + "]", std, b, out));
            String z = "z" + k;
            if (linear) {
                nodes.append(String.format(Locale.ROOT, "{\"name\": \"%s\", \"op\": \"linear\", \"inputs\": [\"%s\", "
                        + "\"%s\", \"%s\"]},", z, h, w, b));
            } else {
                nodes.append(String.format(Locale.ROOT, "{\"name\": \"m%d\", \"op\": \"matmul\", \"inputs\": [\"%s\", "
                        + "\"%s\"]}, {\"name\": \"%s\", \"op\": \"add\", \"inputs\": [\"m%d\", \"%s\"]},", k, h, w, z, k, b));
            }
            h = z;
            if (k < widths.length - 1) {
                nodes.append(String.format(Locale.ROOT, "{\"name\": \"h%d\", \"op\": \"%s\", \"inputs\": [\"%s\"]},", k,
                        activation, z));
                h = "h" + k;
            }
        }
        String json = String.format(Locale.ROOT, """
                {"format": "gradcheck-model/1", "name": "chain", "seed": 3,
                 "inputs": {"x": {"shape": [32, %d], "init": {"normal": {"std": 1}}},
                            "y": {"shape": [32], "dtype": "int64", "init": {"randint": {"low": 0, "high": %d}}}},
                 "params": {%s},
                 "nodes": [%s {"name": "loss", "op": "cross_entropy", "inputs": ["%s", "y"]}],
                 "output": "loss"}
                """, widths[0], widths[widths.length - 1], params.substring(0, params.length() - 1), nodes, h);
        return parse(json);
    }

    /** Two towers from x, summed into the logits: a bad init in one reaches nothing of the other. */
    static Model towers() {
        return parse("""
                {"format": "gradcheck-model/1", "name": "towers", "seed": 4,
                 "inputs": {"x": {"shape": [32, 8], "init": {"normal": {"std": 1}}},
                            "y": {"shape": [32], "dtype": "int64", "init": {"randint": {"low": 0, "high": 4}}}},
                 "params": {"Wa": {"shape": [8, 16], "init": {"normal": {"std": 0.5}}},
                            "Va": {"shape": [16, 4], "init": {"normal": {"std": 0.35}}},
                            "Wb": {"shape": [8, 16], "init": {"normal": {"std": 0.5}}},
                            "Vb": {"shape": [16, 4], "init": {"normal": {"std": 0.35}}}},
                 "nodes": [{"name": "za", "op": "matmul", "inputs": ["x", "Wa"]},
                           {"name": "ha", "op": "relu", "inputs": ["za"]},
                           {"name": "oa", "op": "matmul", "inputs": ["ha", "Va"]},
                           {"name": "zb", "op": "matmul", "inputs": ["x", "Wb"]},
                           {"name": "hb", "op": "relu", "inputs": ["zb"]},
                           {"name": "ob", "op": "matmul", "inputs": ["hb", "Vb"]},
                           {"name": "logits", "op": "add", "inputs": ["oa", "ob"]},
                           {"name": "loss", "op": "cross_entropy", "inputs": ["logits", "y"]}],
                 "output": "loss"}
                """);
    }

    /** A residual block: h + relu(h W2), between two layers. */
    static Model residual() {
        return parse("""
                {"format": "gradcheck-model/1", "name": "residual", "seed": 5,
                 "inputs": {"x": {"shape": [32, 8], "init": {"normal": {"std": 1}}},
                            "y": {"shape": [32], "dtype": "int64", "init": {"randint": {"low": 0, "high": 4}}}},
                 "params": {"W1": {"shape": [8, 16], "init": {"normal": {"std": 0.5}}},
                            "W2": {"shape": [16, 16], "init": {"normal": {"std": 0.35}}},
                            "W3": {"shape": [16, 4], "init": {"normal": {"std": 0.35}}}},
                 "nodes": [{"name": "z1", "op": "matmul", "inputs": ["x", "W1"]},
                           {"name": "h1", "op": "relu", "inputs": ["z1"]},
                           {"name": "z2", "op": "matmul", "inputs": ["h1", "W2"]},
                           {"name": "h2", "op": "relu", "inputs": ["z2"]},
                           {"name": "r", "op": "add", "inputs": ["h1", "h2"]},
                           {"name": "logits", "op": "matmul", "inputs": ["r", "W3"]},
                           {"name": "loss", "op": "cross_entropy", "inputs": ["logits", "y"]}],
                 "output": "loss"}
                """);
    }

    static Model parse(String json) {
        return ModelLoader.parse(json, Path.of("init-cause.json"), Path.of("."), Limits.DEFAULT);
    }

    static Model example(String name) {
        return ModelLoader.load(Path.of("../examples", name + ".json"));
    }

    /** Every weight (rank 2 or more) of every architecture, blown up by 1e6 or shrunk by 1e-7. */
    static Stream<Arguments> badInits() {
        List<Arguments> out = new ArrayList<>();
        Map<String, Model> models = new LinkedHashMap<>();
        models.put("relu chain, linear", chain("linear", "relu", 10, 20, 20, 4));
        models.put("relu chain, matmul", chain("matmul", "relu", 10, 24, 16, 3));
        models.put("tanh chain, matmul", chain("matmul", "tanh", 6, 16, 16, 3));
        models.put("residual", residual());
        models.put("small-cnn", example("small-cnn"));
        models.put("tiny-mlp", example("tiny-mlp"));
        models.forEach((name, m) -> {
            for (String p : m.paramNames()) {
                if (m.shape(p).rank() >= 2) {
                    out.add(Arguments.of(name, m, p, 1e6));
                    out.add(Arguments.of(name, m, p, 1e-7));
                }
            }
        });
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {2} x {3}")
    @MethodSource("badInits")
    void findingsABadInitExplainsNameItNotTheLearningRate(String arch, Model m, String bad, double factor) {
        Map<String, Tensor> v = new LinkedHashMap<>(m.initialValues());
        v.put(bad, v.get(bad).mul(factor));
        for (double lr : new double[] {1e-4, 1e-3, 1e-2}) {
            FlowReport r = Flow.run(m, v, FlowOptions.defaults().withLr(lr));
            String report = arch + ", " + bad + " x " + factor + ", lr " + lr + "\n" + r.toText();
            List<Flag> init = r.flags(FlagKind.INIT_SCALE);
            assertEquals(1, init.size(), report);
            assertTrue(init.get(0).detail().startsWith("param '" + bad + "' "), report);
            for (Flag f : r.flags()) {
                assertFalse(f.detail().contains(LR_ADVICE), "learning-rate advice the init explains: " + report);
                if (isRatio(f)) {
                    assertTrue(f.detail().contains("not the learning rate's doing: the init of param '" + bad + "'"),
                            report);
                }
            }
        }
    }

    @Test
    void aBlownUpWeightInflatesTheRatiosAfterItAndThroughBackpropTheOnesBeforeIt() {
        Model m = chain("linear", "relu", 10, 20, 20, 4);
        // the middle weight: the last layer's input and the first layer's gradient are both 1e6 times larger
        Map<String, Tensor> v = new LinkedHashMap<>(m.initialValues());
        v.put("l2.weight", v.get("l2.weight").mul(1e6));
        FlowReport r = Flow.run(m, v, FlowOptions.defaults().withLr(1e-3));
        assertEquals(List.of("z1", "z3"), ratioPlaces(r), r.toText());
        Flag first = updateFlag(r, "z1");
        assertTrue(first.detail().startsWith("param 'l1.weight': update:data ratio 10^"), first.line());
        assertTrue(first.detail().endsWith(" (target 10^-3), not the learning rate's doing: the init of param "
                + "'l2.weight' (flagged init_scale at z2) scales, through backprop, the gradient that reaches it; fix "
                + "that init, then judge the learning rate"), first.line());
        assertTrue(updateFlag(r, "z3").detail().contains("the init of param 'l2.weight' (flagged init_scale at z2) "
                + "scales the activations that reach it"), r.toText());
    }

    @Test
    void aCorrectInitWithALearningRateTooHighStillGetsTheRateAdvice() {
        for (Model m : List.of(chain("linear", "relu", 10, 20, 20, 4), residual(), towers(), example("small-cnn"))) {
            FlowReport r = Flow.run(m, m.initialValues(), FlowOptions.defaults().withLr(20));
            assertEquals(List.of(), r.flags(FlagKind.INIT_SCALE), r::toText);
            List<Flag> ratios = r.flags().stream().filter(InitCauseTest::isRatio).toList();
            assertFalse(ratios.isEmpty(), r::toText);
            for (Flag f : ratios) {
                assertTrue(f.detail().endsWith(LR_ADVICE + " high for this param"), f.line());
            }
        }
    }

    @Test
    void aParallelBranchTheBadInitDoesNotReachKeepsItsLearningRateAdvice() {
        Model m = towers();
        Map<String, Tensor> v = new LinkedHashMap<>(m.initialValues());
        v.put("Wa", v.get("Wa").mul(1e6));
        FlowReport r = Flow.run(m, v, FlowOptions.defaults().withLr(20));
        String text = r.toText();
        assertTrue(updateFlag(r, "oa").detail().contains("param 'Va'") && updateFlag(r, "oa").detail()
                .contains("not the learning rate's doing: the init of param 'Wa' (flagged init_scale at za) scales the "
                        + "activations that reach it"), text);
        for (String tower : List.of("zb", "ob")) {
            assertTrue(updateFlag(r, tower).detail().endsWith(LR_ADVICE + " high for this param"), text);
        }
    }

    @Test
    void aWeightLeftOutOfWrtIsStillJudgedAndNamedAsTheCause() {
        Model m = example("tiny-mlp");
        Map<String, Tensor> v = new LinkedHashMap<>(m.initialValues());
        v.put("W2", v.get("W2").mul(4e6));
        FlowReport r = Flow.run(m, v, List.of("W1"), FlowOptions.defaults().withLr(1e-4));
        assertEquals("z2", r.flags(FlagKind.INIT_SCALE).get(0).place(), r::toText);
        assertTrue(updateFlag(r, "z1").detail().contains("not the learning rate's doing: the init of param 'W2' "
                + "(flagged init_scale at z2) scales, through backprop, the gradient that reaches it"), r::toText);
    }

    @Test
    void overTrainingStepsTheInitStaysTheCauseWhileTheWeightStaysOffScale() {
        Model m = chain("linear", "relu", 10, 20, 20, 4);
        Map<String, Tensor> v = new LinkedHashMap<>(m.initialValues());
        v.put("l1.weight", v.get("l1.weight").mul(1e6));
        for (double lr : new double[] {1e-9, 1e-3}) {
            FlowHistory h = FlowHistory.train(m, v, m.paramNames(), FlowOptions.defaults().withLr(lr), 5);
            for (StepFlag f : h.flagsByStep()) {
                assertFalse(f.flag().detail().contains(LR_ADVICE), "lr " + lr + ": " + h.toText());
                assertFalse(f.flag().detail().contains("lower the learning rate"), "lr " + lr + ": " + h.toText());
            }
            for (FlowReport step : h.steps()) {
                for (Flag f : step.flags()) {
                    assertFalse(f.detail().contains(LR_ADVICE), "lr " + lr + ": " + h.toText());
                }
            }
        }
    }

    @Test
    void withoutAGraphEveryRatioIsTakenAsReachedByTheBadInit() {
        Tensor w1 = Tensor.of(new double[] {3e5, -2e5, 1e5, 4e5, -3e5, 2e5}, 3, 2).requiresGrad();
        Tensor w2 = Tensor.of(new double[] {0.5, -0.4, 0.3, 0.6}, 2, 2).requiresGrad();
        Tensor x = Tensor.of(new double[] {1, 0.5, -1, 0.2, 0.3, -0.7}, 2, 3);
        Tensor h = x.matmul(w1).relu();
        Tensor loss = h.matmul(w2).pow(2).mean();
        LinkedHashMap<String, Tensor> layers = new LinkedHashMap<>();
        layers.put("h", h);
        FlowReport r = new HealthMonitor(FlowOptions.defaults().withLr(1e-3)).observe(0, loss, layers,
                Map.of("w1", w1, "w2", w2));
        assertEquals(1, r.flags(FlagKind.INIT_SCALE).size(), r::toText);
        List<Flag> ratios = r.flags().stream().filter(InitCauseTest::isRatio).toList();
        assertFalse(ratios.isEmpty(), r::toText);
        for (Flag f : ratios) {
            assertTrue(f.detail().contains("not the learning rate's doing: the init of param 'w1'"), f.line());
        }
    }

    /** An update:data finding (the init_scale flag's own words mention such ratios too). */
    private static boolean isRatio(Flag f) {
        return f.detail().contains(": update:data ratio 10^");
    }

    private static List<String> ratioPlaces(FlowReport r) {
        return r.flags().stream().filter(InitCauseTest::isRatio).map(Flag::place).toList();
    }

    private static Flag updateFlag(FlowReport r, String place) {
        return r.flags().stream().filter(f -> f.place().equals(place) && isRatio(f)).findFirst()
                .orElseThrow(() -> new AssertionError("no update:data flag at " + place + "\n" + r.toText()));
    }
}

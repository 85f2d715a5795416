package dev.gradcheck.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcheck.engine.Functional;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A training run's findings name the real cause: a weight that training blew up is a divergence
 * at the step it happened, never a bad init, and a diverged run gets no "learning rate too low".
 */
class FlowHistoryTest {
    private static final Model TINY = ModelLoader.load(Path.of("../examples/tiny-mlp.json"));

    /**
     * Tester 16, finding 11: a run's {@code elapsed_ms} was the first analysis's alone (24.8 ms for
     * a 3 s run of 2000 steps). It is the whole run's: every analysis and every training step.
     */
    @Test
    void elapsedMsCoversTheWholeTrainingRun() {
        FlowHistory h = FlowHistory.train(TINY, TINY.initialValues(), TINY.paramNames(),
                FlowOptions.defaults().withLr(0.01), 30);
        double analyses = h.steps().stream().mapToDouble(FlowReport::elapsedMs).sum();
        double reported = h.toJson(0).get("elapsed_ms").asDouble();
        assertEquals(h.elapsedMs(), reported);
        assertTrue(reported >= analyses, "the whole run (" + reported + " ms) holds its 31 analyses (" + analyses
                + " ms)");
    }

    @Test
    void aWeightBlownUpByTrainingIsADivergenceAtItsStepNotABadInit() {
        // W1 and W2 are initialised normally; at lr 500 the first step multiplies the loss by ~160, W2's scale by ~360
        FlowHistory h = FlowHistory.train(TINY, TINY.initialValues(), TINY.paramNames(),
                FlowOptions.defaults().withLr(500), 8);
        assertEquals(8, h.trained());
        for (FlowReport r : h.steps()) {
            assertEquals(List.of(), r.flags(FlagKind.INIT_SCALE), "only step 0 is an init to judge:\n" + h.toText());
        }
        List<StepFlag> diverged = h.flagsByStep().stream().filter(f -> f.flag().kind() == FlagKind.DIVERGED).toList();
        assertEquals(1, diverged.size(), h::toText);
        StepFlag d = diverged.get(0);
        assertEquals(1, d.step(), h::toText);
        assertTrue(d.flag().line().startsWith("FLAG diverged loss: at step 1: training diverged: the loss went from "
                + "1.141 at step 0 to 185.7 (162.8x) and param 'W2' [16, 3] grew from root mean square 0.1323 at step 0 "
                + "to 47.85 (361.8x); plain SGD at lr 500 takes steps too large"), d.flag().line());
        assertTrue(h.toText().contains("\n" + d.flag().line() + "\n"), h::toText);
        // the loss at step 8 is finite; b2's update:data ratio there is ~1e-119: no advice to raise the lr
        for (int s = 2; s < h.steps().size(); s++) {
            for (Flag f : h.steps().get(s).flags()) {
                assertFalse(f.detail().contains("update:data"), "step " + s + " after the divergence: " + f.line());
            }
        }
        for (Flag f : h.newFlags()) {
            assertFalse(f.detail().contains("learning rate is too low"), f.line());
        }
    }

    @Test
    void aLossThatRisesFourfoldIsADivergenceEvenBeforeTheParamsHaveGrownAHundredfold() {
        FlowHistory h = FlowHistory.train(TINY, TINY.initialValues(), TINY.paramNames(),
                FlowOptions.defaults().withLr(50), 8);
        List<StepFlag> diverged = h.flagsByStep().stream().filter(f -> f.flag().kind() == FlagKind.DIVERGED).toList();
        assertEquals(1, diverged.size(), h::toText);
        assertEquals(1, diverged.get(0).step(), h::toText);
        assertEquals("loss", diverged.get(0).flag().place(), "on the loss alone: at its node");
        assertTrue(diverged.get(0).flag().detail().contains("the loss went from 1.141 at step 0 to 6.289 (5.512x) and "
                + "param 'W2' [16, 3] grew from root mean square 0.1323 at step 0 to 4.773 (36.09x)"),
                diverged.get(0).flag().line());
        for (Flag f : h.newFlags()) {
            assertFalse(f.detail().contains("learning rate is too low"), f.line());
        }
    }

    @Test
    void aParamBlownUpIsADivergenceButATinyOneGrowingIsNot() {
        Map<String, Tensor> start = Map.of("W", Tensor.of(new double[] {0.5, -0.5, 0.5, -0.5}, 2, 2),
                "b", Tensor.of(new double[] {1e-3, -1e-3}, 2));
        Divergence d = new Divergence(start, 1.0, 0.1);
        Map<String, String> layers = Map.of("W", "z", "b", "a");
        Map<String, Tensor> grown = Map.of("W", Tensor.of(new double[] {80, -80, 80, -80}, 2, 2),
                "b", Tensor.of(new double[] {0.5, -0.5}, 2));
        assertEquals(null, d.at(3, grown, 2.0, layers, "loss", java.util.Set.of()),
                "W 160x but still below 100, b 500x but small, the loss 2x: not diverged");
        Map<String, Tensor> blown = Map.of("W", Tensor.of(new double[] {120, -120, 120, -120}, 2, 2), "b",
                start.get("b"));
        Flag f = d.at(3, blown, 2.0, layers, "loss", java.util.Set.of());
        assertEquals("FLAG diverged z: training diverged: param 'W' [2, 2] grew from root mean square 0.5 at step 0 to "
                + "120 (240x), and the loss went from 1 at step 0 to 2 (2x); plain SGD at lr 0.1 takes steps too large "
                + "for this model: lower the learning rate. What is flagged after step 3 follows from the divergence; no "
                + "learning-rate advice is given after it", f.line());
        Map<String, Tensor> nan = Map.of("W", start.get("W"), "b", Tensor.of(new double[] {Double.NaN, 0}, 2));
        assertTrue(d.at(1, nan, 1.0, layers, "loss", java.util.Set.of()).detail()
                .startsWith("training diverged: param 'b' [2] is no longer finite"));
    }

    @Test
    void biasesThatStartAtZeroGiveNoLearningRateAdviceAfterTheirFirstSteps() {
        // after one step a zero-init bias is -lr * g: its update:data ratio is 1 (10^0) whatever the learning rate
        FlowHistory ok = FlowHistory.train(TINY, TINY.initialValues(), TINY.paramNames(),
                FlowOptions.defaults().withLr(0.01), 3);
        assertTrue(ok.healthy(), "no flag at lr 0.01, as without --steps:\n" + ok.toText());
        FlowHistory low = FlowHistory.train(TINY, TINY.initialValues(), TINY.paramNames(),
                FlowOptions.defaults().withLr(0.001), 3);
        List<StepFlag> flags = low.flagsByStep();
        assertEquals(1, flags.size(), low::toText);
        assertEquals(0, flags.get(0).step());
        assertTrue(flags.get(0).flag().detail().startsWith("param 'W1': update:data ratio 10^-4.12")
                && flags.get(0).flag().detail().endsWith("the learning rate is too low for this param"), low::toText);
        for (FlowReport r : low.steps()) {
            for (Flag f : r.flags()) {
                assertFalse(f.detail().contains("too high"), "one run, contradictory advice: " + f.line());
            }
        }
    }

    @Test
    void aParamWithinRoundingOfZeroGivesNoLearningRateAdvice() {
        Map<String, Tensor> v = new LinkedHashMap<>(TINY.initialValues());
        v.put("b1", v.get("b1").add(1e-150)); // one step of lr * grad wipes it out: its ratio is ~1e145
        FlowReport r = Flow.run(TINY, v, FlowOptions.defaults().withLr(0.01));
        assertTrue(r.params().get(1).updateDataRatio() > 1e140, r::toText);
        for (Flag f : r.flags()) {
            assertFalse(f.detail().contains("param 'b1'"), f.line());
        }
        v.put("b1", v.get("b1").add(0.3)); // a bias with a scale of its own: judged
        FlowReport judged = Flow.run(TINY, v, FlowOptions.defaults().withLr(1e-5));
        assertTrue(judged.flags().stream().anyMatch(f -> f.detail().startsWith("param 'b1': update:data ratio")
                && f.detail().endsWith("the learning rate is too low for this param")), judged::toText);
    }

    @Test
    void theStepThatDivergesGivesNoLearningRateAdviceEither() {
        FlowHistory h = FlowHistory.train(TINY, TINY.initialValues(), TINY.paramNames(),
                FlowOptions.defaults().withLr(500), 3);
        FlowReport step1 = h.steps().get(1);
        assertEquals(FlagKind.DIVERGED, step1.flags().get(0).kind(), h::toText);
        for (Flag f : step1.flags()) {
            assertFalse(f.detail().contains(": update:data ratio"), "after 'no learning-rate advice is given after it': "
                    + f.line());
        }
        for (Flag f : h.newFlags()) {
            assertFalse(f.detail().contains("the learning rate is too"), f.line());
        }
    }

    @Test
    void aRunThatLowersItsLossDoesNotDiverge() {
        FlowHistory h = FlowHistory.train(TINY, TINY.initialValues(), TINY.paramNames(),
                FlowOptions.defaults().withLr(0.5), 10);
        assertTrue(h.steps().get(10).loss() < h.first().loss());
        assertTrue(h.flagsByStep().stream().noneMatch(f -> f.flag().kind() == FlagKind.DIVERGED), h::toText);
    }

    @Test
    void anInitFlaggedAtStepZeroKeepsExplainingItsUpdatesAndIsNotFlaggedAgain() {
        Map<String, Tensor> v = new LinkedHashMap<>(TINY.initialValues());
        v.put("W1", v.get("W1").mul(1e-6)); // its update:data ratio is far above the band at every step
        FlowHistory h = FlowHistory.train(TINY, v, TINY.paramNames(), FlowOptions.defaults().withLr(0.01), 3);
        assertTrue(h.flagsByStep().stream().noneMatch(f -> f.flag().kind() == FlagKind.DIVERGED),
                "a tiny weight growing to a normal scale is no divergence:\n" + h.toText());
        assertEquals(1, h.first().flags(FlagKind.INIT_SCALE).size(), h::toText);
        for (FlowReport r : h.steps().subList(1, h.steps().size())) {
            assertEquals(List.of(), r.flags(FlagKind.INIT_SCALE), h::toText);
            for (Flag f : r.flags()) {
                assertFalse(f.detail().contains("param 'W1': update:data"), "W1's ratio is the init's doing: " + f.line());
            }
        }
    }

    @Test
    void theStepTableLeavesOutTheLossOwnGradient() {
        FlowHistory h = FlowHistory.train(TINY, TINY.initialValues(), TINY.paramNames(),
                FlowOptions.defaults().withLr(0.5), 3);
        assertEquals("loss", h.first().output());
        String text = h.toText();
        List<String> rows = text.lines().filter(l -> l.matches("\\d +[0-9.e+-]+  .*")).toList();
        assertEquals(4, rows.size(), text);
        for (String row : rows) {
            // d loss / d loss is 1 at every step: it would be the "largest layer gradient" of every healthy run
            assertFalse(row.contains("loss 1 "), row);
            assertTrue(row.matches("\\d +[0-9.e+-]+  z1 [0-9.e+-]+ +(z2|h1) [0-9.e+-]+ +\\d+"), row);
        }
    }

    @Test
    void aNanGradientGivesNanRatiosNotMissingOnes() {
        Model m = ModelLoader.load(Path.of("../examples/broken/nan-producer.json"));
        FlowReport r = Flow.run(m, m.initialValues(), FlowOptions.defaults().withLr(0.01));
        String w1 = r.toText().lines().filter(l -> l.startsWith("W1 ")).findFirst().orElseThrow();
        assertTrue(w1.matches("W1 +z1 +\\[4, 16] +NaN +NaN +NaN +NaN +NaN"), "as the chart draws it: " + w1);
        String b1 = r.toText().lines().filter(l -> l.startsWith("b1 ")).findFirst().orElseThrow();
        assertTrue(b1.matches("b1 +a1 +\\[16] +NaN +NaN +NaN +- +-"), "all-zero values have no ratio: " + b1);
        JsonNode p = r.toJson(0).get("checks").get(0).get("params").get(0);
        assertEquals("W1", p.get("name").asText());
        assertEquals("NaN", p.get("grad_data_ratio").asText(), p.toString());
        assertEquals("NaN", p.get("update_data_ratio").asText(), p.toString());
        JsonNode b = r.toJson(0).get("checks").get(1).get("params").get(0);
        assertTrue(b.get("grad_data_ratio").isNull(), b.toString());
    }

    @Test
    void aMonitoredLoopJudgesTheInitAtStepZeroOnly() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor x = Tensor.randn(rng, 16, 4);
        Tensor y = Tensor.ofLongs(new long[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0}, 16);
        Tensor sane = Tensor.randn(rng, 4, 16).mul(0.5).detach().requiresGrad();
        Tensor huge = Tensor.randn(rng, 16, 3).mul(1e4).detach().requiresGrad(); // 100x+ off its fan-in's scale
        HealthMonitor health = new HealthMonitor(FlowOptions.defaults().withLr(0.01));
        for (int step = 0; step < 2; step++) {
            Tensor loss = Functional.crossEntropy(x.matmul(sane).tanh().matmul(huge), y);
            FlowReport r = health.observe(step, loss, Map.of(), Map.of("w1", sane, "w2", huge));
            assertEquals(step == 0 ? 1 : 0, r.flags(FlagKind.INIT_SCALE).size(), "step " + step + ":\n" + r.toText());
            for (Flag f : r.flags()) {
                assertFalse(f.detail().contains("param 'w2': update:data"), "w2's ratio is its init's doing: " + f);
            }
        }
    }
}

package dev.gradcheck.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcheck.CheckMonitor;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A deadline or Ctrl-C (a {@link CheckMonitor} that asks to stop) ends {@code sanity} and
 * {@code flow --steps} with what was done: the checks finished, the one whose training run was cut
 * short marked with its steps, the rest not checked.
 */
class StoppedRunsTest {
    private static final Model TINY = ModelLoader.load(Path.of("../examples/tiny-mlp.json"));

    /** Asks to stop from its {@code after}-th question on (every training step asks once). */
    private static CheckMonitor stopAfter(int after) {
        AtomicInteger asked = new AtomicInteger();
        return new CheckMonitor() {
            @Override
            public boolean stopRequested() {
                return asked.incrementAndGet() > after;
            }
        };
    }

    @Test
    void sanityStoppedInsideTheOverfitRunReportsTheChecksDoneAndTheStepsOfTheOneCut() {
        // asked once before the overfit run, then before each of its updates: 40 steps taken
        SanityReport r = Sanity.run(TINY, TINY.initialValues(), SanityOptions.defaults().withSteps(1000), stopAfter(41));
        assertTrue(r.incomplete(), r::toText);
        assertEquals(List.of("pass", "skipped", "skipped", "skipped", "skipped"),
                r.checks().stream().map(SanityCheck::status).toList(), r::toText);
        assertEquals(List.of("overfit", "learning_rate"), List.copyOf(r.cut().keySet()));
        assertEquals(new SanityReport.Steps(40, 1000), r.cut().get("overfit"));
        assertTrue(r.check("overfit").detail().startsWith("stopped after 40 of 1,000 adam steps at lr 0.03, before a "
                + "verdict (loss 1.141 -> "), r.check("overfit").detail());
        assertEquals("not checked: the run was stopped before it", r.check("zero_input").detail());
        assertEquals(1, r.done());
        assertTrue(r.toText().endsWith("sanity: stopped early, 1 of 5 checks done, none failed\n"), r::toText);
        JsonNode json = r.toJson(0);
        assertFalse(json.get("passed").asBoolean(), "an incomplete report has not passed");
        JsonNode overfit = json.get("checks").get(1);
        assertTrue(overfit.get("incomplete").asBoolean(), overfit.toString());
        assertEquals(40, overfit.get("steps_done").asInt());
        assertEquals(1000, overfit.get("steps_total").asInt());
        assertFalse(json.get("checks").get(2).has("incomplete"), "not begun is not cut");
    }

    @Test
    void sanityStoppedInsideTheZeroInputRunStillJudgesTheOverfitRun() {
        SanityReport whole = Sanity.run(TINY, TINY.initialValues(), SanityOptions.defaults().withSteps(100));
        // asked once before the overfit run and 100 times in it, once before the zeroed-input run: 28 steps of it
        SanityReport r = Sanity.run(TINY, TINY.initialValues(), SanityOptions.defaults().withSteps(100), stopAfter(130));
        assertTrue(r.incomplete());
        assertEquals(whole.check("overfit"), r.check("overfit"), "done before the stop: the same verdict");
        assertEquals(whole.check("learning_rate"), r.check("learning_rate"));
        assertEquals(new SanityReport.Steps(28, 100), r.cut().get("zero_input"), r::toText);
        assertEquals("skipped", r.check("batch_independence").status());
        assertEquals(3, r.done(), r::toText);
    }

    @Test
    void aRunNeverStoppedIsCompleteAndTheSameAsWithoutAMonitor() {
        SanityReport r = Sanity.run(TINY, TINY.initialValues(), SanityOptions.defaults().withSteps(50),
                stopAfter(Integer.MAX_VALUE));
        assertFalse(r.incomplete());
        assertEquals(Sanity.run(TINY, TINY.initialValues(), SanityOptions.defaults().withSteps(50)).checks(), r.checks());
        assertEquals(5, r.done());
    }

    @Test
    void flowStepsStoppedKeepTheStepsAnalysed() {
        FlowHistory h = FlowHistory.train(TINY, TINY.initialValues(), TINY.paramNames(),
                FlowOptions.defaults().withLr(0.01), 100, stopAfter(7));
        assertTrue(h.stopped());
        assertEquals(7, h.trained());
        assertEquals(100, h.asked());
        assertTrue(h.toText().endsWith("flow: stopped early after 7 of 100 training steps, nothing flagged so far "
                + "(loss 1.141)\n"), h::toText);
        JsonNode json = h.toJson(0);
        assertFalse(json.get("passed").asBoolean());
        assertEquals(7, json.get("trained").asInt());
        assertEquals(100, json.get("steps_total").asInt());
        assertEquals(8, json.get("steps").size());
        FlowHistory whole = FlowHistory.train(TINY, TINY.initialValues(), TINY.paramNames(),
                FlowOptions.defaults().withLr(0.01), 7);
        assertFalse(whole.stopped());
        assertEquals(whole.steps().get(7).loss(), h.steps().get(7).loss(), "the same steps, stopped or not");
    }
}

package dev.gradcheck.cli.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.health.Flag;
import dev.gradcheck.health.Flow;
import dev.gradcheck.health.FlowHistory;
import dev.gradcheck.health.FlowOptions;
import dev.gradcheck.health.FlowReport;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.junit.jupiter.api.Test;

/** The flow chart shows the failure: zero and NaN layers on rows of their own, every flag on its layer. */
class FlowChartTest {
    private static final Pattern TEXT = Pattern.compile("<text[^>]*>([^<]*)</text>");
    /** What a tick of a decade axis may read. */
    private static final Pattern DECADE = Pattern.compile("0|0\\.1|1|10|100|1e-?\\d+|NaN/Inf");

    private static FlowReport flow(String example) {
        Model m = ModelLoader.load(Path.of("..", "examples", "broken", example));
        return Flow.run(m, m.initialValues(), FlowOptions.defaults());
    }

    @Test
    void aDeadReluModelShowsItsZeroGradientLayersAndEveryFlag() {
        FlowReport r = flow("dead-relu.json");
        List<String> texts = texts(FlowChart.svg(r, "gradient flow: dead-relu"));
        // the layers whose gradient is exactly zero are drawn (on the 0 row), not dropped from the log axis
        assertEquals(0.0, r.layer("p1").gradNorm());
        assertEquals(0.0, r.layer("z1").gradNorm());
        JFreeChart chart = FlowChart.chart(r, "t");
        CategoryPlot norms = (CategoryPlot) ((CombinedDomainCategoryPlot) chart.getPlot()).getSubplots().get(0);
        DecadeAxis axis = (DecadeAxis) norms.getRangeAxis();
        for (String layer : List.of("z1", "p1")) {
            assertEquals(axis.zeroRow(), norms.getDataset().getValue("layer gradient norm", layer).doubleValue(),
                    layer + " on the zero row");
            assertEquals(axis.zeroRow(), norms.getDataset().getValue("zero (on the 0 row)", layer).doubleValue(),
                    layer + " marked as zero");
        }
        assertTrue(texts.contains("zero (on the 0 row)"), texts.toString());
        assertTrue(texts.contains("0"), "the zero row is labelled 0: " + texts);
        // each flag is written under its layer's name: the name, then its kinds
        assertEquals(2, r.flags().size(), r.flags().toString());
        for (Flag f : r.flags()) {
            int at = texts.indexOf(f.place());
            assertTrue(at >= 0, f.place() + " in " + texts);
            assertEquals(f.kind().label(), texts.get(at + 1), "the flag under " + f.place() + ": " + texts);
        }
        assertTrue(texts.contains("dead_relu above 50%"), "its threshold, in its own panel: " + texts);
        assertTrue(texts.contains("vanishing below 1e-7") && texts.contains("exploding above 1e4"), texts.toString());
        decadeTicksOnly(texts);
    }

    @Test
    void aNanProducerIsDrawnOnTheNanRowAndFlaggedAtItsLayer() {
        FlowReport r = flow("nan-producer.json");
        List<String> texts = texts(FlowChart.svg(r, "gradient flow: nan-producer"));
        assertTrue(texts.contains("NaN/Inf"), texts.toString());
        assertTrue(texts.contains("NaN or Inf (on the NaN/Inf row)"), texts.toString());
        int h1 = texts.indexOf("h1");
        assertEquals("nan", texts.get(h1 + 1), texts.toString());
        decadeTicksOnly(texts);
    }

    @Test
    void trainingStepsAddAHeatmapAndTheFlagsThatAppearedOnTheWay() {
        Model m = ModelLoader.load(Path.of("..", "examples", "broken", "dead-relu.json"));
        FlowHistory h = FlowHistory.train(m, m.initialValues(), m.paramNames(), FlowOptions.defaults().withLr(0.5), 5);
        assertEquals(6, h.steps().size());
        List<Flag> all = new ArrayList<>(h.first().flags());
        all.addAll(h.newFlags());
        List<String> texts = texts(FlowChart.svg(h.steps(), all, "t"));
        assertTrue(texts.contains("layer gradient norm over training"), texts.toString());
        assertTrue(texts.contains("training step (plain SGD)"), texts.toString());
        assertTrue(texts.contains("light grey: zero gradient; black: NaN or Inf"), texts.toString());
        for (Flag f : h.newFlags()) {
            assertTrue(f.detail().startsWith("at step "), f.line());
        }
    }

    private static void decadeTicksOnly(List<String> texts) {
        for (String t : texts) {
            // a number-like label is a whole decade, never a fractional power such as 10^-0.05
            if (t.matches("[-0-9.eE^]+") && !t.matches("\\d+")) {
                assertTrue(DECADE.matcher(t).matches(), "tick label " + t + " in " + texts);
            }
        }
    }

    private static List<String> texts(String svg) {
        List<String> out = new ArrayList<>();
        Matcher m = TEXT.matcher(svg);
        while (m.find()) {
            out.add(m.group(1).replace("&apos;", "'").replace("&amp;", "&"));
        }
        return out;
    }
}

package dev.gradcheck.cli.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.health.Flag;
import dev.gradcheck.health.Flow;
import dev.gradcheck.health.FlowHistory;
import dev.gradcheck.health.FlowOptions;
import dev.gradcheck.health.FlowReport;
import dev.gradcheck.health.StepFlag;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.awt.Color;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.data.xy.XYZDataset;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.junit.jupiter.api.Test;

/** The flow chart shows the failure: zero and NaN layers on rows of their own, every flag on its layer. */
class FlowChartTest {
    private static final Pattern TEXT = Pattern.compile("<text[^>]*>([^<]*)</text>");
    /** What a tick of a decade axis may read: one format for every decade. */
    private static final Pattern DECADE = Pattern.compile("0|1e-?\\d+|NaN/Inf");

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
            assertEquals(axis.zeroRow(), norms.getDataset().getValue("layer gradient norm (on the 0 or NaN/Inf row)",
                    layer).doubleValue(), layer + " on the zero row");
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
        List<String> texts = texts(FlowChart.svg(h, "t"));
        assertTrue(texts.contains("layer gradient norm over training"), texts.toString());
        assertTrue(texts.contains("training step (plain SGD)"), texts.toString());
        assertTrue(texts.contains("light grey: zero gradient; sky blue: below the vanishing bound 1e-7; black: NaN "
                + "or Inf"), texts.toString());
        for (Flag f : h.newFlags()) {
            assertTrue(f.detail().startsWith("at step "), f.line());
        }
    }

    @Test
    void theHeatmapShowsABlowUpThatOneNearZeroNormWouldHide() {
        // lr 500 blows h1's gradient up from 0.17 to 92-212, and z1's falls to 2.6e-72 at step 7
        FlowHistory h = FlowHistory.train(TINY, TINY.initialValues(), TINY.paramNames(),
                FlowOptions.defaults().withLr(500), 8);
        XYPlot heat = (XYPlot) StepHeatmap.chart(h.steps()).getPlot();
        Color before = cell(heat, "h1", 0);
        Color after = cell(heat, "h1", 2);
        assertTrue(distance(before, after) > 150, "0.17 and 213 must not look alike: " + before + " vs " + after);
        assertEquals(StepHeatmap.BELOW_VANISHING, cell(heat, "z1", 7), "2.6e-72 is below the vanishing bound");
        assertEquals(StepHeatmap.ZERO, cell(heat, "z1", 5), "a zero gradient");
        List<String> rows = List.of(((SymbolAxis) heat.getRangeAxis()).getSymbols());
        assertFalse(rows.contains("loss"), "d loss / d loss is 1 at every step: " + rows);
        assertEquals(List.of("logits", "z2", "h1", "a1", "z1"), rows);
        List<String> texts = texts(FlowChart.svg(h, "t"));
        assertTrue(texts.contains("2.6e-72") && texts.contains("213"), "small grids write each norm: " + texts);
    }

    @Test
    void theHeatmapMarksNormsBeyondItsColourScale() {
        double[][] norms = new double[20][1];
        for (int s = 0; s < 20; s++) {
            norms[s][0] = s == 19 ? 1e3 : s == 0 ? 1e-5 : 0.1 + 0.01 * s;
        }
        StepHeatmap.Scale scale = StepHeatmap.Scale.fit(norms, 1e-7, 1e4);
        assertTrue(scale.lo() == -1, "the bulk (0.1 to 0.3), not the one 1e-5: " + scale);
        assertTrue(scale.hi() == 0, "the bulk, not the one 1e3: " + scale);
        assertEquals(StepHeatmap.Kind.ABOVE_SCALE, scale.kind(1e3));
        assertEquals(StepHeatmap.Kind.BELOW_SCALE, scale.kind(1e-5));
        assertEquals(StepHeatmap.Kind.BELOW_VANISHING, scale.kind(1e-8));
        assertEquals(Palette.viridis(1), scale.getPaint(scale.z(1e3)), "drawn in the scale's end colour");
        assertEquals(List.of("2.6e-72", "213", "0.125", "0", "NaN"), List.of(StepHeatmap.cellText(2.585e-72),
                StepHeatmap.cellText(212.6), StepHeatmap.cellText(0.1248), StepHeatmap.cellText(0),
                StepHeatmap.cellText(Double.NaN)));
    }

    @Test
    void flagsThatAppearedDuringTrainingAreWrittenWithTheirStep() {
        FlowHistory h = FlowHistory.train(TINY, TINY.initialValues(), TINY.paramNames(),
                FlowOptions.defaults().withLr(500), 8);
        List<String> texts = texts(FlowChart.svg(h, "t"));
        // h1's and a1's flags appeared at steps 1 and 3; the panels show step 0 (b1's and b2's update:data
        // ratios at step 1, the step that diverged, are no learning-rate findings: no flag at a1 or logits then)
        int a1 = texts.indexOf("a1");
        assertEquals(List.of("vanishing (step 3)", "h1"), texts.subList(a1 + 1, a1 + 3), texts.toString());
        int h1 = texts.indexOf("h1");
        assertEquals(List.of("saturated (step 1)", "exploding (step 1)"), texts.subList(h1 + 1, h1 + 3),
                texts.toString());
        int logits = texts.indexOf("logits");
        assertEquals("loss", texts.get(logits + 1), texts.toString());
        int z2 = texts.indexOf("z2");
        assertEquals(List.of("exploding", "logits"), texts.subList(z2 + 1, z2 + 3), "a step-0 flag as it is: " + texts);
        int loss = texts.lastIndexOf("loss");
        assertEquals("diverged (step 1)", texts.get(loss + 1), texts.toString());
        for (StepFlag f : h.flagsByStep()) {
            if (f.step() > 0) {
                assertTrue(texts.contains(f.flag().kind().label() + " (step " + f.step() + ")"), f.flag().line());
            }
        }
    }

    @Test
    void linesStopAtTheZeroRowAndEveryMarkStaysVisible() {
        FlowReport r = flow("dead-relu.json");
        CategoryPlot norms = (CategoryPlot) ((CombinedDomainCategoryPlot) FlowChart.chart(r, "t").getPlot())
                .getSubplots().get(0);
        // z1 and p1 have a zero gradient, a1 a positive one: no line may join p1's zero to a1
        assertNull(norms.getDataset().getValue("layer gradient norm", "p1"), "p1 is off the joined line");
        assertNotNull(norms.getDataset().getValue("layer gradient norm", "a1"));
        DecadeAxis axis = (DecadeAxis) norms.getRangeAxis();
        assertEquals(axis.zeroRow(), norms.getDataset().getValue("largest param gradient norm (on the 0 or NaN/Inf row)",
                "z2").doubleValue(), "W2's zero gradient keeps its own mark");
        LineAndShapeRenderer lr = (LineAndShapeRenderer) norms.getRenderer();
        int layer = norms.getDataset().getRowIndex("layer gradient norm");
        int param = norms.getDataset().getRowIndex("largest param gradient norm");
        int zero = norms.getDataset().getRowIndex("zero (on the 0 row)");
        // each later mark is an outline around the ones before it, so equal values hide none
        assertFalse(lr.getSeriesShapesFilled(param));
        assertFalse(lr.getSeriesShapesFilled(zero));
        assertTrue(encloses(lr.getSeriesShape(param), lr.getSeriesShape(layer)));
        assertTrue(lr.getSeriesShape(zero).getBounds2D().contains(lr.getSeriesShape(param).getBounds2D().getCenterX(),
                lr.getSeriesShape(param).getBounds2D().getCenterY()));
        assertTrue(encloses(lr.getSeriesShape(zero), lr.getSeriesShape(layer)));
    }

    @Test
    void aLayerWithOneRatioDrawsItOnce() {
        Model m = ModelLoader.load(Path.of("..", "examples", "batchnorm-mlp.json"));
        FlowReport r = Flow.run(m, m.initialValues(), FlowOptions.defaults());
        CategoryPlot ratios = (CategoryPlot) ((CombinedDomainCategoryPlot) FlowChart.chart(r, "t").getPlot())
                .getSubplots().get(2);
        // h's bias is all zero (no grad:data): the smallest ratio would be the largest again, drawn over it
        assertNotNull(ratios.getDataset().getValue("largest param grad:data", "h"));
        assertNull(ratios.getDataset().getValue("smallest param grad:data", "h"));
    }

    @Test
    void decadeTicksAllReadOneWayAndTheLegendKeepsOffTheEdge() {
        DecadeAxis axis = new DecadeAxis("x", -3, 2, true);
        List<String> labels = new ArrayList<>();
        for (double e = axis.zeroRow(); e <= axis.nonFiniteRow(); e += axis.getTickUnit().getSize()) {
            labels.add(axis.getTickUnit().valueToString(e));
        }
        assertTrue(labels.containsAll(List.of("1e-2", "1e-1", "1e0", "1e1", "1e2")), labels.toString());
        labels.forEach(t -> assertTrue(DECADE.matcher(t).matches(), t + " in " + labels));
        JFreeChart chart = FlowChart.chart(flow("dead-relu.json"), "t");
        assertTrue(chart.getLegend().getMargin().getLeft() >= 8, "the first legend mark off the picture's edge");
    }

    /**
     * Tester 16, finding 8: weights at 1e-150 and 1e100 spread a panel over 260 decades, so its
     * step was 26 decades: "exploding above 1e4" and "vanishing below 1e-7" were printed on one
     * another, "lr too high" on "lr too low", and an update:data ratio of 1.77e-253 sat on the 0
     * row with no marker. A panel now spans at most 16 decades around its thresholds; the values
     * beyond are drawn on a {@code <1e-N} or {@code >1eN} row of their own with a chevron.
     */
    @Test
    void valuesFarOffTheThresholdsGoOnRowsBeyondTheAxisAndTheLabelsNeverMeet(@org.junit.jupiter.api.io.TempDir Path dir)
            throws java.io.IOException {
        Path file = java.nio.file.Files.writeString(dir.resolve("extreme.json"), """
                {"format": "gradcheck-model/1", "name": "extreme", "seed": 0,
                 "inputs": {"x": {"shape": [16, 8], "init": {"normal": {"std": 1}}},
                            "y": {"shape": [16], "dtype": "int64", "init": {"randint": {"low": 0, "high": 4}}}},
                 "params": {"W1": {"shape": [8, 32], "init": {"normal": {"std": 1e-150}}},
                            "b1": {"shape": [32], "init": "zeros"},
                            "W2": {"shape": [32, 4], "init": {"normal": {"std": 1e100}}},
                            "b2": {"shape": [4], "init": "zeros"}},
                 "nodes": [{"name": "z1", "op": "matmul", "inputs": ["x", "W1"]},
                           {"name": "a1", "op": "add", "inputs": ["z1", "b1"]},
                           {"name": "h1", "op": "relu", "inputs": ["a1"]},
                           {"name": "z2", "op": "matmul", "inputs": ["h1", "W2"]},
                           {"name": "logits", "op": "add", "inputs": ["z2", "b2"]},
                           {"name": "loss", "op": "cross_entropy", "inputs": ["logits", "y"]}],
                 "output": "loss"}
                """);
        Model m = ModelLoader.load(file);
        FlowReport r = Flow.run(m, m.initialValues(), FlowOptions.defaults().withLr(0.01));
        String svg = FlowChart.svg(r, "t");
        for (String[] pair : new String[][] {{"exploding above 1e4", "vanishing below 1e-7"},
            {"lr too high above 1e-2", "lr too low below 1e-4"}, {"grows more than 10x", "shrinks more than 10x"}}) {
            double apart = Math.abs(textY(svg, pair[0]) - textY(svg, pair[1]));
            assertTrue(apart >= 12, pair[0] + " and " + pair[1] + " are " + apart + " px apart");
        }
        List<String> texts = texts(svg);
        assertTrue(texts.stream().anyMatch(t -> t.matches("&lt;1e-\\d+")), "a row below the axis: " + texts);
        assertEquals(1, texts.stream().filter(t -> t.equals("below the axis (on the &lt; row)")).count(), texts.toString());
        // W2's update:data ratio, about 1e-253: on the row below the axis, not on the 0 row
        CategoryPlot update = (CategoryPlot) ((CombinedDomainCategoryPlot) FlowChart.chart(r, "t").getPlot())
                .getSubplots().get(2);
        DecadeAxis axis = (DecadeAxis) update.getRangeAxis();
        Number at = null;
        for (int k = 0; k < update.getDataset().getRowCount(); k++) {
            Number v = update.getDataset().getValue(k, update.getDataset().getColumnIndex("z2"));
            if (update.getDataset().getRowKey(k).toString().endsWith("(on the 0 or NaN/Inf row)") && v != null) {
                at = v;
            }
        }
        assertNotNull(at, "z2's ratio is drawn");
        assertEquals(axis.belowRow(), at.doubleValue(), "below the axis, not 0");
        assertTrue(axis.getTickUnit().getSize() <= 2, "a tick every " + axis.getTickUnit().getSize() + " decades");
    }

    /** The y of the SVG text {@code text}. */
    private static double textY(String svg, String text) {
        Matcher m = Pattern.compile("<text [^>]*y='([0-9.]+)'[^>]*>" + Pattern.quote(text) + "</text>").matcher(svg);
        assertTrue(m.find(), "no text " + text);
        return Double.parseDouble(m.group(1));
    }

    private static final Model TINY = ModelLoader.load(Path.of("..", "examples", "tiny-mlp.json"));

    /** Whether {@code outer}'s outline lies outside {@code inner}: inner's bounds within outer's. */
    private static boolean encloses(java.awt.Shape outer, java.awt.Shape inner) {
        return outer.getBounds2D().contains(inner.getBounds2D());
    }

    /** The colour of the heatmap's cell of {@code layer} at {@code step}. */
    private static Color cell(XYPlot heat, String layer, int step) {
        XYZDataset d = (XYZDataset) heat.getDataset();
        String[] rows = ((SymbolAxis) heat.getRangeAxis()).getSymbols();
        PaintScale scale = ((XYBlockRenderer) heat.getRenderer()).getPaintScale();
        for (int k = 0; k < d.getItemCount(0); k++) {
            if (d.getXValue(0, k) == step && rows[(int) d.getYValue(0, k)].equals(layer)) {
                return (Color) scale.getPaint(d.getZValue(0, k));
            }
        }
        throw new AssertionError("no cell " + layer + " at step " + step);
    }

    private static double distance(Color a, Color b) {
        int dr = a.getRed() - b.getRed();
        int dg = a.getGreen() - b.getGreen();
        int db = a.getBlue() - b.getBlue();
        return Math.sqrt(dr * dr + dg * dg + db * db);
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

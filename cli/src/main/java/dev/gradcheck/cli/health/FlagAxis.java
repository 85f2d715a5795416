package dev.gradcheck.cli.health;

import java.awt.Font;
import java.awt.Graphics2D;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.text.TextBlock;
import org.jfree.chart.text.TextLine;
import org.jfree.chart.ui.RectangleEdge;

/**
 * The flow chart's layer axis: each layer's name with its flags written under it, one line per
 * flag, so that a layer with several (each with its step, in a training run) keeps every one
 * readable instead of one long line running into the next layer's.
 */
final class FlagAxis extends CategoryAxis {
    private static final long serialVersionUID = 1L;
    private static final Font FLAG_FONT = new Font("SansSerif", Font.BOLD, 11);

    private final Map<Comparable<?>, Set<String>> flags = new LinkedHashMap<>();

    FlagAxis(String label) {
        super(label);
    }

    /** Adds a line under {@code layer}'s name (once, however often it is added). */
    void addFlag(Comparable<?> layer, String line) {
        flags.computeIfAbsent(layer, k -> new LinkedHashSet<>()).add(line);
    }

    /** The lines under {@code layer}'s name. */
    List<String> flags(Comparable<?> layer) {
        return List.copyOf(flags.getOrDefault(layer, Set.of()));
    }

    @Override
    @SuppressWarnings("rawtypes")
    protected TextBlock createLabel(Comparable category, float width, RectangleEdge edge, Graphics2D g2) {
        TextBlock label = super.createLabel(category, width, edge, g2);
        for (String line : flags.getOrDefault(category, Set.of())) {
            label.addLine(new TextLine(line, FLAG_FONT, Palette.VERMILLION));
        }
        return label;
    }
}

package dev.gradcheck.cli.health;

import java.awt.Color;

/**
 * The colours of gradcheck's pictures: Okabe and Ito's palette, which readers with any of the
 * common colour-vision deficiencies can tell apart, and dark text on light fills (each pair has a
 * contrast ratio of at least 7:1, WCAG's AAA level). Pictures never tell two things apart by
 * colour alone: shapes, dashes and words say it too.
 */
public final class Palette {
    /** Okabe–Ito blue: the first series, params. */
    public static final Color BLUE = new Color(0x00, 0x72, 0xB2);
    /** Okabe–Ito orange: the second series, passes that compared zeros with zeros. */
    public static final Color ORANGE = new Color(0xE6, 0x9F, 0x00);
    /** Okabe–Ito bluish green: passing checks, a third series. */
    public static final Color GREEN = new Color(0x00, 0x9E, 0x73);
    /** Okabe–Ito vermillion: thresholds, failures, producers of NaN or Inf. */
    public static final Color VERMILLION = new Color(0xD5, 0x5E, 0x00);
    /** Okabe–Ito sky blue. */
    public static final Color SKY = new Color(0x56, 0xB4, 0xE9);
    /** Okabe–Ito reddish purple: a fourth series. */
    public static final Color PURPLE = new Color(0xCC, 0x79, 0xA7);
    /** Text and outlines. */
    public static final Color INK = new Color(0x1A, 0x1A, 0x1A);
    /** Secondary text and grid lines. */
    public static final Color GREY = new Color(0x59, 0x59, 0x59);
    /** The band behind a flagged layer. */
    public static final Color FLAG_BAND = new Color(0xD5, 0x5E, 0x00, 0x26);

    /** Light fills for DOT nodes, each readable under {@link #INK} text. */
    public static final String FILL_INPUT = "#EEEEEE";
    /** A param. */
    public static final String FILL_PARAM = "#D4E8F7";
    /** A passing check. */
    public static final String FILL_PASS = "#CCEBDF";
    /**
     * A passing check of a gradient that is 0 at every entry (zeros compared with zeros): a pale
     * Okabe–Ito yellow, apart from the green of a pass and the orange-red of the bad fills.
     */
    public static final String FILL_ZERO_PASS = "#FBF8D0";
    /** A failing check, or a node that only carries a NaN or Inf. */
    public static final String FILL_BAD = "#F9DCC7";
    /** The node that produced a NaN or Inf. */
    public static final String FILL_PRODUCER = "#F2B791";
    /** An op. */
    public static final String FILL_OP = "#FFFFFF";

    private Palette() {
    }

    /** {@code #RRGGBB}. */
    public static String hex(Color c) {
        return String.format("#%02X%02X%02X", c.getRed(), c.getGreen(), c.getBlue());
    }

    /**
     * Viridis (perceptually uniform, readable in grey and with colour-vision deficiencies) at
     * {@code t} in [0, 1], interpolated between nine of its colours.
     */
    public static Color viridis(double t) {
        int[][] stops = {{0x44, 0x01, 0x54}, {0x47, 0x2D, 0x7B}, {0x3B, 0x52, 0x8B}, {0x2C, 0x72, 0x8E},
            {0x21, 0x91, 0x8C}, {0x28, 0xAE, 0x80}, {0x5E, 0xC9, 0x62}, {0xAD, 0xDC, 0x30}, {0xFD, 0xE7, 0x25}};
        double x = Math.max(0, Math.min(1, Double.isNaN(t) ? 0 : t)) * (stops.length - 1);
        int i = Math.min(stops.length - 2, (int) Math.floor(x));
        double f = x - i;
        int[] a = stops[i];
        int[] b = stops[i + 1];
        return new Color((int) Math.round(a[0] + f * (b[0] - a[0])), (int) Math.round(a[1] + f * (b[1] - a[1])),
                (int) Math.round(a[2] + f * (b[2] - a[2])));
    }
}

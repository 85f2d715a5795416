package dev.gradcheck.report;

/**
 * Makes text that came from a file or from user code (a model's or node's name, an {@code .npz}
 * member's name, an {@code .npy} header, a {@code CustomOp.name()}, an exception's message, what
 * an op printed) safe to print on a terminal: every character a terminal would act on instead of
 * show is written as a Java escape <code>&#92;uXXXX</code>, so a name can neither recolour the
 * report ({@code ESC [ 3 1 m}), nor move the cursor or overwrite a line ({@code CR}, backspace),
 * nor start a line of its own that reads like a result ({@code "\nPASS  fake_op"}), nor reorder
 * what is shown (Unicode's bidirectional overrides). The one escaping function of the report
 * writers: they pass every such field through {@link #escape(String)}, and the command line passes
 * whole reports through {@link #escapeLines(String)} before colouring them.
 *
 * <p>For example a name made of {@code ansi}, ESC, {@code [32m}, a line feed and {@code PASS  x}
 * prints as the one line <code>ansi&#92;u001b[32m&#92;u000aPASS  x</code>.
 */
public final class TerminalText {
    private TerminalText() {
    }

    /**
     * {@code text} on one line: C0 controls (line ends and tab included), DEL, C1 controls, the
     * line and paragraph separators, the bidirectional formatting characters and the characters a
     * terminal shows as nothing (zero-width space, joiners, word joiner, soft hyphen, byte order
     * mark: {@code W\u200b2} would read as {@code W2}) escaped; null stays null.
     */
    public static String escape(String text) {
        return escape(text, false);
    }

    /** As {@link #escape(String)}, but line feeds are kept: for a whole report of several lines. */
    public static String escapeLines(String text) {
        return escape(text, true);
    }

    /** True when {@link #escape(String)} changes {@code c}. */
    public static boolean isUnsafe(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029 || c == 0x061c
                || c == 0x200e || c == 0x200f || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069
                || isInvisible(c);
    }

    /** A character that occupies no space on a terminal, so a name holding it looks like another. */
    private static boolean isInvisible(char c) {
        return c == 0x00ad || c == 0x180e || c >= 0x200b && c <= 0x200d || c >= 0x2060 && c <= 0x2064 || c == 0xfeff;
    }

    private static String escape(String text, boolean keepLineFeeds) {
        if (text == null) {
            return null;
        }
        int i = 0;
        while (i < text.length() && (!isUnsafe(text.charAt(i)) || keepLineFeeds && text.charAt(i) == '\n')) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isUnsafe(c) && !(keepLineFeeds && c == '\n')) {
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}

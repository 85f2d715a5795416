package dev.gradcheck.cli.ops;

import java.util.regex.Pattern;

/**
 * Quotes a word for a POSIX shell, so a reproduce line can be pasted as it is printed: an op named
 * {@code neureka.x_times_sum(x)} becomes {@code 'neureka.x_times_sum(x)'}, a word with a single
 * quote {@code 'it'\''s'}; a word of only safe characters stays bare.
 */
public final class ShellQuote {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellQuote() {
    }

    /** {@code word} as one shell word. */
    public static String quote(String word) {
        if (SAFE.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}

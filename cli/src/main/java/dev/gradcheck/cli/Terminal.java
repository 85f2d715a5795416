package dev.gradcheck.cli;

import java.util.Map;

/**
 * What the process is connected to: colour only on a terminal and never when {@code NO_COLOR} is
 * set (https://no-color.org); a progress bar only when stderr is a terminal.
 */
public final class Terminal {
    private final boolean interactive;
    private final Map<String, String> env;

    /**
     * @param interactive true when the standard streams are a terminal
     * @param env the environment (for {@code NO_COLOR} and {@code TERM})
     */
    public Terminal(boolean interactive, Map<String, String> env) {
        this.interactive = interactive;
        this.env = Map.copyOf(env);
    }

    /** The real process: a terminal when {@link System#console()} exists. */
    public static Terminal detect() {
        return new Terminal(System.console() != null, System.getenv());
    }

    /** Not a terminal (tests, pipes). */
    public static Terminal none() {
        return new Terminal(false, Map.of());
    }

    /** True when output may be coloured. */
    public boolean colour() {
        return interactive && !env.containsKey("NO_COLOR") && !"dumb".equals(env.get("TERM"));
    }

    /** True when a progress bar may be drawn on stderr. */
    public boolean interactive() {
        return interactive && !"dumb".equals(env.get("TERM"));
    }

    /** {@code text} in green when colour is on. */
    public String green(String text) {
        return paint("32", text);
    }

    /** {@code text} in red when colour is on. */
    public String red(String text) {
        return paint("31", text);
    }

    /** {@code text} in yellow when colour is on. */
    public String yellow(String text) {
        return paint("33", text);
    }

    /** {@code text} in bold when colour is on. */
    public String bold(String text) {
        return paint("1", text);
    }

    private String paint(String code, String text) {
        return colour() ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }
}

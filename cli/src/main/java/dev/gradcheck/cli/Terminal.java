package dev.gradcheck.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the process is connected to: colour only when stdout is a terminal and never when
 * {@code NO_COLOR} is set (https://no-color.org); progress when stderr is a terminal, whatever
 * stdout is ({@code --format json > report.json} still shows progress).
 */
public final class Terminal {
    private final boolean stdout;
    private final boolean stderr;
    private final Map<String, String> env;

    /**
     * @param interactive true when stdout and stderr are both a terminal
     * @param env the environment (for {@code NO_COLOR} and {@code TERM})
     */
    public Terminal(boolean interactive, Map<String, String> env) {
        this(interactive, interactive, env);
    }

    /**
     * @param stdout true when stdout is a terminal (colour)
     * @param stderr true when stderr is a terminal (progress)
     * @param env the environment (for {@code NO_COLOR} and {@code TERM})
     */
    public Terminal(boolean stdout, boolean stderr, Map<String, String> env) {
        this.stdout = stdout;
        this.stderr = stderr;
        this.env = Map.copyOf(env);
    }

    /**
     * The real process. Each stream is a terminal when the launcher says so
     * ({@code -Dgradcheck.stdout.tty}, {@code -Dgradcheck.stderr.tty}, from the shell's
     * {@code [ -t 1 ]} and {@code [ -t 2 ]}), else when its file descriptor links to a terminal
     * device ({@code /proc/self/fd}, Linux), else when {@link System#console()} exists.
     */
    public static Terminal detect() {
        return new Terminal(tty("gradcheck.stdout.tty", 1), tty("gradcheck.stderr.tty", 2), System.getenv());
    }

    private static boolean tty(String property, int fd) {
        String said = System.getProperty(property);
        if (said != null && !said.isBlank()) {
            return Boolean.parseBoolean(said.trim());
        }
        try {
            String device = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty");
        } catch (Exception | LinkageError e) {
            return System.console() != null;
        }
    }

    /** Not a terminal (tests, pipes). */
    public static Terminal none() {
        return new Terminal(false, Map.of());
    }

    /** True when output may be coloured. */
    public boolean colour() {
        return stdout && !env.containsKey("NO_COLOR") && !"dumb".equals(env.get("TERM"));
    }

    /** True when stdout and stderr are both a terminal: what is printed to each lands on one screen. */
    public boolean oneScreen() {
        return stdout && stderr;
    }

    /** True when a progress bar may be drawn on stderr: it is a terminal that can move the cursor. */
    public boolean interactive() {
        return stderr && !"dumb".equals(env.get("TERM"));
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

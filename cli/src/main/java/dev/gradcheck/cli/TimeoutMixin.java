package dev.gradcheck.cli;

import picocli.CommandLine.Option;

/** {@code --timeout}: a limit on a whole checking run, after which a partial report is printed. */
public final class TimeoutMixin {
    @Option(names = "--timeout", paramLabel = "MS", defaultValue = "0",
            description = "A limit on the whole run (loading, anomaly pass, checks): then print everything checked so "
                    + "far, inside a tensor too, the report marked incomplete (exit 5, or 1 when a check failed); "
                    + "Ctrl-C does the same; 0 = no limit (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    /** The limit in milliseconds, 0 for none. */
    public long timeoutMs() {
        if (timeoutMs < 0) {
            throw new UsageException("--timeout must be 0 (no limit) or more milliseconds, got " + timeoutMs);
        }
        return timeoutMs;
    }
}

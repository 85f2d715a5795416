package dev.gradcheck.cli;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** Prints a command's outcomes as text or as the JSON report, and gives the exit code. */
public final class Reports {
    private Reports() {
    }

    /**
     * Prints the report where the options say and returns 0 when every outcome passed, else 1.
     *
     * @param spec the running command (its name, out and err)
     * @param output format and destination
     * @param terminal for colour (never in JSON, never into a file)
     * @param seed the seed used
     * @param elapsedMs time of the checks themselves
     * @param outcomes one per thing checked
     */
    public static int emit(CommandSpec spec, OutputMixin output, Terminal terminal, long seed, double elapsedMs,
            List<CheckOutcome> outcomes) {
        boolean passed = outcomes.stream().allMatch(CheckOutcome::passed);
        String body;
        if (output.json()) {
            body = JsonReport.render(JsonReport.envelope(spec.name(), passed, elapsedMs, seed,
                    outcomes.stream().map(CheckOutcome::json).toList()));
        } else {
            Terminal t = output.output() == null ? terminal : Terminal.none();
            body = text(spec.name(), passed, elapsedMs, seed, outcomes, t);
        }
        ReportOutput.write(spec.commandLine().getOut(), output.output(), body);
        return ExitCodes.of(passed);
    }

    static String text(String command, boolean passed, double elapsedMs, long seed, List<CheckOutcome> outcomes,
            Terminal t) {
        StringBuilder sb = new StringBuilder();
        int width = outcomes.stream().mapToInt(o -> o.name().length()).max().orElse(0);
        for (CheckOutcome o : outcomes) {
            String tag = String.format("%-7s", o.status().toUpperCase(java.util.Locale.ROOT));
            tag = switch (o.status()) {
                case "pass" -> t.green(tag);
                case "kink", "skipped" -> t.yellow(tag);
                default -> t.red(tag);
            };
            sb.append(tag).append(' ').append(String.format("%-" + Math.max(1, width) + "s", o.name()));
            String detail = o.text() == null ? "" : o.text().strip();
            if (!detail.isEmpty()) {
                if (!detail.contains("\n") && o.passed()) {
                    sb.append("  ").append(detail);
                } else {
                    sb.append('\n');
                    detail.lines().forEach(l -> sb.append("        ").append(l).append('\n'));
                    sb.setLength(sb.length() - 1);
                }
            }
            sb.append('\n');
        }
        long failed = outcomes.stream().filter(o -> !o.passed()).count();
        String summary = String.format("%s %s: %d checked, %d failed (seed %d, %.1f ms)",
                passed ? "PASSED" : "FAILED", command, outcomes.size(), failed, seed, elapsedMs);
        sb.append(passed ? t.green(t.bold(summary)) : t.red(t.bold(summary)));
        return sb.toString();
    }
}

package dev.gradcheck.report;

import dev.gradcheck.CheckResult;
import java.util.List;

/**
 * What the report writers ({@link TextReport}, {@link JsonReport}) render: a run's checks and how
 * it ran. {@link dev.gradcheck.CheckReport} implements it and renders itself through the writers;
 * the writers read this view only, so the report and its writers do not import each other.
 */
public interface Report {
    /** The {@code tool} field. */
    String TOOL = "gradcheck";
    /** The {@code version} field. */
    String VERSION = "0.1.0";

    /** The command that ran, e.g. {@code check}. */
    String command();

    long seed();

    double elapsedMs();

    /** One result per thing checked, in a fixed order. */
    List<CheckResult> checks();

    /** True when every check passed (status pass, kink or skipped). */
    boolean passed();

    /**
     * Things the reader should know about how the inputs were taken (e.g. float32 values widened
     * to float64), in order; none by default.
     */
    default List<String> notes() {
        return List.of();
    }

    /** The text report's name for the analytic column ({@code analytic} by default). */
    default String analyticLabel() {
        return "analytic";
    }

    /** The text report's name for the numeric column ({@code numeric} by default). */
    default String numericLabel() {
        return "numeric";
    }
}

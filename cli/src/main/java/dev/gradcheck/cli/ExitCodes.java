package dev.gradcheck.cli;

/** The process exit codes of DESIGN.md, plus one for gradcheck's own bugs. */
public final class ExitCodes {
    /** Every check passed. */
    public static final int PASS = 0;
    /** A check failed: a gradient mismatch or an anomaly. */
    public static final int CHECK_FAILED = 1;
    /** The command line was wrong (picocli's default for parameter exceptions). */
    public static final int USAGE = 2;
    /** The model or data file is invalid. */
    public static final int INVALID_FILE = 3;
    /** gradcheck itself failed unexpectedly (a bug: please report it with --debug output). */
    public static final int INTERNAL_ERROR = 4;
    /**
     * Incomplete: {@code --timeout} or Ctrl-C cut the run and nothing checked so far failed (the
     * partial report is printed; a failed check gives {@link #CHECK_FAILED} even then).
     */
    public static final int INCOMPLETE = 5;

    private ExitCodes() {
    }

    /** {@link #PASS} when {@code passed}, else {@link #CHECK_FAILED}. */
    public static int of(boolean passed) {
        return passed ? PASS : CHECK_FAILED;
    }

    /**
     * {@link #CHECK_FAILED} when something done failed (even in a run cut short), else
     * {@link #INCOMPLETE} when the run was cut short, else {@link #PASS}.
     */
    public static int of(boolean passed, boolean incomplete) {
        return !passed ? CHECK_FAILED : incomplete ? INCOMPLETE : PASS;
    }
}

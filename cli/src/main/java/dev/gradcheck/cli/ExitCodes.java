package dev.gradcheck.cli;

/** The process exit codes of DESIGN.md, plus one for gradcheck's own bugs. */
public final class ExitCodes {
    /** Every check passed. */
    public static final int PASS = 0;
    /** A check failed (a gradient mismatch or an anomaly), or the run judged nothing at all. */
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

    /**
     * What {@code code} means, in the words of docs/cli.md's table (each row starts with them); every
     * command's help lists its codes so ({@link ExitCodeHelp}).
     *
     * @throws IllegalArgumentException for a code gradcheck never returns
     */
    public static String meaning(int code) {
        return switch (code) {
            case PASS -> "success: the command ran and every check passed";
            case CHECK_FAILED -> "a check failed (a gradient mismatch, an anomaly, a flag), or nothing could be checked";
            case USAGE -> "usage error (unknown option, bad value, missing argument)";
            case INVALID_FILE -> "an input file is invalid (a model, data or jar file), or the run needs more heap than "
                    + "the JVM has";
            case INTERNAL_ERROR -> "internal error (a bug in gradcheck: rerun with --debug and report the stack trace)";
            case INCOMPLETE -> "incomplete: --timeout or Ctrl-C cut the run and nothing checked so far failed; "
                    + "the partial report is printed";
            default -> throw new IllegalArgumentException("no exit code " + code);
        };
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

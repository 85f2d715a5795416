package dev.gradcheck;

/**
 * The outcome of one check. {@link #passed()} is true for {@code pass}, {@code kink} and
 * {@code skipped}, false for {@code fail} and {@code error} (DESIGN.md).
 */
public enum Status {
    /** Analytic and numeric gradients agree. */
    PASS("pass", true),
    /** A non-differentiable point where the analytic value is a valid subgradient: not a failure. */
    KINK("kink", true),
    /**
     * Nothing to check (an input with no entries, or not differentiated), or some entries could
     * not be judged while the others pass; with the reason. An input none of whose entries could
     * be judged is {@link #ERROR}.
     */
    SKIPPED("skipped", true),
    /** The gradients disagree (or a side check failed: nondeterminism, mutation, gradOutput scaling). */
    FAIL("fail", false),
    /**
     * The function threw, returned arrays of the wrong size or misbehaved (set its thread's
     * interrupt flag, checked itself); or nothing could be checked (no inputs, or no entry of an
     * input judged).
     */
    ERROR("error", false);

    private final String label;
    private final boolean passed;

    Status(String label, boolean passed) {
        this.label = label;
        this.passed = passed;
    }

    /** The lower-case name used in reports: {@code pass}, {@code fail}, {@code kink}, {@code error}, {@code skipped}. */
    public String label() {
        return label;
    }

    /** True when this status does not fail a run. */
    public boolean passed() {
        return passed;
    }

    /** The more severe of two statuses (error > fail > kink > pass > skipped). */
    public static Status worse(Status a, Status b) {
        return a.severity() >= b.severity() ? a : b;
    }

    private int severity() {
        switch (this) {
            case ERROR: return 4;
            case FAIL: return 3;
            case KINK: return 2;
            case PASS: return 1;
            default: return 0;
        }
    }
}

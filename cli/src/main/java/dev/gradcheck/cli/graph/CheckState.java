package dev.gradcheck.cli.graph;

/**
 * What a node's gradient check showed, as the picture draws it: more than the checker's status,
 * because two outcomes need telling apart from the status alone. A pass of a gradient that is 0
 * at every entry compared zeros with zeros and shows little; an error at a point where the model's
 * output is NaN or Inf says nothing about this tensor's gradient (the checker refuses a non-finite
 * function value before it measures anything), so it is drawn with the carriers, not as a failure.
 */
enum CheckState {
    /** Not checked. */
    NONE,
    /** Analytic and numeric gradients agree, and are not all zero. */
    PASS,
    /** Passed (or a kink), but the analytic gradient is 0 at every entry: zeros compared with zeros. */
    PASS_ALL_ZERO,
    /** Analytic and numeric gradients disagree. */
    FAIL,
    /** The check errored for a reason of its own (user code threw, arrays of the wrong size). */
    ERROR,
    /** The check errored because the model's output is NaN or Inf at this point: nothing was measured. */
    ERROR_OUTPUT_NOT_FINITE,
    /** A kink or a skipped check: written, not marked. */
    OTHER;

    /**
     * The state of {@code n}'s check.
     *
     * @param outputFinite whether the model's output is finite at the point where it was checked
     */
    static CheckState of(GraphNode n, boolean outputFinite) {
        if (n.check() == null) {
            return NONE;
        }
        boolean zeroGradient = n.grad() != null && n.grad().allZero();
        return switch (n.check()) {
            case "pass", "kink" -> zeroGradient ? PASS_ALL_ZERO : "pass".equals(n.check()) ? PASS : OTHER;
            case "fail" -> FAIL;
            case "error" -> outputFinite ? ERROR : ERROR_OUTPUT_NOT_FINITE;
            default -> OTHER;
        };
    }
}

package dev.gradcheck.kernels.incremental;

/**
 * How one node's output is brought up to date when some entries of its inputs changed: it
 * recomputes, with the engine kernel's own arithmetic, exactly the output entries those inputs
 * reach, and records through {@link State#set} those whose bits changed.
 */
abstract class Rule {
    /** The node's output tensor id and its input tensor ids. */
    final int out;
    final int[] in;

    Rule(int out, int[] in) {
        this.out = out;
        this.in = in.clone();
    }

    /** A short name for reports and tests, e.g. {@code "matmul-rows"} or {@code "recompute"}. */
    abstract String kind();

    /**
     * Updates the output in {@code s}.
     *
     * @param step this rule's index, for its scratch buffers in {@link State#scratch}
     */
    abstract void propagate(State s, double[][] cache, int step);

    /** True when some input changed in this evaluation. */
    final boolean inputsChanged(State s) {
        for (int t : in) {
            if (s.n[t] > 0) {
                return true;
            }
        }
        return false;
    }
}

package dev.gradcheck.engine.op;

/**
 * Edit distance for "did you mean" suggestions, shared by the op registry (unknown op names) and
 * the model loader (unknown keys and undefined names), so both measure nearness the same way.
 * Each caller keeps its own policy for which candidates are near enough.
 */
public final class NearestNames {
    private NearestNames() {
    }

    /**
     * The Levenshtein distance between {@code a} and {@code b}: the fewest single-character
     * insertions, deletions and substitutions that turn one into the other (case-sensitive).
     * Costs {@code O(a.length() * b.length())} time, so callers that take untrusted names should
     * bound their lengths first.
     */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}

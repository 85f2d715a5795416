package dev.gradcheck.kernels.incremental;

/**
 * One thread's working values during one perturbed evaluation: for each tensor that can change,
 * its own copy of the cached values (equal to the cache except at the entries changed so far) and
 * the list of those entries. Everything is put back after each evaluation, so a state is reused
 * without copying anything whole.
 */
final class State {
    /** Per tensor: the current values (a private copy for tensors that can change, else the cache itself). */
    final double[][] cur;
    /** Per tensor that can change: the flat indices changed in this evaluation (first {@link #n} of them). */
    final int[][] changed;
    final int[] n;
    private final int[][] stamp;
    private int gen = 1;
    private final int[] touched;
    private int nTouched;
    /** Per step: that rule's own scratch buffers, made on first use. */
    final Object[] scratch;

    State(double[][] cache, boolean[] varying, int steps) {
        int count = cache.length;
        cur = new double[count][];
        changed = new int[count][];
        stamp = new int[count][];
        n = new int[count];
        touched = new int[count];
        scratch = new Object[steps];
        for (int t = 0; t < count; t++) {
            if (varying[t]) {
                cur[t] = cache[t].clone();
                changed[t] = new int[cache[t].length];
                stamp[t] = new int[cache[t].length];
            } else {
                cur[t] = cache[t];
            }
        }
    }

    /**
     * Sets entry k of tensor t to v, recording it as changed when its bits differ from the cache
     * (an entry recomputed to the same bits changes nothing downstream).
     */
    void set(double[][] cache, int t, int k, double v) {
        if (Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(cache[t][k])) {
            return;
        }
        cur[t][k] = v;
        if (stamp[t][k] != gen) {
            stamp[t][k] = gen;
            if (n[t] == 0) {
                touched[nTouched++] = t;
            }
            changed[t][n[t]++] = k;
        }
    }

    /**
     * {@link #set} for a rule that sets each output entry at most once per evaluation (every rule
     * but {@link BroadcastRule}, where two changed inputs can reach the same entry): no marks needed.
     */
    void setOnce(double[][] cache, int t, int k, double v) {
        if (Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(cache[t][k])) {
            return;
        }
        cur[t][k] = v;
        if (n[t] == 0) {
            touched[nTouched++] = t;
        }
        changed[t][n[t]++] = k;
    }

    /**
     * {@link #setOnce} for a run of entries: entry {@code off + j} of tensor t set to
     * {@code values[j]} (plus {@code bias[j]} when bias is not null), j &lt; m, in one loop.
     */
    void setOnceRun(double[][] cache, int t, int off, double[] values, double[] bias, int m) {
        double[] base = cache[t];
        double[] c = cur[t];
        int[] ch = changed[t];
        int before = n[t];
        int count = before;
        for (int j = 0; j < m; j++) {
            double v = bias == null ? values[j] : values[j] + bias[j];
            if (Double.doubleToRawLongBits(v) != Double.doubleToRawLongBits(base[off + j])) {
                c[off + j] = v;
                ch[count++] = off + j;
            }
        }
        if (before == 0 && count > 0) {
            touched[nTouched++] = t;
        }
        n[t] = count;
    }

    /** Puts every changed entry back to its cached value. */
    void restore(double[][] cache) {
        for (int q = 0; q < nTouched; q++) {
            int t = touched[q];
            int[] idx = changed[t];
            double[] c = cur[t];
            double[] base = cache[t];
            for (int i = 0; i < n[t]; i++) {
                c[idx[i]] = base[idx[i]];
            }
            n[t] = 0;
        }
        nTouched = 0;
        if (++gen == Integer.MAX_VALUE) {
            for (int[] s : stamp) {
                if (s != null) {
                    java.util.Arrays.fill(s, 0);
                }
            }
            gen = 1;
        }
    }
}

package dev.gradcheck.cli;

/** Entries of a compared tensor left out of a diagnosis: set to 0 on both sides, they agree (0 = c·0 for any factor). */
final class EntryMasks {
    private EntryMasks() {
    }

    /** {@code values} with the flagged entries set to 0 (the array itself when none is flagged). */
    static double[] zeroed(double[] values, boolean[] flagged, int count) {
        if (count == 0) {
            return values;
        }
        double[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            if (flagged[i]) {
                out[i] = 0;
            }
        }
        return out;
    }
}

package dev.gradcheck.internal;

import dev.gradcheck.EntryResult;
import dev.gradcheck.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * What an input's compared entries add up to: the worst status and the largest errors over the
 * judged entries (skipped ones aside), the resolution of the comparison, and the flat offsets of
 * the entries at a kink and of those whose estimate did not settle.
 */
final class EntryTally {
    private Status status = Status.PASS;
    private double maxAbs;
    private double maxRel;
    private long skipped;
    private long unresolved;
    private final List<Integer> kinks = new ArrayList<>();
    private final List<Integer> unconverged = new ArrayList<>();
    private double relResolution;
    private double absResolution;

    EntryTally(List<EntryResult> entries, int[] shape) {
        for (EntryResult e : entries) {
            if (e.status() == Status.SKIPPED) {
                skipped++;
                if (e.reason() == null) {
                    unconverged.add(Indexing.flat(e.index(), shape));
                } else {
                    unresolved++; // low resolution: moving the point would not help
                }
                continue;
            }
            status = Status.worse(status, e.status());
            maxAbs = maxOrNaN(maxAbs, e.absError());
            maxRel = maxOrNaN(maxRel, e.relError());
        }
        for (EntryResult e : entries) {
            if (e.status() == Status.KINK) {
                kinks.add(Indexing.flat(e.index(), shape));
            }
        }
        resolution(entries);
    }

    /** The worst status of the judged entries ({@code pass} when there are none). */
    Status status() {
        return status;
    }

    double maxAbsError() {
        return maxAbs;
    }

    double maxRelError() {
        return maxRel;
    }

    long skipped() {
        return skipped;
    }

    /** Skipped entries whose estimate settled but could not resolve their value (low resolution). */
    long unresolved() {
        return unresolved;
    }

    /** Flat offsets of the entries at a kink. */
    List<Integer> kinks() {
        return kinks;
    }

    /** Flat offsets of the skipped entries whose numeric estimate did not settle (re-drawing may help). */
    List<Integer> unconverged() {
        return unconverged;
    }

    /** The largest allowed |a − n| relative to |n| over the judged entries with |n| ≥ 1e-3 of the largest. */
    double relativeResolution() {
        return relResolution;
    }

    /** The largest allowed |a − n| over the judged entries. */
    double absoluteResolution() {
        return absResolution;
    }

    private void resolution(List<EntryResult> entries) {
        double nmax = 0;
        double abs = Double.NaN;
        for (EntryResult e : entries) {
            if (e.status() != Status.SKIPPED && Double.isFinite(e.numeric())) {
                nmax = Math.max(nmax, Math.abs(e.numeric()));
                abs = Double.isNaN(abs) ? e.tolerance() : Math.max(abs, e.tolerance());
            }
        }
        double rel = Double.NaN;
        for (EntryResult e : entries) {
            double n = Math.abs(e.numeric());
            if (e.status() != Status.SKIPPED && Double.isFinite(n) && n > 0 && n >= 1e-3 * nmax) {
                double r = e.tolerance() / n;
                rel = Double.isNaN(rel) ? r : Math.max(rel, r);
            }
        }
        relResolution = rel;
        absResolution = abs;
    }

    private static double maxOrNaN(double m, double v) {
        return Double.isNaN(m) || Double.isNaN(v) ? Double.NaN : Math.max(m, v);
    }
}

package dev.gradcheck;

/** What to do at an entry where left and right one-sided differences disagree. */
public enum KinkPolicy {
    /** Report status {@code kink} when the analytic value lies between the one-sided differences. */
    REPORT,
    /** Move the point a little away from the kink (seeded) and check again, up to three times. */
    RESAMPLE
}

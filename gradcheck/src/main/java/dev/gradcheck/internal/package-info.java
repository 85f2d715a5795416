/**
 * The checker's machinery (not public API). {@link dev.gradcheck.internal.Checker} is the entry;
 * the work is split by job: the resample loop ({@code ResampleLoop}), the check at one point
 * ({@code PointCheck}), the guard against functions that write to their inputs
 * ({@code MutationGuard}), the side checks ({@code SideChecks}), each input's verdict
 * ({@code InputVerdict}, {@code EntryTally}, {@code WorstEntries}), the entries compared one by one
 * ({@code EntrySweep}) and judged ({@code EntryJudge}, {@code KinkTest}) from finite differences
 * with error estimates ({@link dev.gradcheck.internal.FiniteDifference}), FAST-mode projections with
 * bisection ({@code FastProbe}), the Taylor test, the diagnoser and the deterministic parallel map
 * ({@link dev.gradcheck.internal.Parallel}).
 */
package dev.gradcheck.internal;

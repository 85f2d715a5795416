/**
 * The checker's machinery (not public API): finite-difference schemes with error estimates,
 * the per-input checker, FAST-mode projections with bisection, the diagnoser and the
 * deterministic parallel map.
 */
package dev.gradcheck.internal;

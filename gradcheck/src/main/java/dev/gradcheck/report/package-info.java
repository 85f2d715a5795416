/**
 * Rendering of {@link dev.gradcheck.CheckReport}s: the JSON of DESIGN.md with a stable field
 * order ({@link dev.gradcheck.report.JsonReport}) and a human-readable text
 * ({@link dev.gradcheck.report.TextReport}).
 */
package dev.gradcheck.report;

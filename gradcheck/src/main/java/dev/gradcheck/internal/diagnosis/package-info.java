/**
 * The diagnoser (not public API): what is known about a failed gradient ({@link
 * dev.gradcheck.internal.diagnosis.Evidence}), one small class per finding with its evidence test
 * ({@link dev.gradcheck.internal.diagnosis.Finding}), their registry in the order they are tried
 * ({@link dev.gradcheck.internal.diagnosis.Findings}) and the one builder of their wording
 * ({@link dev.gradcheck.internal.diagnosis.Wording}).
 */
package dev.gradcheck.internal.diagnosis;

/**
 * Health checks beyond "is the derivative right": static shape reports with hints
 * ({@link dev.gradcheck.health.Shapes}), anomaly-aware evaluation that names the node producing a
 * NaN, an infinity or an exploding value ({@link dev.gradcheck.health.AnomalyScan}), gradient-flow
 * and training-health statistics with flags ({@link dev.gradcheck.health.Flow},
 * {@link dev.gradcheck.health.HealthMonitor} for a user's own training loop, with a per-step
 * listener), and the recipe checks of {@link dev.gradcheck.health.Sanity}.
 */
package dev.gradcheck.health;

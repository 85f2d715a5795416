/** The {@code flow} command's chart of per-layer gradient norms and ratios (JFreeChart, exported with JFreeSVG). */
package dev.gradcheck.cli.health;

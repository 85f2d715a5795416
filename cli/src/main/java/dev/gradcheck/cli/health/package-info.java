/** Helpers of the {@code shapes}, {@code flow} and {@code sanity} commands: safe output files and the flow chart. */
package dev.gradcheck.cli.health;

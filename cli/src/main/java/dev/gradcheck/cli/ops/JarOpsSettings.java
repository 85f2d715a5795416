package dev.gradcheck.cli.ops;

import dev.gradcheck.CheckOptions;

/**
 * What checking a user's ops needs, as {@code ops --jar}'s options give it; made from the same
 * command line in the parent and in the JVM that checks the ops, so both see the same settings.
 *
 * @param options the checker's options (seed, draws, magnitudes, mode, tolerance, threads, …)
 * @param opTimeoutMs {@code --op-timeout} (0 = no limit)
 * @param classPath {@code --jar} and {@code --classpath}
 */
public record JarOpsSettings(CheckOptions options, long opTimeoutMs, UserClassPath classPath) {
}

package dev.gradcheck.cli;

import dev.gradcheck.bench.BenchMemory;
import dev.gradcheck.bench.BenchOptions;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a bench run fits this JVM's heap: the MLP that needs the most
 * ({@link BenchMemory#largest}) against the heap's limit, refused before any work with the
 * remedy that applies to bench (a larger heap through the launcher, or smaller MLPs), and the
 * same remedy when a run runs out of memory all the same.
 */
final class BenchHeap {
    /** What to do when bench runs out of memory: bench has no model file limits to lower. */
    static final String OUT_OF_MEMORY_REMEDY = "give it more (GRADCHECK_JAVA_OPTS=-Xmx4g bin/gradcheck bench ...) "
            + "or bench smaller MLPs (--mlps, e.g. 64-128-128-10@32)";

    private BenchHeap() {
    }

    /**
     * The message refusing the run of {@code options} when its largest MLP needs more than
     * {@code maxHeapBytes}; empty when it fits.
     */
    static Optional<String> refusal(BenchOptions options, long maxHeapBytes) {
        return BenchMemory.largest(options).filter(n -> n.bytes() > maxHeapBytes).map(n -> String.format(Locale.ROOT,
                "MLP %s@%d (%,d params, %,d activations over the batch) needs about %,d MB of heap for %s, more "
                        + "than this JVM's heap of at most %,d MB: give it more (GRADCHECK_JAVA_OPTS=-Xmx%s "
                        + "bin/gradcheck bench ...) or bench a smaller MLP (--mlps)",
                n.mlp().label(), n.mlp().batch(), n.params(), n.activations(), mb(n.bytes()), n.bench(),
                maxHeapBytes >> 20, suggestedHeap(n.bytes())));
    }

    /** A heap a quarter above {@code bytes}, rounded up to 256 MB: {@code 1280m}, {@code 2g}. */
    static String suggestedHeap(long bytes) {
        long mb = (long) Math.ceil(bytes * 1.25 / (1 << 20) / 256) * 256;
        return mb % 1024 == 0 ? mb / 1024 + "g" : mb + "m";
    }

    private static long mb(long bytes) {
        return (long) Math.ceil(bytes / (double) (1 << 20));
    }
}

package dev.gradcheck.health;

import dev.gradcheck.engine.Autograd;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The one test of batch independence: backpropagate a random gradient from one sample's entries of
 * a tensor (zero on every other entry) to the batch's sources and see which of their samples it
 * reaches. Structural independence gives exact zeros in double precision (every term of such a
 * gradient is a product with a zero), so any entry that is not exactly zero counts, however small.
 * A NaN does not: {@code 0 · NaN} is NaN, so a NaN born in the forward or backward pass (sqrt's
 * backward at 0) spreads to samples the gradient never reached; it is only {@link #sawNaN noted}.
 */
final class BatchProbe {
    /** A tensor gradients are taken with respect to, and the sample of each of its entries. */
    record Source(String name, String what, Tensor tensor, int[] sampleOf) {
        /** A batch input, its batch along {@code dim}. */
        static Source input(String name, Tensor t, int dim, int batch) {
            return new Source(name, "input '" + name + "'", t, new BatchLayout(dim, 1, false).samples(t.shape(), batch));
        }

        /** A node's output, its batch along {@code dim} if it can be, else the first dimension that can; or null. */
        static Source node(String name, Tensor t, int dim, int batch) {
            List<BatchLayout> layouts = BatchLayout.candidates(t.shape(), batch, dim);
            return layouts.isEmpty() ? null
                    : new Source(name, "node '" + name + "'", t, layouts.get(0).samples(t.shape(), batch));
        }
    }

    /**
     * Samples reached that should not have been.
     *
     * @param sample the sample whose entries the gradient came from (-1: from every entry)
     * @param source the source reached
     * @param reached the samples of the source the gradient reached, ascending
     * @param layout where the samples were taken to lie in the tensor (null with {@code sample} -1)
     */
    record Mixing(int sample, Source source, List<Integer> reached, BatchLayout layout) {
    }

    private final int batch;
    private final int[] samples;
    private final List<Source> sources;
    private final Tensor[] sourceTensors;
    private final long seed;
    private boolean sawNaN;

    BatchProbe(int batch, int[] samples, List<Source> sources, long seed) {
        this.batch = batch;
        this.samples = samples.clone();
        this.sources = List.copyOf(sources);
        this.sourceTensors = sources.stream().map(Source::tensor).toArray(Tensor[]::new);
        this.seed = seed;
    }

    /** True when some gradient taken so far held a NaN (not counted as reaching anything). */
    boolean sawNaN() {
        return sawNaN;
    }

    /**
     * How {@code t} mixes samples: null when some layout of the batch in it keeps every tested
     * sample's gradient on that sample; else the mixing under the first candidate layout. A tensor
     * with no dimension that could hold the batch mixes when its whole gradient reaches two samples.
     */
    Mixing mixing(Tensor t, int preferredDim) {
        List<BatchLayout> layouts = BatchLayout.candidates(t.shape(), batch, preferredDim);
        if (layouts.isEmpty()) {
            return spread(t);
        }
        Mixing first = null;
        for (BatchLayout layout : layouts) {
            Mixing m = mixing(t, layout);
            if (m == null) {
                return null;
            }
            first = first == null ? m : first;
        }
        return first;
    }

    /** True when {@code t} could hold the batch (some dimension is a multiple of its size). */
    boolean carriesBatch(Shape shape) {
        return !BatchLayout.candidates(shape, batch, 0).isEmpty();
    }

    /** True when the gradient of {@code t} reaches any entry of any source. */
    boolean reaches(Tensor t) {
        double[] g = new double[t.size()];
        java.util.Arrays.fill(g, 1);
        for (Tensor grad : Autograd.grad(t, Tensor.of(g, t.shape()), false, sourceTensors)) {
            for (double v : grad.data()) {
                if (v != 0 && !Double.isNaN(v)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A screen of many tensors at once, one backward pass per followed sample through all of them
     * instead of one per tensor (a per-tensor pass over a chain of n nodes walks it n times): false
     * when no tensor can mix, that is when, with a random gradient on every tensor's entries of the
     * sample (under its first candidate layout; on all of its entries for a tensor without the
     * batch), the sources' gradients reach no other sample (at most one for the tensors without the
     * batch) and hold no NaN or infinity. Gradients are linear in their seed, so the pass reaches the
     * union of what each tensor's own would, short of an exact cancellation between independent
     * random numbers; so false means {@link #mixing} finds nothing in any of them, and true that some
     * may mix (or hide a NaN) and must be tested one at a time. Leaves {@link #sawNaN} alone.
     */
    boolean mayMix(List<Tensor> ts, int preferredDim) {
        List<Tensor> withBatch = new ArrayList<>();
        List<int[]> sampleOfs = new ArrayList<>();
        List<Tensor> withoutBatch = new ArrayList<>();
        for (Tensor t : ts) {
            List<BatchLayout> layouts = BatchLayout.candidates(t.shape(), batch, preferredDim);
            if (layouts.isEmpty()) {
                withoutBatch.add(t);
            } else {
                withBatch.add(t);
                sampleOfs.add(layouts.get(0).samples(t.shape(), batch));
            }
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i : withBatch.isEmpty() ? new int[0] : samples) {
            Tensor[] seeds = new Tensor[withBatch.size()];
            for (int j = 0; j < seeds.length; j++) {
                seeds[j] = Tensor.of(seedOn(sampleOfs.get(j), i, rng), withBatch.get(j).shape());
            }
            if (strays(withBatch, seeds, i)) {
                return true;
            }
        }
        if (withoutBatch.isEmpty()) {
            return false;
        }
        Tensor[] seeds = new Tensor[withoutBatch.size()];
        for (int j = 0; j < seeds.length; j++) {
            seeds[j] = Tensor.of(seedOn(new int[withoutBatch.get(j).size()], -1, rng), withoutBatch.get(j).shape());
        }
        return strays(withoutBatch, seeds, -1);
    }

    /**
     * True when the gradient of {@code roots} seeded with {@code seeds} holds a NaN or infinity, or
     * reaches a sample other than {@code sample} of some source (with {@code sample} -1: two samples).
     */
    private boolean strays(List<Tensor> roots, Tensor[] seeds, int sample) {
        Tensor[] grads = Autograd.grad(roots.toArray(Tensor[]::new), seeds, false, sourceTensors);
        for (int s = 0; s < grads.length; s++) {
            double[] d = grads[s].data();
            int[] sampleOf = sources.get(s).sampleOf();
            int reached = -1;
            for (int k = 0; k < d.length; k++) {
                if (!Double.isFinite(d[k])) {
                    return true;
                }
                if (d[k] != 0) {
                    if (sample >= 0 ? sampleOf[k] != sample : reached >= 0 && sampleOf[k] != reached) {
                        return true;
                    }
                    reached = sampleOf[k];
                }
            }
        }
        return false;
    }

    private Mixing mixing(Tensor t, BatchLayout layout) {
        int[] sampleOf = layout.samples(t.shape(), batch);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i : samples) {
            double[] g = seedOn(sampleOf, i, rng);
            Mixing m = reach(t, g, i, layout);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    /** For a tensor without the batch: the gradient of all of it reaching two samples or more. */
    private Mixing spread(Tensor t) {
        return reach(t, seedOn(new int[t.size()], -1, new SplittableRandom(seed)), -1, null);
    }

    private Mixing reach(Tensor t, double[] g, int sample, BatchLayout layout) {
        Tensor[] grads = Autograd.grad(t, Tensor.of(g, t.shape()), false, sourceTensors);
        for (int s = 0; s < grads.length; s++) {
            double[] d = grads[s].data();
            int[] sampleOf = sources.get(s).sampleOf();
            TreeSet<Integer> reached = new TreeSet<>();
            for (int k = 0; k < d.length; k++) {
                if (Double.isNaN(d[k])) {
                    sawNaN = true;
                } else if (d[k] != 0) {
                    reached.add(sampleOf[k]);
                }
            }
            boolean mixes = sample < 0 ? reached.size() > 1 : reached.stream().anyMatch(r -> r != sample);
            if (mixes) {
                return new Mixing(sample, sources.get(s), List.copyOf(reached), layout);
            }
        }
        return null;
    }

    /** A random gradient on the entries of {@code sample} (-1: on every entry), zero elsewhere. */
    private static double[] seedOn(int[] sampleOf, int sample, SplittableRandom rng) {
        double[] g = new double[sampleOf.length];
        for (int k = 0; k < g.length; k++) {
            g[k] = sample < 0 || sampleOf[k] == sample ? draw(rng) : 0;
        }
        return g;
    }

    /** A magnitude in [0.5, 1.5) with a random sign: never zero, so no sample's gradient vanishes by chance. */
    private static double draw(SplittableRandom rng) {
        double v = 0.5 + rng.nextDouble();
        return rng.nextBoolean() ? v : -v;
    }
}

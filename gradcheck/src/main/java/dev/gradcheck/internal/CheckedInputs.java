package dev.gradcheck.internal;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;

/**
 * The checked inputs' names and shapes, and what follows from them and the options alone: each
 * input's result template, its random seed, where an entry is, whether a gradient has its size, and
 * which inputs are passed to the function but not differentiated (e.g. integer indices).
 */
final class CheckedInputs {
    private final String[] names;
    private final int[][] shapes;
    private final CheckOptions o;
    /** Per input, why it is not differentiated, or null (the array itself null: every input is). */
    private final String[] fixed;

    CheckedInputs(String[] names, int[][] shapes, CheckOptions o) {
        this(names, shapes, null, o);
    }

    /** @param fixed per input, why it is never perturbed (its result {@code skipped} with that reason), or null */
    CheckedInputs(String[] names, int[][] shapes, String[] fixed, CheckOptions o) {
        this.names = names;
        this.shapes = shapes;
        this.fixed = fixed;
        this.o = o;
    }

    /** Why input i is not differentiated (never perturbed, its gradient not read), or null when it is. */
    String notDifferentiated(int i) {
        return fixed == null ? null : fixed[i];
    }

    int count() {
        return names.length;
    }

    String name(int i) {
        return names[i];
    }

    int[] shape(int i) {
        return shapes[i];
    }

    /** Entry j of input i as printed in messages: {@code [1, 2]}. */
    String place(int i, int j) {
        return Indexing.format(Indexing.unravel(j, shapes[i]));
    }

    /** Input i's result with what every verdict shares: name, shape, seed, mode, scheme, tolerance, reproduce hint. */
    CheckResult.Builder result(int i) {
        String name = names[i];
        String template = o.reproduce() != null ? o.reproduce()
                : "GradCheck.of(f).at(x).mode(Mode." + o.mode() + ").scheme(Scheme." + o.scheme() + ").seed({seed}).check()"
                        + " // input '{name}'";
        return CheckResult.builder(name).shape(shapes[i]).seed(o.seed()).mode(o.mode()).scheme(o.scheme())
                .tolerance(o.tolerance())
                .reproduce(template.replace("{name}", name).replace("{seed}", Long.toString(o.seed())));
    }

    /**
     * The seed of input i's random draws (FAST directions, SAMPLED entries, the Taylor direction):
     * from the check's seed and the input's name, not its position, so a tensor checked alone (as
     * a reproduce hint does) draws what it drew beside others.
     */
    long seed(int i) {
        return Seeds.of(o.seed(), names[i], 0);
    }

    /** Null when {@code gi}, returned by {@code what}, has input i's size, else the problem in words. */
    String sizeProblem(int i, double[] gi, String what) {
        if (gi == null) {
            return what + " returned null for input '" + names[i] + "' of shape " + Indexing.format(shapes[i]);
        }
        if (gi.length != Indexing.size(shapes[i])) {
            return what + " returned a gradient of " + gi.length + " values for input '" + names[i] + "' of shape "
                    + Indexing.format(shapes[i]) + " (" + Indexing.size(shapes[i]) + " values)";
        }
        return null;
    }

    /** The finding kind of a gradient left unsummed over the dimensions its input was broadcast along. */
    static final String UNREDUCED_BROADCAST = "unreduced_broadcast";

    /**
     * The likely cause of a gradient of the wrong size, or null: when it has k > 1 times input i's
     * size and k divides the output's size, the input was broadcast (to the output's shape, or
     * along a batch dimension of k) and its gradient was never summed back, as PyTorch's
     * {@code sum_to_size} does.
     */
    String unreducedBroadcast(int i, double[] gi, int outputSize) {
        long size = Indexing.size(shapes[i]);
        if (gi == null || size == 0 || gi.length <= size || gi.length % size != 0
                || outputSize % (gi.length / size) != 0) {
            return null;
        }
        long k = gi.length / size;
        String times = gi.length == outputSize ? "the output's size" : k + " times the input's size, and the output's "
                + outputSize + " values are a multiple of " + k;
        return times + ": the gradient of an input broadcast along dimensions of " + k
                + " entries in all was not summed back over them (sum it to shape " + Indexing.format(shapes[i]) + ")";
    }

    /** Null when a backward pass returned one gradient per input, else what it returned. */
    String countProblem(double[][] g) {
        if (g != null && g.length == names.length) {
            return null;
        }
        return "backward returned " + (g == null ? "null" : g.length + (g.length == 1 ? " gradient" : " gradients"))
                + " for " + names.length + " inputs (" + String.join(", ", names) + "): one array per input, in order";
    }
}

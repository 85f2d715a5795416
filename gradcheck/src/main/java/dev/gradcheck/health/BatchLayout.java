package dev.gradcheck.health;

import dev.gradcheck.engine.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the samples of a batch of {@code batch} lie in a tensor: along dimension {@code dim} of
 * size {@code batch · block}, each sample in a block of {@code block} consecutive positions (a batch
 * merged with the dimensions after it: {@code (B, T, C) -> (B·T, C)}), or, when
 * {@code interleaved}, at every {@code batch}-th position (merged with the dimensions before it:
 * {@code (T, B, C) -> (T·B, C)}).
 */
record BatchLayout(int dim, int block, boolean interleaved) {
    /**
     * Every layout {@code shape} could hold a batch of {@code batch} in: dimension {@code preferred}
     * first, then the others in order; blocks before interleaving.
     */
    static List<BatchLayout> candidates(Shape shape, int batch, int preferred) {
        List<BatchLayout> out = new ArrayList<>();
        List<Integer> dims = new ArrayList<>();
        if (preferred < shape.rank()) {
            dims.add(preferred);
        }
        for (int d = 0; d < shape.rank(); d++) {
            if (d != preferred) {
                dims.add(d);
            }
        }
        for (int d : dims) {
            int n = shape.dim(d);
            if (n >= batch && n % batch == 0) {
                out.add(new BatchLayout(d, n / batch, false));
                if (n > batch) {
                    out.add(new BatchLayout(d, n / batch, true));
                }
            }
        }
        return out;
    }

    /** The sample of each entry of a tensor of {@code shape}, in row-major order. */
    int[] samples(Shape shape, int batch) {
        int stride = 1;
        for (int d = shape.rank() - 1; d > dim; d--) {
            stride *= shape.dim(d);
        }
        int n = shape.dim(dim);
        int[] out = new int[shape.size()];
        for (int k = 0; k < out.length; k++) {
            int at = (k / stride) % n;
            out[k] = interleaved ? at % batch : at / block;
        }
        return out;
    }

    /** {@code dim 0}, {@code dim 0 in blocks of 5}, {@code dim 0 interleaved}. */
    String describe() {
        return "dim " + dim + (block == 1 ? "" : interleaved ? " interleaved" : " in blocks of " + block);
    }
}

package dev.gradcheck.internal.diagnosis;

import java.util.ArrayList;
import java.util.List;

/**
 * The backward applies a convolution's kernel reversed: analytic = R·Jᵀ·(R'·gradOutput), J the
 * forward's Jacobian by central differences ({@link JacobianProbe#matrix}), R reversing the input
 * along its trailing dimensions (each slice over them, e.g. each channel's H x W image, reversed on
 * its own) and R' reversing each of the output's consecutive blocks of some size (its spatial
 * dims, e.g. each output channel's Ho x Wo map). For a convolution J's entries depend on the offset
 * between output and input position within those dims, and reversing both sides turns the kernel
 * K[p] into K[(k − 1) − p] along each reversed dim. The output is flat in the SPI (its shape
 * unknown), so every block size dividing it is tried, the largest first; the input's trailing dims
 * from the last one alone to all of them. Every entry compared, every one matching (within its
 * tolerance and the product's finite-difference error), 3 or more telling it from the numeric value.
 * With the whole input and output reversed this is a 1-D single-channel kernel's flip.
 */
final class FlippedKernelFinding implements Finding {
    static final String KIND = ReversedFinding.KIND;
    /** The wording when the whole input and output are reversed (a 1-D single-channel kernel). */
    private static final String WHOLE = "analytic equals the true gradient with the input's and the output's entries"
            + " both reversed (analytic = R·Jᵀ·(R·gradOutput), R reversing the order, J the forward's Jacobian by central"
            + " differences)";
    private static final String WHOLE_CAUSE = ": the backward applies the kernel reversed, a flipped kernel (a"
            + " convolution where a correlation was meant, or the reverse: w[K-1-k] for w[k])";

    @Override
    public Diagnosis test(Evidence e) {
        JacobianProbe p = e.jacobian;
        if (!e.full || e.size() < 3 || p == null || p.inputSize() != e.size() || p.outputSize() < 2) {
            return null;
        }
        List<Integer> starts = blockStarts(e.shape);
        if (starts.isEmpty()) {
            return null;
        }
        JacobianProbe.Matrix jacobian = p.matrix();
        if (jacobian == null) {
            return null;
        }
        double[] u = p.gradOutput();
        int m = u.length;
        for (int from : starts) {
            int in = blockSize(e.shape, from);
            for (int out = m; out >= 2; out--) {
                if (m % out != 0) {
                    continue;
                }
                double[] w = reversedBlocks(u, out);
                JacobianProbe.Hypothesis h = (columns, j) -> dot(columns[reversedWithin(j, in)], w);
                if (jacobian.predictsEveryEntry(e, h, 3)) {
                    return Diagnosis.of(KIND, in == e.size() && out == m ? WHOLE + e.every + WHOLE_CAUSE
                            : wording(e, from, out, m));
                }
            }
        }
        return null;
    }

    /** The dims the input's reversal may start at: those longer than 1 whose trailing block has 3+ entries, last first. */
    private static List<Integer> blockStarts(int[] shape) {
        List<Integer> starts = new ArrayList<>();
        for (int from = shape.length - 1; from >= 0; from--) {
            if (shape[from] > 1 && blockSize(shape, from) >= 3) {
                starts.add(from);
            }
        }
        return starts;
    }

    private static int blockSize(int[] shape, int from) {
        int b = 1;
        for (int d = from; d < shape.length; d++) {
            b *= shape[d];
        }
        return b;
    }

    /** Flat offset j with its place in its consecutive block of {@code size} reversed. */
    private static int reversedWithin(int j, int size) {
        int at = j % size;
        return j - at + (size - 1 - at);
    }

    private static double[] reversedBlocks(double[] v, int size) {
        double[] out = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = v[reversedWithin(k, size)];
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    /** The reversal named by the input's dims and the output's blocks, and the kernel's flip in as many dims. */
    private static String wording(Evidence e, int from, int out, int m) {
        List<String> sizes = new ArrayList<>();
        List<Integer> dims = new ArrayList<>();
        for (int d = from; d < e.shape.length; d++) {
            if (e.shape[d] > 1) {
                dims.add(d);
                sizes.add(String.valueOf(e.shape[d]));
            }
        }
        String input = dims.size() == 1 ? "dim " + dims.get(0) : "dims " + Wording.and(dims) + " at once";
        String slices = from == 0 ? "" : sizes.size() == 1 ? " (each line of " + sizes.get(0) + " along it on its own)"
                : " (each " + String.join(" x ", sizes) + " slice on its own)";
        String output = out == m ? "the output's entries reversed" : "the output reversed within each of its " + m / out
                + " consecutive blocks of " + out + " entries";
        String kernel = dims.size() == 1 ? "w[..., K-1-k] for w[..., k]" : dims.size() == 2
                ? "w[..., kh-1-i, kw-1-j] for w[..., i, j]" : "each kernel index k read K-1-k";
        return "analytic equals the true gradient with the input reversed along " + input + slices + " and " + output
                + " (analytic = R·Jᵀ·(R'·gradOutput), R and R' those reversals, J the forward's Jacobian by central"
                + " differences)" + e.every + ": the backward applies the kernel reversed along "
                + (dims.size() == 1 ? "that dim" : "those dims") + ", a flipped kernel (a convolution where a"
                + " correlation was meant, or the reverse: " + kernel + ")";
    }
}

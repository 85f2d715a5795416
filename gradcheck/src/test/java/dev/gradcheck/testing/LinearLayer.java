package dev.gradcheck.testing;

import dev.gradcheck.CustomOp;
import java.util.Arrays;

/**
 * Test fixture: a linear layer written by hand the way a student writes backprop, with a named bug
 * planted in its backward ("ok" for the right one): y = x·W + b of x [lead..., in] (rows = the
 * product of the leading dims), W [in, out] and b [out]; or, in PyTorch's layout
 * ({@code torchLayout}), W [out, in] and y = x·Wᵀ + b. Bugs:
 * <ul>
 * <li>{@code reshaped}: dx = g·W.reshape(out, in) where g·Wᵀ is right (PyTorch's layout:
 *     dx = g·W.reshape(in, out)ᵀ where g·W is right); {@code untransposed} the same for a square W
 *     (dx = g·W);
 * <li>{@code dwReshaped}: dW = x.reshape(in, rows)·g where xᵀ·g is right;
 * <li>{@code dwReshapedBack}: dW = xᵀ.reshape(rows, in)ᵀ·g, xᵀ "transposed back" by a reshape;
 * <li>{@code dwTransposed}: dW written in the other layout, [out, in] for [in, out];
 * <li>{@code dxFactor}: dx doubled;
 * <li>{@code biasFirstRow}: db from the first row only.
 * </ul>
 */
public final class LinearLayer implements CustomOp {
    private final int[] lead;
    private final int rows;
    private final int in;
    private final int out;
    private final boolean torchLayout;
    private final String bug;

    public LinearLayer(int[] lead, int in, int out, boolean torchLayout, String bug) {
        this.lead = lead.clone();
        this.rows = Arrays.stream(lead).reduce(1, (a, b) -> a * b);
        this.in = in;
        this.out = out;
        this.torchLayout = torchLayout;
        this.bug = bug;
    }

    /** The same layer with another bug ("ok": the right one). */
    public LinearLayer withBug(String other) {
        return new LinearLayer(lead, in, out, torchLayout, other);
    }

    @Override
    public String name() {
        return (torchLayout ? "linearT/" : "linear/") + bug;
    }

    @Override
    public int[][] inputShapes() {
        int[] x = Arrays.copyOf(lead, lead.length + 1);
        x[lead.length] = in;
        return new int[][] {x, torchLayout ? new int[] {out, in} : new int[] {in, out}, {out}};
    }

    /** W's entry for input feature i and output feature j, in either layout. */
    private int wAt(int i, int j) {
        return torchLayout ? j * in + i : i * out + j;
    }

    @Override
    public double[] forward(double[][] v) {
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < out; j++) {
                double s = v[2][j];
                for (int i = 0; i < in; i++) {
                    s += v[0][r * in + i] * v[1][wAt(i, j)];
                }
                y[r * out + j] = s;
            }
        }
        return y;
    }

    @Override
    public double[][] backward(double[][] v, double[] g) {
        double[] x = v[0];
        double[] w = v[1];
        double[] dx = new double[rows * in];
        double[] dw = new double[in * out];
        double[] db = new double[out];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < out; j++) {
                double gj = g[r * out + j];
                db[j] = bug.equals("biasFirstRow") ? (r == 0 ? gj : db[j]) : db[j] + gj;
                for (int i = 0; i < in; i++) {
                    dx[r * in + i] += gj * w[dxWeight(i, j)] * (bug.equals("dxFactor") ? 2 : 1);
                    dw[dwAt(i, j)] += dwInput(x, r, i) * gj;
                }
            }
        }
        return new double[][] {dx, dw, db};
    }

    /** The W entry the backward multiplies g[r, j] by for dx[r, i]. */
    private int dxWeight(int i, int j) {
        if (bug.equals("reshaped") || bug.equals("untransposed")) {
            // W.reshape(out, in)[j, i]; PyTorch's layout: W.reshape(in, out)ᵀ[j, i] = W.reshape(in, out)[i, j]
            return torchLayout ? i * out + j : j * in + i;
        }
        return wAt(i, j);
    }

    /** Where dW's term for input feature i and output feature j goes. */
    private int dwAt(int i, int j) {
        boolean otherLayout = bug.equals("dwTransposed") != torchLayout;
        return otherLayout ? j * in + i : i * out + j;
    }

    /** The x entry the backward pairs with g[r, j] for dW[i, j]: xᵀ[i, r], or what the bug reads for it. */
    private double dwInput(double[] x, int r, int i) {
        return switch (bug) {
            case "dwReshaped" -> x[i * rows + r]; // x.reshape(in, rows)[i, r]
            case "dwReshapedBack" -> {
                int k = r * in + i; // xᵀ.reshape(rows, in)[r, i] = xᵀ's entry k in row-major order
                yield x[(k % rows) * in + k / rows];
            }
            default -> x[r * in + i];
        };
    }
}

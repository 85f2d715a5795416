package dev.gradcheck.testing;

import dev.gradcheck.CustomOp;

/**
 * Test fixture: a 2-D convolution written by hand the way a student writes backprop, with a named
 * bug planted in its backward ("ok" for the right one). As PyTorch's conv2d (a cross-correlation),
 * stride 1, zero padding {@code pad}: y[n, o, i, j] = b[o] + Σ_{c, p, q} x[n, c, i + p − pad,
 * j + q − pad]·w[o, c, p, q], of x [N, C, H, W], w [O, C, kh, kw] and b [O]. Bugs:
 * <ul>
 * <li>{@code flip}: dx applies the kernel flipped, w[o, c, kh−1−p, kw−1−q];
 * <li>{@code flipWidth}: dx applies it flipped along the width only, w[o, c, p, kw−1−q];
 * <li>{@code dwFlip}: dw written at [kh−1−p][kw−1−q];
 * <li>{@code transposedKernel}: dx applies w[o, c, q, p] (kh = kw);
 * <li>{@code offByOne}: the backward's loop over output columns stops one early;
 * <li>{@code dwFactor}: dw doubled;
 * <li>{@code channels}: dx of channel c written to channel c + 1 (mod C);
 * <li>{@code dwBatch0}: dw from the first sample only.
 * </ul>
 */
public final class Conv2dLayer implements CustomOp {
    private final int n;
    private final int c;
    private final int o;
    private final int h;
    private final int w;
    private final int kh;
    private final int kw;
    private final int pad;
    private final String bug;

    public Conv2dLayer(int n, int c, int o, int h, int w, int kh, int kw, int pad, String bug) {
        this.n = n;
        this.c = c;
        this.o = o;
        this.h = h;
        this.w = w;
        this.kh = kh;
        this.kw = kw;
        this.pad = pad;
        this.bug = bug;
    }

    /** The same convolution with another bug ("ok": the right one). */
    public Conv2dLayer withBug(String other) {
        return new Conv2dLayer(n, c, o, h, w, kh, kw, pad, other);
    }

    @Override
    public String name() {
        return "conv2d/" + bug;
    }

    @Override
    public int[][] inputShapes() {
        return new int[][] {{n, c, h, w}, {o, c, kh, kw}, {o}};
    }

    /** The output's shape [N, O, Ho, Wo]. */
    public int[] outputShape() {
        return new int[] {n, o, outH(), outW()};
    }

    private int outH() {
        return h + 2 * pad - kh + 1;
    }

    private int outW() {
        return w + 2 * pad - kw + 1;
    }

    private int xAt(int s, int ch, int i, int j) {
        return ((s * c + ch) * h + i) * w + j;
    }

    private int wAt(int f, int ch, int p, int q) {
        return ((f * c + ch) * kh + p) * kw + q;
    }

    private int yAt(int s, int f, int i, int j) {
        return ((s * o + f) * outH() + i) * outW() + j;
    }

    @Override
    public double[] forward(double[][] in) {
        double[] y = new double[n * o * outH() * outW()];
        for (int s = 0; s < n; s++) {
            for (int f = 0; f < o; f++) {
                for (int i = 0; i < outH(); i++) {
                    for (int j = 0; j < outW(); j++) {
                        double v = in[2][f];
                        for (int ch = 0; ch < c; ch++) {
                            for (int p = 0; p < kh; p++) {
                                for (int q = 0; q < kw; q++) {
                                    int a = i + p - pad;
                                    int b = j + q - pad;
                                    if (a >= 0 && a < h && b >= 0 && b < w) {
                                        v += in[0][xAt(s, ch, a, b)] * in[1][wAt(f, ch, p, q)];
                                    }
                                }
                            }
                        }
                        y[yAt(s, f, i, j)] = v;
                    }
                }
            }
        }
        return y;
    }

    @Override
    public double[][] backward(double[][] in, double[] g) {
        double[] x = in[0];
        double[] k = in[1];
        double[] dx = new double[x.length];
        double[] dw = new double[k.length];
        double[] db = new double[o];
        int lastColumn = bug.equals("offByOne") ? outW() - 1 : outW();
        for (int s = 0; s < n; s++) {
            for (int f = 0; f < o; f++) {
                for (int i = 0; i < outH(); i++) {
                    for (int j = 0; j < lastColumn; j++) {
                        double gy = g[yAt(s, f, i, j)];
                        db[f] += gy;
                        for (int ch = 0; ch < c; ch++) {
                            for (int p = 0; p < kh; p++) {
                                for (int q = 0; q < kw; q++) {
                                    int a = i + p - pad;
                                    int b = j + q - pad;
                                    if (a < 0 || a >= h || b < 0 || b >= w) {
                                        continue;
                                    }
                                    int to = bug.equals("channels") ? (ch + 1) % c : ch;
                                    dx[xAt(s, to, a, b)] += gy * k[kernelForDx(f, ch, p, q)];
                                    if (!bug.equals("dwBatch0") || s == 0) {
                                        int at = bug.equals("dwFlip") ? wAt(f, ch, kh - 1 - p, kw - 1 - q)
                                                : wAt(f, ch, p, q);
                                        dw[at] += gy * x[xAt(s, ch, a, b)] * (bug.equals("dwFactor") ? 2 : 1);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {dx, dw, db};
    }

    private int kernelForDx(int f, int ch, int p, int q) {
        return switch (bug) {
            case "flip" -> wAt(f, ch, kh - 1 - p, kw - 1 - q);
            case "flipWidth" -> wAt(f, ch, p, kw - 1 - q);
            case "transposedKernel" -> wAt(f, ch, q, p);
            default -> wAt(f, ch, p, q);
        };
    }
}

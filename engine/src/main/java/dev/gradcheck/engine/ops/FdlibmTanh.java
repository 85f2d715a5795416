/*
 * tanh and expm1 translated to Java from fdlibm 5.3 (s_tanh.c, s_expm1.c), whose notice follows.
 *
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunPro, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 */
package dev.gradcheck.engine.ops;

/**
 * fdlibm's tanh in plain Java, for gelu's tanh form (the {@code tanh} op itself runs the faster
 * {@link TanhKernel}).
 *
 * <p>Why: {@link StrictMath#tanh} is specified to give fdlibm's results, and on JDK 17 it is a
 * native (JNI) call that {@link Math#tanh} delegates to: about 17 ns per element here. This port of the same C code (s_tanh.c, s_expm1.c; JDK 21
 * made the same port) gives the same bits, inlined, in about 8–10 ns. {@code FdlibmTanhTest}
 * checks it against {@code StrictMath} bit for bit on millions of arguments.
 */
final class FdlibmTanh {
    private static final double ONE = 1.0;
    private static final double HUGE = 1.0e+300;
    private static final double TINY = 1.0e-300;
    private static final double O_THRESHOLD = Double.longBitsToDouble(0x40862E42FEFA39EFL);
    private static final double LN2_HI = Double.longBitsToDouble(0x3fe62e42fee00000L);
    private static final double LN2_LO = Double.longBitsToDouble(0x3dea39ef35793c76L);
    private static final double INVLN2 = Double.longBitsToDouble(0x3ff71547652b82feL);
    private static final double Q1 = Double.longBitsToDouble(0xBFA11111111110F4L);
    private static final double Q2 = Double.longBitsToDouble(0x3F5A01A019FE5585L);
    private static final double Q3 = Double.longBitsToDouble(0xBF14CE199EAADBB7L);
    private static final double Q4 = Double.longBitsToDouble(0x3ED0CFCA86E65239L);
    private static final double Q5 = Double.longBitsToDouble(0xBE8AFDB76E09C32DL);

    private FdlibmTanh() {
    }

    private static int hi(double x) {
        return (int) (Double.doubleToRawLongBits(x) >>> 32);
    }

    private static int lo(double x) {
        return (int) Double.doubleToRawLongBits(x);
    }

    private static double withHi(double x, int h) {
        return Double.longBitsToDouble(((long) h << 32) | (Double.doubleToRawLongBits(x) & 0xffffffffL));
    }

    /** tanh(x), the same bits as {@link StrictMath#tanh}. */
    static double tanh(double x) {
        double t;
        double z;
        int jx = hi(x);
        int ix = jx & 0x7fffffff;
        if (ix >= 0x7ff00000) { // inf or NaN
            return jx >= 0 ? ONE / x + ONE : ONE / x - ONE;
        }
        if (ix < 0x40360000) { // |x| < 22
            if (ix < 0x3c800000) { // |x| < 2^-55
                return x * (ONE + x);
            }
            if (ix >= 0x3ff00000) { // |x| >= 1
                t = expm1Large(2.0 * Math.abs(x));
                z = ONE - 2.0 / (t + 2.0);
            } else {
                t = expm1Small(-2.0 * Math.abs(x));
                z = -t / (t + 2.0);
            }
        } else {
            z = ONE - TINY;
        }
        return jx >= 0 ? z : -z;
    }

    /**
     * {@link #expm1} for the arguments tanh gives it when |x| >= 1, i.e. 2 <= x < 44: the same
     * operations on the only branches such an argument takes (small enough for the JIT to inline).
     */
    private static double expm1Large(double x) {
        int k = (int) (INVLN2 * x + 0.5);
        if (k < 2) {
            return expm1(x);
        }
        double t = k;
        double hi = x - t * LN2_HI;
        double lo = t * LN2_LO;
        x = hi - lo;
        double c = (hi - x) - lo;
        double hfx = 0.5 * x;
        double hxs = x * hfx;
        double r1 = ONE + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
        t = 3.0 - r1 * hfx;
        double e = hxs * ((r1 - t) / (6.0 - x * t));
        e = x * (e - c) - c;
        e -= hxs;
        double y;
        if (k > 56) {
            y = ONE - (e - x);
            y = withHi(y, hi(y) + (k << 20));
            return y - ONE;
        }
        if (k < 20) {
            t = withHi(ONE, 0x3ff00000 - (0x200000 >> k));
            y = t - (e - x);
        } else {
            t = withHi(ONE, (0x3ff - k) << 20);
            y = x - (e + t);
            y += ONE;
        }
        return withHi(y, hi(y) + (k << 20));
    }

    /**
     * {@link #expm1} for the arguments tanh gives it when |x| < 1, i.e. −2 < x <= −2^-54: the
     * same operations on the only branches such an argument takes.
     */
    private static double expm1Small(double x) {
        int hx = hi(x) & 0x7fffffff;
        if (hx < 0x3c900000 || hx >= 0x40000000 || x >= 0) {
            return expm1(x);
        }
        int k;
        double c = 0;
        if (hx > 0x3fd62e42) {
            double hi;
            double lo;
            if (hx < 0x3FF0A2B2) {
                hi = x + LN2_HI;
                lo = -LN2_LO;
                k = -1;
            } else {
                k = (int) (INVLN2 * x - 0.5);
                double t = k;
                hi = x - t * LN2_HI;
                lo = t * LN2_LO;
            }
            x = hi - lo;
            c = (hi - x) - lo;
        } else {
            k = 0;
        }
        double hfx = 0.5 * x;
        double hxs = x * hfx;
        double r1 = ONE + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
        double t = 3.0 - r1 * hfx;
        double e = hxs * ((r1 - t) / (6.0 - x * t));
        if (k == 0) {
            return x - (x * e - hxs);
        }
        e = x * (e - c) - c;
        e -= hxs;
        if (k == -1) {
            return 0.5 * (x - e) - 0.5;
        }
        double y = ONE - (e - x); // k <= -2
        y = withHi(y, hi(y) + (k << 20));
        return y - ONE;
    }

    static double expm1(double x) {
        double y;
        double hi;
        double lo;
        double c = 0;
        double t;
        double e;
        int k;
        int hx = hi(x);
        int xsb = hx & 0x80000000;
        hx &= 0x7fffffff;
        if (hx >= 0x4043687A) { // |x| >= 56 ln2
            if (hx >= 0x40862E42) { // |x| >= 709.78
                if (hx >= 0x7ff00000) {
                    if (((hx & 0xfffff) | lo(x)) != 0) {
                        return x + x;
                    }
                    return xsb == 0 ? x : -1.0;
                }
                if (x > O_THRESHOLD) {
                    return HUGE * HUGE;
                }
            }
            if (xsb != 0 && x + TINY < 0.0) {
                return TINY - ONE;
            }
        }
        if (hx > 0x3fd62e42) { // |x| > 0.5 ln2: argument reduction
            if (hx < 0x3FF0A2B2) { // and |x| < 1.5 ln2
                if (xsb == 0) {
                    hi = x - LN2_HI;
                    lo = LN2_LO;
                    k = 1;
                } else {
                    hi = x + LN2_HI;
                    lo = -LN2_LO;
                    k = -1;
                }
            } else {
                k = (int) (INVLN2 * x + (xsb == 0 ? 0.5 : -0.5));
                t = k;
                hi = x - t * LN2_HI;
                lo = t * LN2_LO;
            }
            x = hi - lo;
            c = (hi - x) - lo;
        } else if (hx < 0x3c900000) { // |x| < 2^-54
            t = HUGE + x;
            return x - (t - (HUGE + x));
        } else {
            k = 0;
        }
        double hfx = 0.5 * x;
        double hxs = x * hfx;
        double r1 = ONE + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
        t = 3.0 - r1 * hfx;
        e = hxs * ((r1 - t) / (6.0 - x * t));
        if (k == 0) {
            return x - (x * e - hxs);
        }
        e = x * (e - c) - c;
        e -= hxs;
        if (k == -1) {
            return 0.5 * (x - e) - 0.5;
        }
        if (k == 1) {
            return x < -0.25 ? -2.0 * (e - (x + 0.5)) : ONE + 2.0 * (x - e);
        }
        if (k <= -2 || k > 56) {
            y = ONE - (e - x);
            y = withHi(y, hi(y) + (k << 20));
            return y - ONE;
        }
        if (k < 20) {
            t = withHi(ONE, 0x3ff00000 - (0x200000 >> k));
            y = t - (e - x);
            y = withHi(y, hi(y) + (k << 20));
        } else {
            t = withHi(ONE, (0x3ff - k) << 20);
            y = x - (e + t);
            y += ONE;
            y = withHi(y, hi(y) + (k << 20));
        }
        return y;
    }
}

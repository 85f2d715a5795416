package dev.gradcheck.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ValueTest {

    /** micrograd's README example, step by step as written there. */
    @Test
    void reproducesTheMicrogradReadmeExample() {
        Value a = new Value(-4.0);
        Value b = new Value(2.0);
        Value c = a.add(b);
        Value d = a.mul(b).add(b.pow(3));
        c = c.add(c.add(1));                                   // c += c + 1
        c = c.add(new Value(1).add(c).add(a.neg()));           // c += 1 + c + (-a)
        d = d.add(d.mul(2).add(b.add(a).relu()));              // d += d * 2 + (b + a).relu()
        d = d.add(d.mul(3).add(b.sub(a).relu()));              // d += 3 * d + (b - a).relu()
        Value e = c.sub(d);
        Value f = e.pow(2);
        Value g = f.div(2.0);
        g = g.add(f.rdiv(10.0));                               // g += 10.0 / f
        g.backward();

        // The README's printed values (4 decimals) ...
        assertEquals(24.7041, round4(g.data()), 0.0, "g");
        assertEquals(138.8338, round4(a.grad()), 0.0, "dg/da");
        assertEquals(645.5773, round4(b.grad()), 0.0, "dg/db");
        // ... and PyTorch 1.13's float64 values for the same expression.
        assertEquals(24.70408163265306, g.data(), 1e-12, "g vs torch");
        assertEquals(138.83381924198252, a.grad(), 1e-10, "dg/da vs torch");
        assertEquals(645.5772594752186, b.grad(), 1e-10, "dg/db vs torch");
    }

    private static double round4(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    @Test
    void eachOperationsDerivativeMatchesCentralDifferences() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 50; trial++) {
            double x0 = 0.2 + rng.nextDouble() * 2;   // positive, away from relu's kink
            double y0 = 0.5 + rng.nextDouble();
            double h = 1e-6;
            double[] analytic = gradients(x0, y0);
            double dx = (expr(x0 + h, y0).data() - expr(x0 - h, y0).data()) / (2 * h);
            double dy = (expr(x0, y0 + h).data() - expr(x0, y0 - h).data()) / (2 * h);
            assertEquals(dx, analytic[0], 1e-6 * Math.max(1, Math.abs(dx)), "d/dx at x=" + x0 + ", y=" + y0);
            assertEquals(dy, analytic[1], 1e-6 * Math.max(1, Math.abs(dy)), "d/dy at x=" + x0 + ", y=" + y0);
        }
    }

    /** Uses every operation once: add, sub, mul, div, neg, pow, exp, tanh, relu, with constants. */
    private static Value expr(double x0, double y0) {
        return expr(new Value(x0), new Value(y0));
    }

    private static Value expr(Value x, Value y) {
        Value t = x.mul(y).add(x.div(y)).sub(y.pow(1.5)).tanh();
        Value u = x.neg().exp().add(x.sub(0.1).relu()).mul(3.0).sub(t);
        return u.add(t.rsub(2.0).div(y.add(1.0)));
    }

    private static double[] gradients(double x0, double y0) {
        Value x = new Value(x0);
        Value y = new Value(y0);
        expr(x, y).backward();
        return new double[] {x.grad(), y.grad()};
    }

    @Test
    void aValueUsedTwiceAccumulatesBothPaths() {
        Value a = new Value(3.0);
        Value b = a.add(a);        // micrograd's classic bug: b = a + a must give db/da = 2
        b.backward();
        assertEquals(2.0, a.grad(), 0.0);
        Value c = new Value(3.0);
        c.mul(c).backward();
        assertEquals(6.0, c.grad(), 0.0);
    }

    @Test
    void reluHasZeroGradientAtAndBelowZero() {
        Value z = new Value(0.0);
        Value n = new Value(-1.0);
        z.relu().add(n.relu()).backward();
        assertEquals(0.0, z.grad(), 0.0);
        assertEquals(0.0, n.grad(), 0.0);
    }

    @Test
    void gradientsAccumulateUntilZeroGrad() {
        Value x = new Value(2.0);
        x.mul(5.0).backward();
        x.mul(5.0).backward();
        assertEquals(10.0, x.grad(), 0.0);
        x.zeroGrad();
        assertEquals(0.0, x.grad(), 0.0);
    }

    @Test
    void aHundredThousandNodeChainDoesNotOverflowTheStack() {
        Value x = new Value(1.0);
        Value t = x;
        for (int i = 0; i < 100_000; i++) {
            t = t.add(1.0).mul(1.0);
        }
        t.backward();
        assertEquals(100_001.0, t.data(), 0.0);
        assertEquals(1.0, x.grad(), 0.0);
    }

    @Test
    void printsLikeMicrograd() {
        assertEquals("Value(data=2.0, grad=0.0)", new Value(2.0).toString());
    }
}

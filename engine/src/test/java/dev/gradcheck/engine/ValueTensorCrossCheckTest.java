package dev.gradcheck.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The scalar {@link Value} and the tensor engine are independent; on the same expression they must agree. */
class ValueTensorCrossCheckTest {
    static final int N = 6;

    @Test
    void valueAndTensorAgreeOnValueAndGradients() {
        for (long seed = 0; seed < 10; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            double[] x = new double[N];
            double[] w = new double[N];
            for (int i = 0; i < N; i++) {
                x[i] = rng.nextGaussian();
                w[i] = rng.nextGaussian();
            }
            double b = rng.nextGaussian();

            // f = sum_i tanh(x_i * w_i + b)^3 + 0.5 * x_i^2
            Tensor tx = Tensor.of(x, N).requiresGrad();
            Tensor tw = Tensor.of(w, N).requiresGrad();
            Tensor tb = Tensor.scalar(b).requiresGrad();
            Tensor tf = tx.mul(tw).add(tb).tanh().pow(3).add(tx.pow(2).mul(0.5)).sum();
            tf.backward();

            Value[] vx = new Value[N];
            Value[] vw = new Value[N];
            Value vb = new Value(b);
            Value vf = new Value(0);
            for (int i = 0; i < N; i++) {
                vx[i] = new Value(x[i]);
                vw[i] = new Value(w[i]);
                vf = vf.add(vx[i].mul(vw[i]).add(vb).tanh().pow(3).add(vx[i].pow(2).mul(0.5)));
            }
            vf.backward();

            String at = " (seed " + seed + ")";
            assertEquals(vf.data(), tf.item(), 1e-12, "f" + at);
            assertEquals(vb.grad(), tb.grad().item(), 1e-12, "df/db" + at);
            for (int i = 0; i < N; i++) {
                assertEquals(vx[i].grad(), tx.grad().get(i), 1e-12, "df/dx[" + i + "]" + at);
                assertEquals(vw[i].grad(), tw.grad().get(i), 1e-12, "df/dw[" + i + "]" + at);
            }
        }
    }
}

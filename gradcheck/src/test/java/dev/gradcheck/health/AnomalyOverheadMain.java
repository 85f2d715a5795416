package dev.gradcheck.health;

import dev.gradcheck.engine.AnomalyMode;
import dev.gradcheck.engine.Functional;
import dev.gradcheck.engine.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Measures anomaly-mode overhead by hand (not a test: timings do not belong in unit tests):
 * forward+backward of the 26,122-parameter MLP of the peers' benchmark (batch 32, 64-128-128-10,
 * tanh, cross-entropy), with and without {@link AnomalyMode#start()}, interleaved, after warm-up;
 * prints the medians and their ratio. Run from the repository root after {@code mvn -o -q test-compile -pl gradcheck -am}:
 *
 * <pre>
 * java -cp gradcheck/target/test-classes:gradcheck/target/classes:engine/target/classes \
 *     dev.gradcheck.health.AnomalyOverheadMain [rounds]
 * </pre>
 */
public final class AnomalyOverheadMain {
    private AnomalyOverheadMain() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 41;
        SplittableRandom rng = new SplittableRandom(0);
        Tensor x = Tensor.randn(rng, 32, 64);
        long[] labels = new long[32];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rng.nextInt(10);
        }
        Tensor y = Tensor.ofLongs(labels, 32);
        int[] sizes = {64, 128, 128, 10};
        Tensor[] w = new Tensor[3];
        Tensor[] b = new Tensor[3];
        long params = 0;
        for (int l = 0; l < 3; l++) {
            w[l] = Tensor.randn(rng, sizes[l], sizes[l + 1]).mul(1 / Math.sqrt(sizes[l])).detach().requiresGrad();
            b[l] = Tensor.zeros(sizes[l + 1]).requiresGrad();
            params += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        int inner = 200;
        for (int i = 0; i < 20; i++) { // warm-up of both paths
            time(x, y, w, b, inner, false);
            time(x, y, w, b, inner, true);
        }
        double[] plain = new double[rounds];
        double[] anomaly = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            plain[r] = time(x, y, w, b, inner, false);
            anomaly[r] = time(x, y, w, b, inner, true);
        }
        double p = median(plain);
        double a = median(anomaly);
        System.out.printf(java.util.Locale.ROOT,
                "{\"params\": %d, \"forward_backward_ms\": %.4f, \"anomaly_forward_backward_ms\": %.4f, \"ratio\": %.3f}%n",
                params, p, a, a / p);
    }

    /** Milliseconds per forward+backward, averaged over {@code n} runs. */
    private static double time(Tensor x, Tensor y, Tensor[] w, Tensor[] b, int n, boolean anomalyMode) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (anomalyMode) {
                try (AnomalyMode.Session s = AnomalyMode.start()) {
                    step(x, y, w, b);
                    if (s.found()) {
                        throw new IllegalStateException("unexpected anomaly: " + s.anomalies());
                    }
                }
            } else {
                step(x, y, w, b);
            }
        }
        return (System.nanoTime() - t0) / 1e6 / n;
    }

    private static void step(Tensor x, Tensor y, Tensor[] w, Tensor[] b) {
        Tensor h = x;
        for (int l = 0; l < 3; l++) {
            h = h.matmul(w[l]).add(b[l]);
            if (l < 2) {
                h = h.tanh();
            }
        }
        Functional.crossEntropy(h, y).backward();
        for (int l = 0; l < 3; l++) {
            w[l].zeroGrad();
            b[l].zeroGrad();
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}

package dev.gradcheck.engine.nn.examples;

import dev.gradcheck.engine.GradMode;
import dev.gradcheck.engine.Ops;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.nn.LrSchedule;
import dev.gradcheck.engine.nn.Mlp;
import dev.gradcheck.engine.nn.Optimizer;
import dev.gradcheck.engine.nn.SGD;
import dev.gradcheck.engine.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The seed notes' training loop, runnable: a small MLP learns to classify a three-armed spiral
 * it generates itself.
 *
 * <pre>
 * for epoch in range(num_epochs):
 *     for batch in training_data:
 *         predictions = model(batch.inputs)                 # 1. forward
 *         loss = loss_function(predictions, batch.targets)  # 2. loss
 *         loss.backward()                                   # 3. backward
 *         optimizer.step()                                  # 4. update
 *         optimizer.zero_grad()                             # 5. reset
 * </pre>
 *
 * Run: {@code java -cp engine/target/classes dev.gradcheck.engine.nn.examples.TrainingLoop [epochs] [seed]}
 */
public final class TrainingLoop {
    static final int CLASSES = 3;
    static final int POINTS_PER_CLASS = 60;
    static final int BATCH = 30;

    private TrainingLoop() {
    }

    /** The outcome: mean training loss per epoch and the final accuracy. */
    public record Result(List<Double> epochLosses, double accuracy) {
    }

    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 0L;
        Result r = run(epochs, seed, true);
        System.out.printf(Locale.ROOT, "final loss %.4f, accuracy %.1f%%%n",
                r.epochLosses().get(r.epochLosses().size() - 1), 100 * r.accuracy());
    }

    /** Trains for {@code epochs} epochs from {@code seed}; prints progress when {@code verbose}. */
    public static Result run(int epochs, long seed, boolean verbose) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] x = new double[CLASSES * POINTS_PER_CLASS][];
        long[] y = new long[x.length];
        spiral(rng, x, y);

        Sequential model = Mlp.builder().sizes(2, 32, CLASSES).activation("relu").build(rng);
        Optimizer optimizer = new SGD(model.parameters(), 0.2, 0.9, 1e-4);
        LrSchedule schedule = LrSchedule.cosine(0.2, epochs, 0.01);

        List<Double> losses = new ArrayList<>();
        int[] order = new int[x.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int epoch = 0; epoch < epochs; epoch++) {
            schedule.applyTo(optimizer, epoch);
            shuffle(order, rng);
            double total = 0;
            for (int start = 0; start < order.length; start += BATCH) {
                int n = Math.min(BATCH, order.length - start);
                Tensor inputs = rows(x, order, start, n);
                Tensor targets = labels(y, order, start, n);
                Tensor predictions = model.forward(inputs);                             // 1. forward
                Tensor loss = Ops.apply("cross_entropy", predictions, targets);         // 2. loss
                loss.backward();                                                        // 3. backward
                optimizer.step();                                                       // 4. update
                optimizer.zeroGrad();                                                   // 5. reset
                total += loss.item() * n;
            }
            losses.add(total / order.length);
            if (verbose && (epoch % 10 == 0 || epoch == epochs - 1)) {
                System.out.printf(Locale.ROOT, "epoch %3d  lr %.4f  loss %.4f%n", epoch, optimizer.lr(),
                        losses.get(epoch));
            }
        }
        return new Result(losses, accuracy(model, x, y));
    }

    /** Three interleaved spiral arms with a little noise (the CS231n toy set). */
    static void spiral(SplittableRandom rng, double[][] x, long[] y) {
        for (int c = 0; c < CLASSES; c++) {
            for (int i = 0; i < POINTS_PER_CLASS; i++) {
                double r = (double) i / (POINTS_PER_CLASS - 1);
                double theta = c * 4.0 + r * 4.0 + 0.2 * rng.nextGaussian();
                int k = c * POINTS_PER_CLASS + i;
                x[k] = new double[] {r * Math.sin(theta), r * Math.cos(theta)};
                y[k] = c;
            }
        }
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static Tensor rows(double[][] x, int[] order, int start, int n) {
        double[] d = new double[n * 2];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x[order[start + i]], 0, d, 2 * i, 2);
        }
        return Tensor.of(d, n, 2);
    }

    private static Tensor labels(long[] y, int[] order, int start, int n) {
        long[] d = new long[n];
        for (int i = 0; i < n; i++) {
            d[i] = y[order[start + i]];
        }
        return Tensor.ofLongs(d, n);
    }

    private static double accuracy(Sequential model, double[][] x, long[] y) {
        int[] all = new int[x.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        Tensor logits;
        try (GradMode.Scope s = GradMode.disabled()) {
            logits = model.forward(rows(x, all, 0, x.length));
        }
        int correct = 0;
        for (int i = 0; i < x.length; i++) {
            int best = 0;
            for (int c = 1; c < CLASSES; c++) {
                if (logits.get(i, c) > logits.get(i, best)) {
                    best = c;
                }
            }
            correct += best == y[i] ? 1 : 0;
        }
        return (double) correct / x.length;
    }
}

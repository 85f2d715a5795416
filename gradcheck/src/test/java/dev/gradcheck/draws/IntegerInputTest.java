package dev.gradcheck.draws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOp;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.Domain;
import dev.gradcheck.Status;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * An input with an integer domain (an embedding's index) is never perturbed: the op is not called
 * at a non-integer index (which an embedding rightly refuses), the input's result is skipped, and
 * the other inputs are checked as usual. Before, the index was differentiated numerically like any
 * input and only relabelled afterwards, so a correct embedding was an error.
 */
class IntegerInputTest {
    /** y = W[idx, :] for W of 4 x 3; {@code wrongRow} scatters the gradient one row off. */
    static final class Embedding implements CustomOp {
        final List<Double> indicesSeen = new CopyOnWriteArrayList<>();
        private final boolean wrongRow;

        Embedding(boolean wrongRow) {
            this.wrongRow = wrongRow;
        }

        @Override
        public String name() {
            return wrongRow ? "embedding_wrong_row" : "embedding";
        }

        @Override
        public int[][] inputShapes() {
            return new int[][] {{1}, {4, 3}};
        }

        @Override
        public Domain domain(int input) {
            return input == 0 ? Domain.integers(0, 3) : Domain.undeclared();
        }

        @Override
        public double[] forward(double[][] in) {
            return Arrays.copyOfRange(in[1], 3 * row(in[0][0]), 3 * row(in[0][0]) + 3);
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            int k = (row(in[0][0]) + (wrongRow ? 1 : 0)) % 4;
            double[] dW = new double[12];
            System.arraycopy(g, 0, dW, 3 * k, 3);
            return new double[][] {new double[1], dW};
        }

        private int row(double index) {
            indicesSeen.add(index);
            if (index != Math.rint(index) || index < 0 || index > 3) {
                throw new IllegalArgumentException("index " + index);
            }
            return (int) index;
        }
    }

    @Test
    void anEmbeddingIsCheckedInItsTableOnly() {
        Embedding op = new Embedding(false);
        CheckResult r = CustomOpCheck.check(op, CheckOptions.defaults());
        assertEquals(Status.PASS, r.status(), r::toString);
        for (CheckResult in : r.inputs()) {
            if (in.name().equals("input0")) {
                assertEquals(Status.SKIPPED, in.status(), r::toString);
                assertTrue(in.error().contains("integer values (integer in [0, 3]): not differentiable (integer domain)"),
                        in::error);
            } else {
                assertEquals(Status.PASS, in.status(), r::toString);
            }
        }
        assertTrue(op.indicesSeen.stream().allMatch(i -> i == Math.rint(i)), () -> "perturbed: " + op.indicesSeen);
    }

    @Test
    void aWrongGradientOfTheTableIsAFailureNotAnError() {
        CheckResult r = CustomOpCheck.check(new Embedding(true), CheckOptions.defaults());
        assertEquals(Status.FAIL, r.status(), r::toString);
        assertTrue(r.error() == null, r::toString);
    }
}

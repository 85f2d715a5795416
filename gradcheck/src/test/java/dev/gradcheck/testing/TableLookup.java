package dev.gradcheck.testing;

import dev.gradcheck.CustomOp;
import dev.gradcheck.Domain;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test fixture: an embedding, y = W[index, :] for a table W of 4 x 3 and an index declared an
 * integer in [0, 3]. The forward and backward refuse an index that is not such an integer, as a
 * real embedding does, and record every index they were called at; a {@code wrongRow} backward
 * scatters the gradient one row off.
 */
public class TableLookup implements CustomOp {
    /** Every index the op was called at, in order. */
    public final List<Double> indicesSeen = new CopyOnWriteArrayList<>();
    private final String name;
    private final boolean wrongRow;

    public TableLookup(String name, boolean wrongRow) {
        this.name = name;
        this.wrongRow = wrongRow;
    }

    @Override
    public String name() {
        return name;
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
        int k = row(in[0][0]);
        return Arrays.copyOfRange(in[1], 3 * k, 3 * k + 3);
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
            throw new IllegalArgumentException("index " + index + " is not an integer in [0, 3]");
        }
        return (int) index;
    }
}

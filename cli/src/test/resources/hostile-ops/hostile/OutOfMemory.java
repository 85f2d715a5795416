package hostile;

import java.util.ArrayList;
import java.util.List;

/** Forward keeps every array it allocates until the heap is gone. */
public final class OutOfMemory extends SquareBase {
    public String name() { return "out_of_memory"; }
    @Override public double[] forward(double[][] in) {
        List<double[]> hoard = new ArrayList<>();
        while (hoard.size() >= 0) {
            hoard.add(new double[1 << 20]);
        }
        return super.forward(in);
    }
}

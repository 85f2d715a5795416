package dev.gradcheck.cli;

import dev.gradcheck.internal.diagnosis.Diagnosis;
import dev.gradcheck.model.GradientComparison;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.NodeSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * compare's diagnosis when the file's gradient is exactly zero on whole rows of a table an op
 * picks rows from by index (an embedding's weight) where the reference is not, and agrees on
 * every other row: PyTorch's {@code nn.Embedding(padding_idx=…)} gives its padding row no
 * gradient, and an ONNX export drops {@code padding_idx} (Gather has none), so the model
 * differentiates that row as any other. Not a pass: the two gradients differ, for that reason.
 */
final class PaddingRows {
    private PaddingRows() {
    }

    /**
     * The diagnosis for tensor {@code name} of {@code model} (shape {@code dims}), or null when
     * the pattern does not hold.
     */
    static Diagnosis of(Model model, String name, int[] dims, double[] theirs, double[] reference, double atol,
            double rtol) {
        if (dims.length != 2 || dims[1] == 0 || !rowsPicked(model, name)) {
            return null;
        }
        int cols = dims[1];
        List<Integer> zeroRows = new ArrayList<>();
        for (int r = 0; r < dims[0]; r++) {
            boolean agrees = true;
            boolean theirsZero = true;
            boolean referenceZero = true;
            for (int c = r * cols; c < (r + 1) * cols; c++) {
                agrees &= GradientComparison.agrees(theirs[c], reference[c], atol, rtol);
                theirsZero &= theirs[c] == 0;
                referenceZero &= reference[c] == 0;
            }
            if (!agrees) {
                if (!theirsZero || referenceZero) {
                    return null;
                }
                zeroRows.add(r);
            }
        }
        if (zeroRows.isEmpty()) {
            return null;
        }
        String rows = (zeroRows.size() == 1 ? "row " : "rows ") + String.join(", ", zeroRows.stream().limit(8)
                .map(String::valueOf).toList()) + (zeroRows.size() > 8 ? " and " + (zeroRows.size() - 8) + " more" : "");
        return Diagnosis.of("padding_row", "theirs is exactly 0 on " + rows + " of '" + name + "', where the reference "
                + "is not, and agrees on every other row: '" + name + "' is a table whose rows the model picks by index "
                + "(an embedding), and a row PyTorch gives no gradient is nn.Embedding's padding_idx, which the ONNX "
                + "export drops (Gather has no padding_idx; torch.onnx warns so), so the model differentiates that row "
                + "as any other: the difference is the export's, not a bug in either backward");
    }

    /** True when some node of {@code model} picks rows of {@code name} by index. */
    private static boolean rowsPicked(Model model, String name) {
        for (NodeSpec n : model.nodes()) {
            int k = n.op().rowsPickedFrom();
            if (k >= 0 && k < n.inputs().size() && n.inputs().get(k).equals(name)) {
                return true;
            }
        }
        return false;
    }
}

package dev.gradcheck.cli;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.io.StoredTensor;
import dev.gradcheck.model.ModelFileException;
import java.nio.file.Path;
import java.util.List;

/** What a file of gradients computed elsewhere must hold: floating-point arrays only. */
final class GradientArrays {
    private GradientArrays() {
    }

    /**
     * Refuses an integer (or boolean) array: no gradient is one, and read as numbers it would be
     * compared as if it were (a gradient of all zeros, say), a likely mix-up of files or keys.
     *
     * @throws ModelFileException naming {@code file} and the array (exit 3)
     */
    static void requireFloat(Path file, List<StoredTensor> read) {
        for (StoredTensor t : read) {
            if (t.tensor().dtype() != DType.FLOAT64) {
                throw new ModelFileException(file, null, -1, -1, t.key(), "'" + t.key() + "' is " + t.stored() + " "
                        + t.tensor().shape() + ": a gradient is floating-point (float64 or float32), so this is not "
                        + "one; save the params' .grad tensors (e.g. p.grad.double().numpy())");
            }
        }
    }
}

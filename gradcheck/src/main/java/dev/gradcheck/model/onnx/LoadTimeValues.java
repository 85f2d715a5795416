package dev.gradcheck.model.onnx;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.LoadOptions;
import dev.gradcheck.model.ModelFileException;
import dev.gradcheck.model.onnx.OnnxProto.TensorProto;
import dev.gradcheck.model.onnx.Value.Const;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The initializers read at load time (constants: integer buffers such as a permutation used as
 * indices, float buffers used only as masks or behind a Cast), with the values used: a PyTorch
 * state dict in {@code --values} holds these buffers under the same names, and its value is
 * the one used (as {@code --values} replaces any buffer); else the file's. The model keeps them
 * ({@link dev.gradcheck.model.Model#loadTimeConstants()}) so a values file that names them later
 * is accepted when it gives the same values.
 */
final class LoadTimeValues {
    /** The engine holds values as float64: integers beyond 2^53 cannot be given in a values file. */
    private static final double EXACT = 0x1p53;

    private final OnnxSource src;
    private final LoadOptions options;
    private final OnnxNotes notes;
    private final Map<String, Tensor> used = new LinkedHashMap<>();

    LoadTimeValues(OnnxSource src, LoadOptions options, OnnxNotes notes) {
        this.src = src;
        this.options = options;
        this.notes = notes;
    }

    /** The value of initializer {@code t} (decoded as {@code fromFile}) the graph computes with. */
    Const read(TensorProto t, Const fromFile) {
        String name = t.name();
        Tensor given = options.values().get(name);
        if (given == null) {
            if (Arrays.stream(fromFile.doubles()).allMatch(d -> Math.abs(d) <= EXACT || fromFile.floats() != null)) {
                used.put(name, fromFile.tensor());
            }
            return fromFile;
        }
        if (!given.shape().equals(fromFile.shape()) || given.dtype() != fromFile.dtype()) {
            throw new ModelFileException(options.valuesFile(), null, -1, -1, name, "'" + name + "' is "
                    + given.dtype().label() + " " + given.shape() + ", but the ONNX graph " + src.file() + " has it as "
                    + fromFile.dtype().label() + " " + fromFile.shape() + " (an initializer the graph reads at load "
                    + "time, at " + t.pointer() + ")");
        }
        Const read = Const.of(given, fromFile.type());
        if (!Arrays.equals(read.doubles(), fromFile.doubles())) {
            notes.add("'" + name + "' is read at load time (the graph uses it only as a constant: indices, a mask, "
                    + "class weights), with its value from " + options.valuesFile() + ", not the file's");
        }
        used.put(name, given);
        return read;
    }

    /** The values used, by initializer name. */
    Map<String, Tensor> values() {
        return used;
    }
}

package dev.gradcheck.model;

import dev.gradcheck.model.onnx.OnnxReader;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads and validates a model file, whatever its format: the file's bytes are read once and
 * handed to the first {@link ModelReader} that recognizes their format by content, the
 * {@code gradcheck-model/1} JSON reader ({@link JsonModelReader}) reading whatever none
 * recognizes. Everything is checked before anything is computed: for a JSON file the JSON, the
 * format tag, keys, names, ops (against the op registry), arity, attributes, dimensions and
 * limits, init values and data files, the order of definitions, and every node's output shape by
 * static shape inference. The first problem found is thrown as a {@link ModelFileException}
 * naming the file, the JSON Pointer, {@code line:column} and the node.
 *
 * <pre>{@code
 * Model m = ModelLoader.load(Path.of("examples/tiny-mlp.json"));
 * }</pre>
 */
public final class ModelLoader {
    /** The format tag of the JSON model files. */
    public static final String FORMAT = "gradcheck-model/1";

    /** Reads JSON, and what no reader recognizes, so that its message explains what a model file is. */
    private static final ModelReader JSON = new JsonModelReader();
    /** The readers asked in turn; a reader for a new format goes here. */
    private static final List<ModelReader> READERS = List.of(new OnnxReader(), new ZipArchiveReader(), JSON);

    private ModelLoader() {
    }

    /** Loads {@code file} with the default {@link Limits}. */
    public static Model load(Path file) {
        return load(file, Limits.DEFAULT);
    }

    /**
     * Loads and validates {@code file}; data files it names are read relative to its folder.
     *
     * @throws ModelFileException on the first problem found
     */
    public static Model load(Path file, Limits limits) {
        ModelFile read = ModelFileReader.read(file, limits);
        return readerFor(read).read(read);
    }

    /**
     * Loads {@code file} with {@code options}: what a format may leave open (an ONNX graph's
     * symbolic dimensions, bound by the shapes of {@code --values}; the loss after a graph that
     * ends in logits).
     *
     * @throws ModelFileException on the first problem found
     * @throws ModelUsageException when {@code options} do not fit the model
     */
    public static Model load(Path file, Limits limits, LoadOptions options) {
        ModelFile read = ModelFileReader.read(file, limits);
        return readerFor(read).read(read, options);
    }

    /** The first reader that recognizes the file's format, else the JSON reader. */
    static ModelReader readerFor(ModelFile file) {
        for (ModelReader r : READERS) {
            if (r.recognizes(file)) {
                return r;
            }
        }
        return JSON;
    }

    /**
     * Loads a model from {@code gradcheck-model/1} JSON text.
     *
     * @param file the name used in messages (may be null)
     * @param baseDir the folder {@code init.file} paths are relative to
     */
    public static Model parse(String json, Path file, Path baseDir, Limits limits) {
        return JsonModelReader.parse(json, file, baseDir, limits);
    }

    /**
     * The loader's "did you mean" for a name given elsewhere (e.g. on a command line) that is not
     * among {@code known}: {@code "; did you mean W1, W2?"} with up to three nearest names, or
     * {@code ""} when none is near, by the same rule as the loader's own messages.
     */
    public static String didYouMean(String name, List<String> known) {
        return NameSuggestions.suggest(name, known);
    }
}

package dev.gradcheck.model;

/**
 * A reader of one model-file format. {@link ModelLoader#load} reads the file's bytes once
 * ({@link ModelFileReader}), asks each reader in turn whether it {@link #recognizes} them, and lets
 * the first that does read the model; the {@code gradcheck-model/1} JSON reader
 * ({@link JsonModelReader}) reads whatever no reader recognizes, so a file in no known format gets
 * the JSON reader's message.
 *
 * <p>A reader validates everything before anything is computed and reports the first problem as a
 * {@link ModelFileException} naming the file, the place in it and the node; it builds the graph
 * with a {@link GraphBuilder}, which validates nodes the same way for every format.
 */
public interface ModelReader {
    /**
     * True when the file's content is in this reader's format. Decided by content (e.g. a magic
     * number, or the first byte of the encoding), the file's name at most confirming it, so a file
     * with an unusual extension still reaches its reader.
     */
    boolean recognizes(ModelFile file);

    /**
     * Reads and validates the model.
     *
     * @throws ModelFileException on the first problem found
     */
    Model read(ModelFile file);

    /**
     * Reads the model with what the caller gives beyond the file ({@code --values} tensors, a loss
     * for a graph that ends in logits). A format that leaves nothing open reads as
     * {@link #read(ModelFile)}, and refuses a loss: its file names its loss itself.
     *
     * @throws ModelFileException on the first problem found
     * @throws ModelUsageException when {@code options} do not fit the model
     */
    default Model read(ModelFile file, LoadOptions options) {
        if (options.asksForLoss()) {
            throw new ModelUsageException("--loss/--target apply to a model whose output is not a scalar (an ONNX "
                    + "graph that ends in logits); " + file.path() + " names its loss itself");
        }
        return read(file);
    }
}

package dev.gradcheck.model.onnx;

import dev.gradcheck.model.Limits;
import dev.gradcheck.model.LoadOptions;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelFile;
import dev.gradcheck.model.ModelFileException;
import dev.gradcheck.model.ModelReader;
import dev.gradcheck.model.ModelUsageException;
import java.nio.file.Path;

/**
 * The model reader for ONNX files ({@code .onnx}, opsets 13 to 20 of {@code ai.onnx}), one of the
 * readers {@link dev.gradcheck.model.ModelLoader} asks: graph inputs become inputs, float
 * initializers from which a differentiable path leads to the output params named exactly as in the
 * file (PyTorch's state-dict names), initializers that only feed BatchNormalization's mean and
 * variance or a loss's class weights buffers, the other initializers, Constant nodes and what
 * folds from them (shape sub-graphs, masks) constants known at load time ({@link InitializerRoles});
 * every ONNX node becomes engine ops through the {@link OnnxOpTable}. Everything is checked
 * before anything large is allocated; the first problem is a {@link ModelFileException} naming the
 * file, the place ({@code /graph/node/3}) and the node.
 *
 * <pre>{@code
 * Model m = ModelLoader.load(Path.of("mlp.onnx"), Limits.DEFAULT, LoadOptions.NONE);
 * }</pre>
 */
public final class OnnxReader implements ModelReader {
    /** The oldest {@code ai.onnx} opset read. */
    public static final int MIN_OPSET = 13;
    /** The newest {@code ai.onnx} opset read (19 and 20 changed the table's ops only by types and attributes; 20 added Gelu). */
    public static final int MAX_OPSET = 20;

    /** The reader of ONNX model files. */
    public OnnxReader() {
    }

    /**
     * An ONNX file by content: a serialized {@code ModelProto} starts with its {@code ir_version}
     * (field 1, a small varint) in every writer's output, followed by another field of
     * {@code ModelProto}; a file named {@code .onnx} that does not look like JSON is taken as ONNX
     * too, so a corrupt one gets the ONNX reader's message.
     */
    @Override
    public boolean recognizes(ModelFile file) {
        byte[] b = file.content();
        if (startsLikeAModel(b)) {
            return true;
        }
        boolean json = b.length > 0 && (b[0] == '{' || b[0] == (byte) 0xEF || Character.isWhitespace(b[0]));
        return !json && file.path().getFileName().toString().endsWith(".onnx");
    }

    /** {@code ir_version} (tag 0x08, a varint from 1 to 100), then the end or a tag of a ModelProto field. */
    private static boolean startsLikeAModel(byte[] b) {
        if (b.length < 2 || b[0] != 0x08 || b[1] < 1 || b[1] > 100) {
            return false;
        }
        if (b.length == 2) {
            return true;
        }
        int tag = b[2] & 0xff;
        int field = tag >>> 3;
        int wire = tag & 7;
        // producer_name, producer_version, domain, doc_string, graph, opset_import (length-delimited); model_version
        return (wire == 2 && (field == 2 || field == 3 || field == 4 || field == 6 || field == 7 || field == 8
                || field == 14)) || (wire == 0 && field == 5);
    }

    @Override
    public Model read(ModelFile file) {
        return read(file, LoadOptions.NONE);
    }

    /**
     * @throws ModelUsageException when the options do not fit the graph (no {@code --loss} for a graph
     *         that ends in logits, say)
     */
    @Override
    public Model read(ModelFile file, LoadOptions options) {
        return OnnxConversion.read(file.content(), file.path(), file.path().toAbsolutePath().getParent(),
                file.limits(), options);
    }

    /**
     * Reads a model from its bytes.
     *
     * @param file named in messages
     * @param dir the folder external data is read from
     */
    public static Model read(byte[] bytes, Path file, Path dir, Limits limits, LoadOptions options) {
        return OnnxConversion.read(bytes, file, dir, limits, options);
    }
}

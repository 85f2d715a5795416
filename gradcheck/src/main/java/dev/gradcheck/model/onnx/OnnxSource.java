package dev.gradcheck.model.onnx;

import dev.gradcheck.model.Limits;
import dev.gradcheck.model.ModelFileException;
import java.nio.file.Path;

/**
 * The ONNX file being read, its folder (external data is relative to it) and the limits; makes
 * the reader's errors, each naming the file, the place in it ({@code /graph/node/3}) and the node.
 *
 * @param file the model file, as given (named in messages)
 * @param dir its folder, absolute
 * @param limits what the file may reach
 */
record OnnxSource(Path file, Path dir, Limits limits) {
    /** An invalid-file error at {@code pointer} (may be null) concerning {@code node} (may be null). */
    ModelFileException fail(String pointer, String node, String problem) {
        return new ModelFileException(file, pointer, -1, -1, node, problem);
    }

    /** As {@link #fail(String, String, String)}, keeping the cause for {@code --debug}. */
    ModelFileException fail(String pointer, String node, String problem, Throwable cause) {
        return new ModelFileException(file, pointer, -1, -1, node, problem, cause);
    }

    /** {@code s} cut to 60 characters, for names and values from an untrusted file. */
    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "…";
    }
}

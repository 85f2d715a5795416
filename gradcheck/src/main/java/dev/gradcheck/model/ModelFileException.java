package dev.gradcheck.model;

import dev.gradcheck.engine.Shape;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model file, or a data file it uses, is invalid. The message names the file, the place in it
 * (a JSON Pointer such as {@code /nodes/3/inputs/1} and {@code line:column} where known) and the
 * node, then the problem:
 *
 * <pre>{@code
 * model.json: /nodes/0 (line 14, column 5): matmul 'z1': [8, 4] x [3, 16]: inner dimensions 4 and 3 differ
 * }</pre>
 *
 * The command line maps it to exit code 3.
 */
public class ModelFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String pointer;
    private final int line;
    private final int column;
    private final String node;
    private final String problem;
    private transient Map<String, Shape> shapesSoFar = Collections.emptyMap();

    /**
     * @param file the file at fault (may be null for in-memory text)
     * @param pointer JSON Pointer of the place, or null
     * @param line 1-based line, or -1 when unknown
     * @param column 1-based column, or -1 when unknown
     * @param node the node (or input/param) concerned, or null
     * @param problem what is wrong, in words
     */
    public ModelFileException(Path file, String pointer, int line, int column, String node, String problem) {
        this(file, pointer, line, column, node, problem, null);
    }

    /** As the other constructor, with a cause kept for {@code --debug}. */
    public ModelFileException(Path file, String pointer, int line, int column, String node, String problem,
            Throwable cause) {
        super(render(file, pointer, line, column, problem), cause);
        this.file = file;
        this.pointer = pointer;
        this.line = line;
        this.column = column;
        this.node = node;
        this.problem = problem;
    }

    private static String render(Path file, String pointer, int line, int column, String problem) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<model>" : file.toString());
        if (pointer != null && !pointer.isEmpty()) {
            sb.append(": ").append(pointer);
        }
        if (line > 0) {
            sb.append(pointer != null && !pointer.isEmpty() ? " (" : ": (").append("line ").append(line);
            if (column > 0) {
                sb.append(", column ").append(column);
            }
            sb.append(')');
        }
        return sb.append(": ").append(problem).toString();
    }

    /** The file at fault, or null. */
    public Path file() {
        return file;
    }

    /** The JSON Pointer of the place in the file, or null when the problem is the whole file. */
    public String pointer() {
        return pointer;
    }

    /** 1-based line, or -1. */
    public int line() {
        return line;
    }

    /** 1-based column, or -1. */
    public int column() {
        return column;
    }

    /** The node, input or param concerned, or null. */
    public String node() {
        return node;
    }

    /**
     * For a model file: the shapes of the inputs, params and nodes validated before the problem
     * was found, in file order (so {@code shapes} can print the table up to a mismatch). Empty when
     * the problem came before any tensor (or from a data file).
     */
    public Map<String, Shape> shapesSoFar() {
        return shapesSoFar;
    }

    ModelFileException withShapesSoFar(Map<String, Shape> shapes) {
        this.shapesSoFar = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
        return this;
    }

    /** The problem alone, without the file and place. */
    public String problem() {
        return problem;
    }
}

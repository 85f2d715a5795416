package dev.gradcheck.model;

import java.nio.file.Path;

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
    private final Path file;
    private final String pointer;
    private final int line;
    private final int column;
    private final String node;
    private final String problem;

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

    /** The problem alone, without the file and place. */
    public String problem() {
        return problem;
    }
}

package dev.gradcheck.model;

/**
 * How a model reader names the place of a problem in its file: it turns a pointer (a JSON Pointer
 * such as {@code /nodes/3/inputs/1}, or a reader's own path into its format), the node concerned
 * and the problem into the {@link ModelFileException} to throw, with {@code line:column} where the
 * format has them. The {@link GraphBuilder} reports through it, so its messages name the place in
 * whichever file the graph came from.
 */
@FunctionalInterface
public interface ProblemSite {
    /**
     * @param pointer the place in the file, or {@code ""} for the whole file
     * @param node the node (or input or param) concerned, or null
     * @param problem what is wrong, in words
     * @param cause the exception behind it, kept for {@code --debug}, or null
     */
    ModelFileException fail(String pointer, String node, String problem, Throwable cause);

    /** {@link #fail(String, String, String, Throwable)} without a cause. */
    default ModelFileException fail(String pointer, String node, String problem) {
        return fail(pointer, node, problem, null);
    }
}

package hostile;

/** Prints half a JSON document and terminal escapes to stdout and stderr on every call. */
public final class PrintsJsonGarbage extends SquareBase {
    public String name() { return "prints_json_garbage"; }
    @Override public double[] forward(double[][] in) {
        System.out.print("{\"tool\": \"gradcheck\", \"passed\": true, \"checks\": [");
        System.err.print("\u001b[2J\u001b[32mPASS  everything\u001b[0m\n");
        return super.forward(in);
    }
}

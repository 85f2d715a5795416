package dev.gradcheck.cli;

import java.util.Arrays;

/**
 * {@code gradcheck bench} in a JVM of its own that believes its heap is {@code args[0]} bytes,
 * whatever its {@code -Xmx}: how a test makes the up-front estimate pass and the run then truly
 * run out of a small heap (an estimate too low), without allocating more than that heap.
 */
public final class BenchWithHeapFigure {
    private BenchWithHeapFigure() {
    }

    /** {@code args[0]}: the heap figure in bytes; the rest: bench's arguments. */
    public static void main(String[] args) {
        picocli.CommandLine cli = Main.commandLine(new Main(Terminal.none()));
        BenchCommand bench = cli.getSubcommands().get("bench").getCommand();
        long figure = Long.parseLong(args[0]);
        bench.maxHeap = () -> figure;
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        String[] withName = new String[rest.length + 1];
        withName[0] = "bench";
        System.arraycopy(rest, 0, withName, 1, rest.length);
        System.exit(cli.execute(withName));
    }
}

package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputTest {
    private static final String TEXT = "PASS  W  [2]  2 entries\n  FAIL  draw0/input  [3]\nall 1 checks passed (seed 0)\n";

    @Test
    void reportIsColouredOnlyOnATerminalWithoutNoColor() {
        assertEquals(TEXT, Reports.colour(TEXT, Terminal.none()));
        assertEquals(TEXT, Reports.colour(TEXT, new Terminal(true, Map.of("NO_COLOR", "1"))));
        String coloured = Reports.colour(TEXT, new Terminal(true, Map.of("TERM", "xterm")));
        assertTrue(coloured.startsWith("\u001b[32mPASS\u001b[0m  W"), coloured);
        assertTrue(coloured.contains("  \u001b[31mFAIL\u001b[0m  draw0/input"), coloured);
    }

    @Test
    void progressBarDrawsOnlyWhenEnabledAndErasesItself() {
        StringWriter off = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(off), ProgressBar.When.NEVER, 3, "", 0)) {
            bar.step("a");
            bar.step("b");
        }
        assertEquals("", off.toString());

        StringWriter on = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(on), ProgressBar.When.LASTING, 4, "ops", 0)) {
            bar.step("W1");
            assertTrue(on.toString().contains("\r[######------------------] 1/4 ops  W1"), on.toString());
            bar.step("b1");
            assertTrue(on.toString().contains("2/4 ops  b1"), on.toString());
        }
        assertTrue(on.toString().endsWith("\r"), "erased at the end: " + on);
    }

    @Test
    void shortWorkDrawsNothing() {
        StringWriter err = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(err), ProgressBar.When.LASTING, 3)) {
            bar.step("quick");
        }
        assertEquals("", err.toString(), "no bar before the delay");
    }

    /** {@code always}: the first line at once and the final state on a line of its own, however short the work. */
    @Test
    void alwaysDrawsShortWorkAndLeavesTheFinalLine() {
        StringWriter err = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(err), ProgressBar.When.ALWAYS, 3, "entries")) {
            bar.step("quick");
        }
        String s = err.toString();
        assertTrue(s.startsWith("\r[------------------------] 0/3 entries"), s);
        assertTrue(s.matches("(?s).*\r\\[#{8}-{16}\\] 1/3 entries  quick(  \\S+/s  ETA \\S+)? *\n"), s);
    }

    /** {@code check --progress always} draws on a stderr that is no terminal, for a check of milliseconds. */
    @Test
    void checkWithProgressAlwaysDrawsWhateverStderrIs() {
        Cli.Result r = Cli.run("check", "../examples/tiny-mlp.json", "--progress", "always");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("\r[------------------------] 0/131 entries"), r.err());
        assertTrue(r.err().matches("(?s).*\r\\[#{24}\\] 131/131 entries  b2  [0-9.,]+/s *\n"), r.err());
        assertTrue(r.out().startsWith("model 'tiny-mlp'") && !r.out().contains("\r"), "the report as ever: " + r.out());
        Cli.Result auto = Cli.run("check", "../examples/tiny-mlp.json");
        assertEquals("", auto.err(), "auto draws only on a terminal");
    }

    /**
     * Tester 16, finding 6: {@code flow --steps} drew no progress, even with {@code --progress
     * always}, and {@code graph --check} drew it per tensor ({@code 1/6}, no unit); grads, compare
     * and shapes took {@code --progress} and drew nothing. Now flow counts its steps, graph its
     * entries, and the three others do not take the option.
     */
    @Test
    void progressIsDrawnWhereItIsOfferedAndOfferedWhereItIsDrawn() {
        Cli.Result flow = Cli.run("flow", "../examples/tiny-mlp.json", "--lr", "0.01", "--steps", "20", "--progress",
                "always");
        assertEquals(ExitCodes.PASS, flow.exitCode(), flow.toString());
        assertTrue(flow.err().startsWith("\r[------------------------] 0/20 steps"), flow.err());
        assertTrue(flow.err().matches("(?s).*\r\\[#{24}\\] 20/20 steps  training.*\n"), flow.err());
        Cli.Result graph = Cli.run("graph", "../examples/tiny-mlp.json", "--check", "--progress", "always");
        assertEquals(ExitCodes.PASS, graph.exitCode(), graph.toString());
        assertTrue(graph.err().matches("(?s).*\r\\[#{24}\\] 131/131 entries  b2.*\n"), graph.err());
        for (String[] args : new String[][] {{"grads", "../examples/tiny-mlp.json", "--out", "g.npz"},
            {"compare", "../examples/tiny-mlp.json", "--grads", "g.npz"}, {"shapes", "../examples/tiny-mlp.json"}}) {
            List<String> argv = new java.util.ArrayList<>(List.of(args));
            argv.addAll(List.of("--progress", "always"));
            Cli.Result r = Cli.run(argv.toArray(String[]::new));
            assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
            assertTrue(r.err().contains("--progress is not an option of " + args[0] + "; check, ops, graph, flow and "
                    + "sanity take it"), r.toString());
        }
    }

    /** The hint during a slow full check never says "about 0s" for a mode that takes less than a second. */
    @Test
    void theModeHintSaysUnderASecondNotAboutZero() {
        String fast = CheckCommand.modeHint(121_603, 250_000, 3, 4, 16, 2.0);
        assertTrue(fast.contains("(4 projections per tensor, under 1s)"), fast);
        assertTrue(fast.contains("(16 entries per tensor, under 1s)"), fast);
        assertFalse(fast.contains("about 0s"), fast);
        String slow = CheckCommand.modeHint(2_000_000, 10, 2, 4, 16, 500);
        assertTrue(slow.contains("takes about 55h33m at 10.0 entries/s"), slow);
        assertTrue(slow.contains("(4 projections per tensor, about 9s)") && slow.contains("(16 entries per tensor, "
                + "about 3s)"), slow);
        assertFalse(CheckCommand.modeHint(200_000, 1000, 1, 4, 16, Double.NaN).contains("projections per tensor,"));
    }

    @Test
    void testsNeverSeeColourOrProgress() {
        Cli.Result r = Cli.run("ops", "--op", "exp");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertFalse(r.out().contains("\u001b["), r.out());
        assertEquals("", r.err());
    }

    /**
     * Tester 16, finding 5: a re-draw sweeps a tensor again from its first entry, and the count
     * went from 8,121/26,122 back to 2/26,122 (ETA 22h). The re-draw's entries join the total and
     * the count only grows; the checker's threads report out of order, which changes nothing; a
     * cut names how far the last pass got.
     */
    @Test
    void aReDrawAddsAPassAndTheCountNeverGoesBack() {
        StringWriter on = new StringWriter();
        try (RunStop stop = RunStop.start(0);
                ProgressBar bar = new ProgressBar(new PrintWriter(on), ProgressBar.When.LASTING, 12, "entries", 0)) {
            stop.bar(bar);
            for (long done : new long[] {1, 3, 2, 4, 5, 6, 7, 8, 10, 9}) {
                stop.progress("W1", done, 10); // the first pass, two threads out of order
            }
            stop.progress("b1", 1, 2);
            stop.progress("b1", 2, 2);
            for (long done = 1; done <= 3; done++) {
                stop.progress("W1", done, 10); // re-drawn nearby: swept again from 1
            }
            assertArrayEquals(new long[] {3, 10}, stop.progressOf("W1"), "the last pass got to 3");
            assertArrayEquals(new long[] {2, 2}, stop.progressOf("b1"));
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\] ([0-9,]+)/([0-9,]+) entries  (\\S+( \\(pass \\d\\))?)")
                .matcher(on.toString());
        long last = -1;
        String lastLine = null;
        while (m.find()) {
            long done = Long.parseLong(m.group(1).replace(",", ""));
            assertTrue(done >= last, "the count went back: " + on);
            last = done;
            lastLine = m.group();
        }
        assertEquals("] 15/22 entries  W1 (pass 2)", lastLine, on.toString());
    }

    @Test
    void progressPerEntryShowsTheRateAndTheTimeLeft() throws InterruptedException {
        StringWriter on = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(on), ProgressBar.When.LASTING, 1000, "entries", 0)) {
            Thread.sleep(250); // the rate shows once the work has run a moment
            for (int i = 0; i < 150; i++) {
                bar.advance("W1", 900);
                if (i < 20) {
                    bar.advance("b1", 100);
                }
            }
            String s = on.toString();
            assertTrue(s.contains("170/1,000 entries  W1  "), s);
            assertTrue(s.matches("(?s).*\\d+(\\.\\d+)?/s  ETA \\d+s.*"), s);
        }
        assertEquals("42s", ProgressBar.duration(42));
        assertEquals("3m05s", ProgressBar.duration(185));
        assertEquals("2h10m", ProgressBar.duration(7800));
        assertEquals("1,234/s", ProgressBar.rate(1234.4));
    }
}

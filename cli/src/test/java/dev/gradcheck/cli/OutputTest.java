package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
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
        try (ProgressBar bar = new ProgressBar(new PrintWriter(off), false, 3, "", 0)) {
            bar.step("a");
            bar.step("b");
        }
        assertEquals("", off.toString());

        StringWriter on = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(on), true, 4, "ops", 0)) {
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
        try (ProgressBar bar = new ProgressBar(new PrintWriter(err), true, 3)) {
            bar.step("quick");
        }
        assertEquals("", err.toString(), "no bar before the delay");
    }

    @Test
    void testsNeverSeeColourOrProgress() {
        Cli.Result r = Cli.run("ops", "--op", "exp");
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertFalse(r.out().contains("\u001b["), r.out());
        assertEquals("", r.err());
    }

    @Test
    void progressPerEntryShowsTheRateAndTheTimeLeft() throws InterruptedException {
        StringWriter on = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(on), true, 1000, "entries", 0)) {
            Thread.sleep(250); // the rate shows once the work has run a moment
            bar.set("W1", 100);
            bar.set("b1", 20);
            bar.set("W1", 150);
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

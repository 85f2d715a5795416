package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A usage error is the one offending option and what it accepts, in at most three lines, never the whole help. */
class UsageErrorsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "check ../examples/tiny-mlp.json --mode nonsense | gradcheck check: --mode: 'nonsense' is not one of full, fast, sampled",
        "check ../examples/tiny-mlp.json --scheme simpson | gradcheck check: --scheme: 'simpson' is not one of central, five_point, ridders",
        "check ../examples/tiny-mlp.json --format yaml | gradcheck check: --format: 'yaml' is not one of text, json",
        "check ../examples/tiny-mlp.json --progress sometimes | gradcheck check: --progress: 'sometimes' is not one of auto, always, never",
        "check ../examples/tiny-mlp.json --mdoe fast | gradcheck check: Unknown options: '--mdoe', 'fast'",
        "check ../examples/tiny-mlp.json --threads many | gradcheck check: Invalid value for option '--threads': 'many' is not an int",
        "check | gradcheck check: Missing required parameter: 'MODEL'",
        "check ../examples/tiny-mlp.json --mode | gradcheck check: --mode: a value is needed, one of full, fast, sampled",
        "check ../examples/tiny-mlp.json --progress | gradcheck check: --progress: a value is needed, one of auto, always, never",
        "check ../examples/tiny-mlp.json --tolerance | gradcheck check: --tolerance: a value is needed, one of model, pytorch",
        "check ../examples/tiny-mlp.json --format | gradcheck check: --format: a value is needed, one of text, json",
        "check ../examples/tiny-mlp.json --mode --format json | gradcheck check: --mode: a value is needed, one of full, fast, sampled",
    })
    void oneOptionAndItsValuesInAtMostThreeLines(String args, String first) {
        Cli.Result r = Cli.run(args.split(" "));
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        List<String> lines = r.err().strip().lines().toList();
        assertTrue(lines.size() <= 3, "at most 3 lines, not the help: " + r.err());
        assertEquals(first, lines.get(0), r.err());
        assertEquals("Try 'gradcheck check --help' for more information.", lines.get(lines.size() - 1), r.err());
        assertEquals("", r.out(), "nothing on stdout");
    }

    /** A value the library rejects is named by the option the user typed, not by a Java field name. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "check ../examples/tiny-mlp.json --eps 0 | gradcheck check: --eps must be a positive finite number, got 0.0",
        "check ../examples/tiny-mlp.json --rtol -1 | gradcheck check: --rtol must be finite and 0 or more, got -1.0",
        "check ../examples/tiny-mlp.json --atol Infinity | gradcheck check: --atol must be finite and 0 or more, got Infinity",
        "flow ../examples/tiny-mlp.json --saturated-share 2 | gradcheck flow: --saturated-share must be in [0, 1), got 2.0",
        "flow ../examples/tiny-mlp.json --update-low 5 | gradcheck flow: --update-low (5.0) must be below --update-high (-2.0)",
        "sanity ../examples/tiny-mlp.json --steps 0 | gradcheck sanity: --steps must be at least 1, got 0",
        "sanity ../examples/tiny-mlp.json --lr 0 | gradcheck sanity: --lr must be positive and finite, got 0.0",
        "sanity ../examples/tiny-mlp.json --init-factor 0 | gradcheck sanity: --init-factor must be above 1, got 0.0",
        "bench --cases check_fast --check-threads 0 | gradcheck bench: --check-threads: thread count must be at least 1, got 0",
        "bench --samples 0 | gradcheck bench: --samples: sample count must be at least 1, got 0",
        "bench --cases nope | gradcheck bench: --cases: unknown case 'nope'; known: all, checks, [matmul, fwd_bwd, anomaly, check_fast, check_full]",
        // tester 16, finding 13: 100,000 threads on 2 cores made a 0.9 s check take 21 s
        "check ../examples/tiny-mlp.json --threads 100000 | gradcheck check: --threads: 100000 is out of range: 1 to 256, or 0 for the available processors (AVAILABLE here)",
        "grads ../examples/tiny-mlp.json --out g.npz --threads -1 | gradcheck grads: --threads: -1 is out of range: 1 to 256, or 0 for the available processors (AVAILABLE here)",
        // finding 14: grads and compare run no finite differences; the numeric checker's options did nothing there
        "grads ../examples/tiny-mlp.json --out g.npz --probes 3 | gradcheck grads: --probes is not an option of grads; check, ops, graph and bench take it",
        "grads ../examples/tiny-mlp.json --out g.npz --mode fast | gradcheck grads: --mode is not an option of grads; check, ops and graph take it",
        "compare ../examples/tiny-mlp.json --grads g.npz --mode=sampled | gradcheck compare: --mode is not an option of compare; check, ops and graph take it",
        "compare ../examples/tiny-mlp.json --grads g.npz --tolerance pytorch | gradcheck compare: --tolerance is not an option of compare; check, ops and graph take it",
        "compare ../examples/tiny-mlp.json --grads g.npz --scheme central | gradcheck compare: --scheme is not an option of compare; check, ops and graph take it",
        "compare ../examples/tiny-mlp.json --grads g.npz --rtol -1 | gradcheck compare: --rtol must be finite and 0 or more, got -1.0",
    })
    void aRejectedValueNamesTheOptionAsTyped(String args, String first) {
        Cli.Result r = Cli.run(args.split(" "));
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        List<String> lines = r.err().strip().lines().toList();
        assertEquals(first.replace("AVAILABLE", Integer.toString(Runtime.getRuntime().availableProcessors())),
                lines.get(0), r.err());
        assertTrue(lines.size() <= 3, r.err());
    }

    /** An unknown command: the commands there are (not hidden ones), and picocli's nearest one when it is a slip. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"bogus | ", "chek | check", "sanitty | sanity"})
    void anUnknownCommandGetsTheCommands(String typed, String meant) {
        Cli.Result r = Cli.run(typed, "../examples/tiny-mlp.json");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        List<String> lines = r.err().strip().lines().toList();
        assertTrue(lines.size() <= 3, r.err());
        assertEquals("gradcheck: '" + typed + "' is not a command; the commands are check, ops, graph, grads, compare, "
                + "shapes, flow, sanity, bench, generate-completion, help", lines.get(0), r.err());
        assertEquals(meant == null ? 2 : 3, lines.size(), r.err());
        if (meant != null) {
            assertEquals("did you mean " + meant + "?", lines.get(1), r.err());
        }
        assertEquals("Try 'gradcheck --help' for more information.", lines.get(lines.size() - 1), r.err());
        assertEquals("", r.out());
    }

    @org.junit.jupiter.api.Test
    void helpForAnUnknownCommandListsTheCommands() {
        Cli.Result r = Cli.run("help", "bogus");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        List<String> lines = r.err().strip().lines().toList();
        assertTrue(lines.size() <= 3, r.err());
        assertTrue(lines.get(0).endsWith("'bogus'; the commands are check, ops, graph, grads, compare, shapes, flow, "
                + "sanity, bench, generate-completion, help"), r.err());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"--mdoe, --mode", "--no-anomly, --no-anomaly"})
    void aMisspeltOptionGetsTheNearestOne(String typo, String meant) {
        Cli.Result r = Cli.run("check", "../examples/tiny-mlp.json", typo);
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("did you mean " + meant), r.err());
        assertTrue(r.err().strip().lines().count() <= 3, r.err());
    }
}

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

    @ParameterizedTest(name = "{0}")
    @CsvSource({"--mdoe, --mode", "--no-anomly, --no-anomaly"})
    void aMisspeltOptionGetsTheNearestOne(String typo, String meant) {
        Cli.Result r = Cli.run("check", "../examples/tiny-mlp.json", typo);
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("did you mean " + meant), r.err());
        assertTrue(r.err().strip().lines().count() <= 3, r.err());
    }
}

package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options typed by the library's enums: documented in lower case, parsed in any case. */
class EnumOptionsTest {
    @TempDir
    Path dir;

    @Test
    void anySpellingGivesTheSameReportAndTheReproduceLineIsLowerCase() throws IOException {
        Path model = TestModels.write(dir, "tiny.json", TestModels.TINY_MLP);
        Cli.Result lower = Cli.run("check", model.toString(), "--format", "json", "--mode", "fast", "--scheme",
                "five_point", "--tolerance", "pytorch");
        Cli.Result upper = Cli.run("check", model.toString(), "--format", "json", "--mode", "FAST", "--scheme",
                "Five_Point", "--tolerance", "PyTorch");
        assertEquals(ExitCodes.PASS, lower.exitCode(), lower.toString());
        assertEquals(withoutTime(lower.out()), withoutTime(upper.out()));
        assertTrue(upper.out().contains("--mode fast --tolerance pytorch --scheme five_point\""), upper.out());
    }

    @Test
    void helpListsTheDocumentedValuesAndAWrongValueIsAUsageError() throws IOException {
        Cli.Result help = Cli.run("check", "--help");
        assertTrue(help.out().contains("Entries checked: full, fast, sampled (default:"), help.out());
        assertTrue(help.out().contains("Finite differences: central, five_point, ridders"), help.out());
        assertTrue(help.out().contains("Tolerance: model, pytorch (default: model"), help.out());
        Path model = TestModels.write(dir, "tiny.json", TestModels.TINY_MLP);
        Cli.Result bad = Cli.run("check", model.toString(), "--mode", "quick");
        assertEquals(ExitCodes.USAGE, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("--mode") && bad.err().contains("'quick'"), bad.err());
    }

    private static String withoutTime(String json) {
        return json.replaceAll("\"elapsed_ms\" : [0-9.eE+-]+", "\"elapsed_ms\" : 0");
    }
}

package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {
    @Test
    void versionPrintsPomVersionAndCommit() {
        Cli.Result r = Cli.run("--version");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().strip().matches("gradcheck \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(\\S+\\)"),
                "expected 'gradcheck <version> (<commit>)', got: " + r.out());
        assertFalse(r.out().contains("${"), "version resource not filtered: " + r.out());
    }

    /**
     * Tester 16, finding 2: every subcommand's help offers {@code -V, --version}, which printed
     * nothing and exited 0 (with a model given, no check ran: a silent pass in a CI line).
     */
    @Test
    void everySubcommandsVersionOptionPrintsTheVersion() {
        String expected = VersionProvider.versionLine();
        CommandLine cl = Main.commandLine(new Main(Terminal.none()));
        for (Map.Entry<String, CommandLine> sub : cl.getSubcommands().entrySet()) {
            if (sub.getValue().getCommandSpec().optionsMap().containsKey("--version")) {
                for (String flag : new String[] {"-V", "--version"}) {
                    Cli.Result r = Cli.run(sub.getKey(), flag);
                    assertEquals(0, r.exitCode(), sub.getKey() + " " + flag + ": " + r);
                    assertEquals(expected, r.out().strip(), sub.getKey() + " " + flag + ": " + r);
                }
            }
        }
        Cli.Result withModel = Cli.run("check", "examples/tiny-mlp.json", "-V");
        assertEquals(expected, withModel.out().strip(), withModel.toString());
    }

    /**
     * Tester 16, finding 16: an example in {@code check --help} was wrapped inside a file name
     * ({@code -o report.} / {@code json}), so copying it gave a broken command. Every example
     * line of every help fits the help's width, and so is printed whole.
     */
    @Test
    void everyHelpExampleFitsOnOneLine() {
        CommandLine cl = Main.commandLine(new Main(Terminal.none()));
        List<CommandLine> all = new java.util.ArrayList<>(List.of(cl));
        all.addAll(cl.getSubcommands().values());
        for (CommandLine c : all) {
            int width = c.getCommandSpec().usageMessage().width();
            for (String line : c.getCommandSpec().usageMessage().footer()) {
                assertTrue(line.length() <= width, c.getCommandName() + ": " + line.length() + " > " + width + ": " + line);
            }
            String help = Cli.run(c == cl ? new String[] {"--help"} : new String[] {c.getCommandName(), "--help"}).out();
            for (String line : c.getCommandSpec().usageMessage().footer()) {
                assertTrue(help.contains(line + "\n"), "printed whole: " + line);
            }
        }
    }

    @Test
    void versionUsesCommitFromLauncher() {
        String old = System.getProperty("gradcheck.commit");
        System.setProperty("gradcheck.commit", "abc1234");
        try {
            assertEquals("gradcheck " + VersionProvider.version() + " (abc1234)", Cli.run("--version").out().strip());
        } finally {
            if (old == null) {
                System.clearProperty("gradcheck.commit");
            } else {
                System.setProperty("gradcheck.commit", old);
            }
        }
    }

    @Test
    void noSubcommandIsUsageError() {
        Cli.Result r = Cli.run();
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("gradcheck: a command is needed: check, ops, graph, "), r.toString());
        assertTrue(r.err().strip().lines().count() <= 3, "not the whole help: " + r);
    }

    @Test
    void unknownOptionIsUsageError() {
        Cli.Result r = Cli.run("check", "--no-such-option", "m.json");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("Unknown option: '--no-such-option'"), r.toString());
        assertEquals("", r.out(), "usage errors print nothing on stdout");
    }

    @Test
    void badEnumValueIsUsageError() {
        Cli.Result r = Cli.run("ops", "--format", "yaml");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("yaml"), r.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"check", "ops", "graph", "grads", "compare", "generate-completion"})
    void everyCommandHasHelpWithAnExample(String command) {
        Cli.Result r = Cli.run(command, "--help");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Usage: gradcheck " + command), r.toString());
        if (!command.equals("generate-completion")) {
            assertTrue(r.out().contains("Example"), "no example in help of " + command + ":\n" + r.out());
            assertTrue(r.out().contains("gradcheck " + command + " "), "example does not run " + command + ":\n" + r.out());
        }
    }

    @Test
    void completionScriptCoversSubcommands() {
        Cli.Result r = Cli.run("generate-completion");
        assertEquals(0, r.exitCode(), r.toString());
        for (String c : new String[] {"check", "ops", "graph", "grads", "compare", "--tolerance"}) {
            assertTrue(r.out().contains(c), "completion lacks " + c);
        }
    }

    @Test
    void colourOnlyOnTerminalAndNeverWithNoColor() {
        assertFalse(new Terminal(false, Map.of()).colour());
        assertTrue(new Terminal(true, Map.of("TERM", "xterm")).colour());
        assertFalse(new Terminal(true, Map.of("TERM", "xterm", "NO_COLOR", "")).colour());
        assertFalse(new Terminal(true, Map.of("NO_COLOR", "1")).colour());
        assertEquals("FAIL", new Terminal(true, Map.of("NO_COLOR", "1")).red("FAIL"));
    }
}

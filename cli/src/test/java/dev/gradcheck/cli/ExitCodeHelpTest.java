package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Each command's help lists exactly the exit codes it can return, each with the one meaning that
 * docs/cli.md's table gives it.
 */
class ExitCodeHelpTest {
    private static final Pattern CODE = Pattern.compile("^  (\\d)   (.*)$");

    /**
     * What each command can return: 0 and 2 always; 4 from any command's own bug (CommandRunner);
     * 1 from those that check or flag; 3 from those that read a file (bench: a heap too small);
     * 5 from those with --timeout and Ctrl-C's partial report (check, ops, flow, sanity); picocli's
     * help 2 for an unknown command, its generate-completion nothing but 0.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "      | 0 1 2 3 4 5",
        "check | 0 1 2 3 4 5",
        "ops | 0 1 2 3 4 5",
        "graph | 0 1 2 3 4",
        "grads | 0 1 2 3 4",
        "compare | 0 1 2 3 4",
        "flow | 0 1 2 3 4 5",
        "sanity | 0 1 2 3 4 5",
        "shapes | 0 2 3 4",
        "bench | 0 2 3 4",
        "help | 0 2",
        "generate-completion | 0",
    })
    void helpListsExactlyTheCodesTheCommandCanReturn(String command, String codes) {
        Cli.Result r = command == null ? Cli.run("--help") : Cli.run(command, "--help");
        assertEquals(0, r.exitCode(), r.toString());
        Map<Integer, String> listed = exitCodes(r.out());
        List<Integer> expected = new ArrayList<>();
        for (String c : codes.split(" ")) {
            expected.add(Integer.parseInt(c));
        }
        assertEquals(expected, new ArrayList<>(listed.keySet()), r.out());
        listed.forEach((code, meaning) -> assertEquals(ExitCodes.meaning(code), meaning, r.out()));
    }

    /** Every visible command has the section (a command added without {@link ExitsWith} fails here). */
    @Test
    void everyCommandListsItsCodes() {
        CommandLine cli = Main.commandLine(new Main(Terminal.none()));
        for (Map.Entry<String, CommandLine> e : cli.getSubcommands().entrySet()) {
            CommandSpec spec = e.getValue().getCommandSpec();
            if (!spec.usageMessage().hidden()) {
                assertTrue(spec.usageMessage().exitCodeList().containsKey("0"), e.getKey());
            }
        }
    }

    /** The commands whose runs a timeout or Ctrl-C can cut, and only they, list 5. */
    @Test
    void theCommandsWithATimeoutListIncomplete() {
        CommandLine cli = Main.commandLine(new Main(Terminal.none()));
        for (Map.Entry<String, CommandLine> e : cli.getSubcommands().entrySet()) {
            CommandSpec spec = e.getValue().getCommandSpec();
            boolean timeout = spec.mixins().values().stream().anyMatch(m -> m.userObject() instanceof TimeoutMixin);
            boolean lists = spec.usageMessage().exitCodeList().containsKey(Integer.toString(ExitCodes.INCOMPLETE));
            assertEquals(timeout, lists, e.getKey());
        }
    }

    /** docs/cli.md's table: the row of each code starts with the meaning the help gives it. */
    @Test
    void theDocsTableGivesTheSameMeanings() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "cli.md"));
        for (int code = ExitCodes.PASS; code <= ExitCodes.INCOMPLETE; code++) {
            Matcher row = Pattern.compile("(?m)^\\| " + code + " \\| (.*) \\|$").matcher(doc);
            assertTrue(row.find(), "no row for " + code);
            String text = row.group(1).replace("`", "");
            assertTrue(text.startsWith(ExitCodes.meaning(code)), code + ": " + text);
        }
    }

    /**
     * Tester 16, finding 12: docs/cli.md's sentence on which command returns which codes gave flow
     * and sanity 0–4, though both list and return 5. Each clause of it agrees with the help.
     */
    @Test
    void theDocsSentenceOnEachCommandsCodesAgreesWithTheHelp() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "cli.md")).replaceAll("\\s+", " ");
        Matcher sentence = Pattern.compile("lists the codes that command can return, with these meanings: ([^.]*)\\.")
                .matcher(doc);
        assertTrue(sentence.find(), "the sentence is gone from docs/cli.md");
        Set<String> named = new java.util.HashSet<>();
        for (String words : sentence.group(1).split("; ")) {
            String clause = words.replaceAll(" ?\\([^)]*\\)", "");
            List<String> commands = new ArrayList<>();
            Matcher name = Pattern.compile("`([a-z-]+)`").matcher(clause);
            int end = 0;
            while (name.find() && clause.substring(end, name.start()).matches("(, | and )?")) {
                commands.add(name.group(1));
                end = name.end();
            }
            String codes = clause.substring(end).strip();
            List<Integer> listed = switch (codes) {
                case "all six" -> List.of(0, 1, 2, 3, 4, 5);
                case "0–4" -> List.of(0, 1, 2, 3, 4);
                default -> java.util.Arrays.stream(codes.split(",? and |, ")).map(Integer::parseInt).toList();
            };
            for (String c : commands) {
                named.add(c);
                assertEquals(new ArrayList<>(exitCodes(Cli.run(c, "--help").out()).keySet()), listed, c + ": " + clause);
            }
        }
        CommandLine cli = Main.commandLine(new Main(Terminal.none()));
        cli.getSubcommands().forEach((n, sub) -> assertTrue(sub.getCommandSpec().usageMessage().hidden()
                || named.contains(n), n + " is not in the sentence"));
    }

    /** The "Exit codes:" section of a help text: code to meaning, its wrapped lines joined. */
    private static Map<Integer, String> exitCodes(String help) {
        Map<Integer, String> codes = new LinkedHashMap<>();
        int at = help.indexOf("Exit codes:");
        assertTrue(at >= 0, help);
        Integer last = null;
        for (String line : help.substring(at).lines().skip(1).toList()) {
            Matcher m = CODE.matcher(line);
            if (m.matches()) {
                last = Integer.parseInt(m.group(1));
                codes.put(last, m.group(2).strip());
            } else if (last != null && line.startsWith("        ")) {
                codes.put(last, codes.get(last) + " " + line.strip());
            } else {
                break;
            }
        }
        return codes;
    }
}

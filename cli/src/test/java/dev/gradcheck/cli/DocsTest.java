package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/cli.md stays in step with the commands picocli knows: every command and option is
 * documented; and the check outputs the docs show are what the tool prints.
 */
class DocsTest {
    /**
     * Tester 16, finding 17: the README and docs/cli.md showed {@code resolution 1.29e-08} where
     * the tool prints {@code 1.28e-08}. Each {@code $ bin/gradcheck check …} block of the README
     * and docs (and the README's quick-start output, which has no command line) holds only lines
     * the command prints; a line ending in … is a line's start, a line of … alone leaves lines out.
     */
    @Test
    void theCheckOutputsInTheDocsAreWhatTheToolPrints() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(Path.of("..", "README.md")));
        try (java.util.stream.Stream<Path> s = Files.list(Path.of("..", "docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        int blocks = 0;
        for (Path doc : docs) {
            String[] lines = Files.readString(doc).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (!lines[i].startsWith("```") || i + 1 >= lines.length) {
                    continue;
                }
                String first = lines[i + 1];
                String args;
                int from;
                if (first.startsWith("$ bin/gradcheck check ") && !first.matches(".*[|<>;].*")) {
                    args = first.substring("$ bin/gradcheck ".length()).replaceAll("\\s+#.*", "");
                    from = i + 2;
                } else if (first.startsWith("model 'tiny-mlp' (examples/tiny-mlp.json): d loss / d W1, b1, W2, b2 (131 "
                        + "entries), seed 0, full mode")) {
                    args = "check examples/tiny-mlp.json";
                    from = i + 1;
                } else {
                    continue;
                }
                List<String> argv = new ArrayList<>();
                for (String a : args.strip().split("\\s+")) {
                    argv.add(a.startsWith("examples/") || a.startsWith("gradcheck/") ? "../" + a : a);
                }
                String out = Cli.run(argv.toArray(String[]::new)).out().replace("../examples/", "examples/")
                        .replace("../gradcheck/", "gradcheck/");
                List<String> printed = out.lines().toList();
                for (int k = from; k < lines.length && !lines[k].startsWith("```"); k++) {
                    String line = lines[k];
                    boolean shown = line.equals("…") || (line.endsWith("…")
                            ? printed.stream().anyMatch(p -> p.startsWith(line.substring(0, line.length() - 1)))
                            : printed.contains(line));
                    assertEquals(true, shown, doc + " line " + (k + 1) + " is not what `" + args + "` prints: " + line
                            + "\n--- it prints ---\n" + out);
                }
                blocks++;
            }
        }
        assertEquals(true, blocks >= 6, "the check blocks were found: " + blocks);
    }

    @Test
    void everyCommandAndOptionIsInTheReference() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "cli.md"));
        List<String> missing = new ArrayList<>();
        CommandLine cli = new CommandLine(new Main(Terminal.none()));
        for (Map.Entry<String, CommandLine> e : cli.getSubcommands().entrySet()) {
            String name = e.getKey();
            if (!doc.contains("### `" + name)) {
                missing.add("section for command " + name);
            }
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                String longest = o.longestName();
                if (!longest.equals("--help") && !longest.equals("--version") && !doc.contains("`" + longest)) {
                    missing.add(name + " " + longest);
                }
            }
        }
        for (int code = 0; code <= 5; code++) {
            if (!doc.contains("| " + code + " |")) {
                missing.add("exit code " + code);
            }
        }
        assertEquals(List.of(), missing, "docs/cli.md lacks");
    }
}

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

/** docs/cli.md stays in step with the commands picocli knows: every command and option is documented. */
class DocsTest {
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

package dev.gradcheck.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gradcheck graph}. */
@Command(name = "graph", mixinStandardHelpOptions = true,
        description = {"Prints the model's graph in Graphviz DOT: one node per tensor or op with name, shape, a value summary and a gradient summary; failing or non-finite nodes in red. Render it with dot -Tsvg."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:passed", "1:a check failed", "2:usage error", "3:invalid model or data file"},
        footerHeading = "%nExamples:%n",
        footer = {
            "  gradcheck graph examples/tiny-mlp.json -o tiny-mlp.dot",
            "  dot -Tsvg tiny-mlp.dot -o tiny-mlp.svg",
            "  gradcheck graph examples/tiny-mlp.json --check | dot -Tsvg > tiny-mlp.svg"
        })
public final class GraphCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    ModelMixin model;

    @Mixin
    CheckMixin check;

    @Mixin
    OutputMixin output;

    @Override
    public Integer call() {
        return CommandRunner.run(spec, output.debug(), () -> {
            throw new UnsupportedOperationException("graph: not wired yet");
        });
    }
}

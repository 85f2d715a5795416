package dev.gradcheck.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gradcheck compare}. */
@Command(name = "compare", mixinStandardHelpOptions = true, description = "TODO")
public final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        return CommandRunner.run(spec, output.debug(), () -> {
            throw new UnsupportedOperationException("compare: not wired yet");
        });
    }
}

package dev.gradcheck.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gradcheck ops}. */
@Command(name = "ops", mixinStandardHelpOptions = true, description = "TODO")
public final class OpsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        return CommandRunner.run(spec, output.debug(), () -> {
            throw new UnsupportedOperationException("ops: not wired yet");
        });
    }
}

package dev.gradcheck.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gradcheck grads}. */
@Command(name = "grads", mixinStandardHelpOptions = true,
        description = {"Exports the reference gradients of the model's output, one array per param (or --wrt tensor), to a NumPy .npz file."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:passed", "1:a check failed", "2:usage error", "3:invalid model or data file"},
        footerHeading = "%nExamples:%n",
        footer = {
            "  gradcheck grads examples/tiny-mlp.json --out tiny-mlp-grads.npz"
        })
public final class GradsCommand implements Callable<Integer> {
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
            throw new UnsupportedOperationException("grads: not wired yet");
        });
    }
}

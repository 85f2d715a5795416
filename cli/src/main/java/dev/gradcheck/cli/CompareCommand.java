package dev.gradcheck.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gradcheck compare}. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compares gradients computed elsewhere (e.g. by PyTorch, saved with numpy.savez) with the reference gradients, per param: max abs/rel error and the worst entries."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:passed", "1:a check failed", "2:usage error", "3:invalid model or data file"},
        footerHeading = "%nExamples:%n",
        footer = {
            "  gradcheck compare examples/tiny-mlp.json --grads torch-grads.npz",
            "  gradcheck compare model.json --values w.npz --grads g.npz --format json"
        })
public final class CompareCommand implements Callable<Integer> {
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
            throw new UnsupportedOperationException("compare: not wired yet");
        });
    }
}

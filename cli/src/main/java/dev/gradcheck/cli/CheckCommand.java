package dev.gradcheck.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gradcheck check}. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Checks a model's gradients: the analytic gradient of its output against numeric differentiation, per param (with --wrt, per input or named tensor too)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:passed", "1:a check failed", "2:usage error", "3:invalid model or data file"},
        footerHeading = "%nExamples:%n",
        footer = {
            "  gradcheck check examples/tiny-mlp.json",
            "  gradcheck check examples/tiny-mlp.json --mode fast --format json -o report.json",
            "  gradcheck check model.json --values w.npz --wrt params,x --tolerance pytorch"
        })
public final class CheckCommand implements Callable<Integer> {
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
            throw new UnsupportedOperationException("check: not wired yet");
        });
    }
}

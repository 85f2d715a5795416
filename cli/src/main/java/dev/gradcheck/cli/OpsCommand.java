package dev.gradcheck.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gradcheck ops}. */
@Command(name = "ops", mixinStandardHelpOptions = true,
        description = {"Fuzzes ops against numeric gradients: every registered op (or those named with --op) at several seeds, or, with --jar, the CustomOps found in those jars (META-INF/services/dev.gradcheck.CustomOp)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:passed", "1:a check failed", "2:usage error", "3:invalid model or data file"},
        footerHeading = "%nExamples:%n",
        footer = {
            "  gradcheck ops",
            "  gradcheck ops --op tanh --op matmul --draws 10",
            "  gradcheck ops --jar target/my-ops.jar --format json"
        })
public final class OpsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    CheckMixin check;

    @Mixin
    OutputMixin output;

    @Override
    public Integer call() {
        return CommandRunner.run(spec, output.debug(), () -> {
            throw new UnsupportedOperationException("ops: not wired yet");
        });
    }
}

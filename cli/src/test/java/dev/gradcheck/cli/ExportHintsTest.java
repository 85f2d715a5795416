package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What compare (and check) say about PyTorch exports whose results would otherwise mislead, with
 * the fixtures of {@code tools/hint_fixtures.py} (PyTorch 1.13): a state dict as {@code --values}
 * without the inputs, repeated {@code --values}, a param's path cut by constant folding, an
 * eval-mode export's BatchNorm merged into its Conv, DataParallel's {@code module.} names, an
 * integer array as a gradient, {@code --target} without {@code --loss}, and a symbolic dimension
 * whose default size fails shape inference.
 */
class ExportHintsTest {
    private static final Path DIR = Path.of("src", "test", "resources", "hints");

    private static String f(String name) {
        return DIR.resolve(name).toString();
    }

    @Test
    void aStateDictWithoutTheInputsSaysTheyWereDrawnFromTheSeed() {
        Cli.Result r = Cli.run("compare", f("sd_mlp.onnx"), "--values", f("sd_mlp.state.pt"), "--grads",
                f("sd_mlp.grads.pt"));
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("sd_mlp.state.pt has no inputs x, y: drawn from the seed 0"), r.toString());
        assertTrue(r.out().contains("FAIL  net.0.weight"), r.toString());
        assertTrue(r.out().contains("diagnosis: likely cause: inputs x, y were drawn from the seed 0"), r.toString());

        Cli.Result check = Cli.run("check", f("sd_mlp.onnx"), "--values", f("sd_mlp.state.pt"));
        assertTrue(check.out().contains("has no inputs x, y: drawn from the seed"), check.toString());
    }

    @Test
    void valuesMayBeRepeatedAndAreMerged() {
        Cli.Result r = Cli.run("compare", f("sd_mlp.onnx"), "--values", f("sd_mlp.state.pt"), "--values",
                f("sd_mlp.inputs.pt"), "--grads", f("sd_mlp.grads.pt"));
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertFalse(r.out().contains("drawn from the seed"), r.toString());
    }

    @Test
    void aNameInTwoValuesFilesIsAUsageErrorNamingBoth(@TempDir Path tmp) throws IOException {
        Path copy = Files.copy(DIR.resolve("sd_mlp.state.pt"), tmp.resolve("again.pt"));
        Cli.Result r = Cli.run("compare", f("sd_mlp.onnx"), "--values", f("sd_mlp.state.pt"), "--values",
                copy.toString(), "--grads", f("sd_mlp.grads.pt"));
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("'net.0.weight' is in both " + f("sd_mlp.state.pt") + " and " + copy), r.toString());
    }

    @Test
    void aParamWhosePathWasFoldedIntoAConstantGetsTheFoldingHint() {
        Cli.Result r = Cli.run("compare", f("folded.onnx"), "--values", f("folded.values.npz"), "--grads",
                f("folded.grads.npz"));
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        String out = r.out();
        assertTrue(out.contains("PASS  w"), out);
        int b = out.indexOf("FAIL  b");
        assertTrue(b >= 0, out);
        String bBlock = out.substring(b, out.indexOf("ERROR", b));
        assertTrue(bBlock.contains("diagnosis: the exporter folded computations on params into constants (onnx::Expand_20)")
                && bBlock.contains("do_constant_folding=False"), bBlock);
        assertTrue(out.contains("ERROR onnx::Expand_20"), out);
        assertTrue(out.contains("'onnx::Expand_20' is an initializer of the exporter's making"), out);
        // b given in --values: the frozen copy keeps its exported value
        assertTrue(out.contains("note: onnx::Expand_20 is a constant the exporter computed from params at export"), out);
    }

    @Test
    void anEvalModeExportsMergedBatchNormIsExplained() {
        Cli.Result r = Cli.run("compare", f("bn_eval.onnx"), "--values", f("bn_eval.values.npz"), "--grads",
                f("bn_eval.grads.pt"), "--loss", "cross_entropy", "--target", "y");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        String out = r.out();
        assertTrue(out.contains("PASS  fc.weight") && out.contains("PASS  fc.bias"), out);
        for (String name : new String[] {"onnx::Conv_16", "bn.weight", "conv.weight"}) {
            int at = out.indexOf("ERROR " + name);
            assertTrue(at >= 0, name + "\n" + out);
            String block = out.substring(at, out.indexOf("\nERROR", at + 1) < 0 ? out.length()
                    : out.indexOf("\nERROR", at + 1));
            assertTrue(block.contains("an eval-mode export folds each BatchNorm into the Conv before it")
                    && block.contains("re-export in training mode"), block);
        }
    }

    @Test
    void dataParallelsModulePrefixIsNamed() {
        Cli.Result r = Cli.run("compare", f("sd_mlp.onnx"), "--values", f("sd_mlp.state.pt"), "--values",
                f("sd_mlp.inputs.pt"), "--grads", f("sd_mlp.grads_module.pt"));
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("ERROR net.0.weight"), r.toString());
        assertTrue(r.out().contains("diagnosis: " + f("sd_mlp.grads_module.pt") + "'s names carry a prefix 'module.' "
                + "that the model's lack (the names of a DataParallel"), r.toString());
        assertTrue(r.out().contains("reproduce: gradcheck compare " + f("sd_mlp.onnx") + " --values "
                + f("sd_mlp.state.pt") + " --values " + f("sd_mlp.inputs.pt")), r.toString());
    }

    @Test
    void anIntegerArrayIsNoGradient() {
        Cli.Result r = Cli.run("compare", f("sd_mlp.onnx"), "--values", f("sd_mlp.state.pt"), "--values",
                f("sd_mlp.inputs.pt"), "--grads", f("sd_mlp.grads_int.npz"));
        assertEquals(ExitCodes.INVALID_FILE, r.exitCode(), r.toString());
        assertTrue(r.err().contains(f("sd_mlp.grads_int.npz")) && r.err().contains("'net.2.bias' is int64 [3]"),
                r.toString());
    }

    @Test
    void aTargetWithoutALossIsAcknowledged() {
        Cli.Result r = Cli.run("check", f("bn_eval.onnx"), "--values", f("bn_eval.values.npz"), "--target", "y");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--target y was given without --loss: give the loss op too"), r.toString());
    }

    @Test
    void aShapeFailureSaysWhichSymbolicDimensionsTookTheDefault() {
        Cli.Result r = Cli.run("check", f("dyn_hw.onnx"));
        assertEquals(ExitCodes.INVALID_FILE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("smaller than the kernel"), r.toString());
        assertTrue(r.err().contains("symbolic dimensions 'batch', 'h', 'w' were 2")
                && r.err().contains("(the default size of a symbolic dimension): give 'x' in --values"), r.toString());
        Cli.Result given = Cli.run("check", f("dyn_hw.onnx"), "--values", f("dyn_hw.values.npz"));
        assertEquals(ExitCodes.PASS, given.exitCode(), given.toString());
    }
}

package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.DataFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyTorch buffers in exported graphs: a float buffer on no differentiable path is a constant (the
 * lm_buffers fixture: a tril mask compared with == 0, class weights behind a Cast), an int64 one
 * in a state dict is accepted with the value the graph holds, and a tensor the model
 * differentiates but PyTorch's gradients lack gets compare's likely cause (a buffer) and the
 * --wrt that compares the rest, never a pass.
 */
class OnnxBuffersTest {
    private static final Path FIXTURES = OnnxCommandsTest.FIXTURES;

    private static String fixture(String name, String suffix) {
        return FIXTURES.resolve(name + suffix).toString();
    }

    @Test
    void aStateDictWithFloatAndInt64BuffersComparesAsPyTorch(@TempDir Path dir) throws IOException {
        // the values file as a state dict holds them: the float buffers and the int64 positions
        Map<String, Tensor> state = new LinkedHashMap<>(DataFiles.read(Path.of(fixture("lm_buffers", ".values.npz"))));
        state.put("positions", Tensor.ofLongs(new long[] {0, 1, 2, 3}, 4));
        Path values = dir.resolve("state.npz");
        DataFiles.writeNpz(values, state, false);
        Cli.Result r = Cli.run("compare", fixture("lm_buffers", ".onnx"), "--values", values.toString(), "--grads",
                fixture("lm_buffers", ".grads.npz"));
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertTrue(r.out().contains("all 6 checks passed"), r.out());
        assertTrue(r.out().contains("note: read as constants, not params (no gradient, as PyTorch's buffers): bias, w"),
                r.out());
    }

    @Test
    void aGradientTheFileLacksMayBeABufferAndTheRestCanBeCompared(@TempDir Path dir) throws IOException {
        Map<String, Tensor> g = new LinkedHashMap<>(DataFiles.read(Path.of(fixture("logits", ".grads.npz"))));
        g.remove("net.2.bias");
        Path grads = dir.resolve("g.npz");
        DataFiles.writeNpz(grads, g, false);
        String[] common = {fixture("logits", ".onnx"), "--values", fixture("logits", ".values.npz"), "--loss",
            "cross_entropy", "--target", "y", "--grads", grads.toString()};
        Cli.Result r = Cli.run(concat(new String[] {"compare"}, common));
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("ERROR net.2.bias") && r.out().contains("no gradient for 'net.2.bias' in the file"),
                r.out());
        assertTrue(r.out().contains("if 'net.2.bias' is a buffer of the PyTorch module (register_buffer, e.g. a "
                + "positional encoding, an attention mask, a loss's pos_weight), PyTorch keeps no gradient for it"), r.out());
        String wrt = "--wrt net.0.weight,net.0.bias,net.2.weight";
        assertTrue(r.out().contains("if so, compare the others alone: " + wrt), r.out());

        Cli.Result rest = Cli.run(concat(new String[] {"compare"}, common, wrt.split(" ")));
        assertEquals(ExitCodes.PASS, rest.exitCode(), rest.toString());
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}

package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.DataFiles;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compare at reduced precision on a float32 PyTorch model (tools/precision_fixtures.py: Conv2d ->
 * BatchNorm2d -> ReLU -> Linear, exported to ONNX): PyTorch's own float32 gradients pass, the
 * conv bias's included (true gradient 0, float32 gradient pure rounding noise of ~4e-8); float16
 * and bfloat16 gradient files are read and pass; planted bugs (a factor of 2, a transpose, a
 * zeroed row, a missing term in the zero-gradient tensor) fail in float32 files, and a factor of
 * 2 in a float16 file.
 */
class CompareReducedPrecisionTest {
    @TempDir
    Path dir;

    private static String fixture(String name) {
        try {
            return Path.of(CompareReducedPrecisionTest.class.getResource("/precision/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Cli.Result compare(String grads) {
        return Cli.run("compare", fixture("convbn.onnx"), "--values", fixture("convbn.values.npz"), "--grads", grads,
                "--loss", "cross_entropy", "--target", "y");
    }

    /** PyTorch's float32 gradients with {@code name}'s changed by {@code change}, as a float32 .npz. */
    private String planted(String name, UnaryOperator<Tensor> change) throws IOException {
        Map<String, Tensor> g = new LinkedHashMap<>(DataFiles.read(Path.of(fixture("convbn.g32.npz"))));
        g.put(name, change.apply(g.get(name)));
        Path out = dir.resolve("planted-" + System.nanoTime() + ".npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            for (Map.Entry<String, Tensor> e : g.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                CompareFloat32Test.npy(zip, e.getValue().data(), e.getValue().shape().dims(), true);
                zip.closeEntry();
            }
        }
        return out.toString();
    }

    private static Tensor mapped(Tensor t, java.util.function.IntToDoubleFunction value) {
        double[] d = new double[t.data().length];
        for (int i = 0; i < d.length; i++) {
            d[i] = value.applyAsDouble(i);
        }
        return Tensor.of(d, t.shape().dims());
    }

    @Test
    void pytorchsFloat32GradientsPassTheZeroGradientConvBiasIncluded() {
        Cli.Result r = compare(fixture("convbn.g32.npz"));
        assertEquals(ExitCodes.PASS, r.exitCode(), r.toString());
        assertTrue(r.out().contains("PASS  conv.bias  [3]"), r.out());
        assertTrue(r.out().contains("the largest |reference| of all compared tensors"), r.out());
    }

    @Test
    void float16AndBfloat16GradientFilesAreReadAndJudgedAtTheirPrecision() {
        Cli.Result f16 = compare(fixture("convbn.g16.pt"));
        assertEquals(ExitCodes.PASS, f16.exitCode(), f16.toString());
        assertTrue(f16.out().contains("compared at float16 precision"), f16.out());
        assertTrue(f16.out().contains("float16 values widened to float64"), f16.out());
        Cli.Result bf16 = compare(fixture("convbn.gbf16.safetensors"));
        assertEquals(ExitCodes.PASS, bf16.exitCode(), bf16.toString());
        assertTrue(bf16.out().contains("compared at bfloat16 precision"), bf16.out());
        Cli.Result doubled = compare(fixture("convbn.g16_fc_doubled.pt"));
        assertEquals(ExitCodes.CHECK_FAILED, doubled.exitCode(), doubled.toString());
        assertTrue(doubled.out().contains("FAIL  fc.weight  [3, 48]"), doubled.out());
        assertTrue(doubled.out().contains("PASS  conv.weight"), doubled.out());
    }

    @Test
    void aMissingTermInTheZeroGradientTensorFails() throws IOException {
        // theirs O(0.01) where the true gradient is 0 (a term a BatchNorm cancels, left in)
        Cli.Result r = compare(planted("conv.bias", t -> mapped(t, i -> t.data()[i] + 0.01 * (i + 1))));
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAIL  conv.bias  [3]"), r.out());
        assertTrue(r.out().contains("PASS  fc.weight"), r.out());
    }

    @Test
    void aFactorOfTwoFails() throws IOException {
        Cli.Result r = compare(planted("fc.weight", t -> mapped(t, i -> 2 * t.data()[i])));
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAIL  fc.weight  [3, 48]"), r.out());
        assertTrue(r.out().contains("an extra factor of 2"), r.out());
    }

    @Test
    void aFactorOf1001IsAConstantSlightlyOffNotAFactorOfOne() throws IOException {
        // float32 tolerances are wide for fc.weight's small entries: c = 1.001 is known to 1% only
        Cli.Result r = compare(planted("fc.weight", t -> mapped(t, i -> 1.001 * t.data()[i])));
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("theirs = 1.001 x reference on every entry: a constant slightly off"), r.out());
        assertTrue(!r.out().contains("factor of 1 ") && !r.out().contains("1.0 x"), r.out());
    }

    @Test
    void aTransposedKernelFails() throws IOException {
        // conv.weight [3, 2, 3, 3]: each 3x3 kernel transposed
        Cli.Result r = compare(planted("conv.weight", t -> mapped(t, i -> {
            int kernel = i / 9;
            int row = i % 9 / 3;
            int col = i % 3;
            return t.data()[kernel * 9 + col * 3 + row];
        })));
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAIL  conv.weight  [3, 2, 3, 3]"), r.out());
    }

    @Test
    void aZeroedRowFails() throws IOException {
        Cli.Result r = compare(planted("fc.weight", t -> mapped(t, i -> i / 48 == 1 ? 0 : t.data()[i])));
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAIL  fc.weight  [3, 48]"), r.out());
    }
}

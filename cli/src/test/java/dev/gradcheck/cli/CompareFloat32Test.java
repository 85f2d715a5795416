package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.DataFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compare judges float32 gradients (as a float32 PyTorch model computes them) at float32
 * precision: rounding noise passes, said in a note; a factor of 2 in one tensor and one entry
 * wrong well above float32 noise still fail.
 */
class CompareFloat32Test {
    private static final long SEED = 11;

    @TempDir
    Path dir;

    /** The tiny model's gradients, each entry changed by {@code change(name, index, value)}, stored as float32 or float64. */
    private Path[] grads(boolean float32, Change change) throws IOException {
        Path model = TestModels.write(dir, "tiny.json", TestModels.TINY_MLP);
        Path g = dir.resolve("g.npz");
        assertEquals(ExitCodes.PASS, Cli.run("grads", model.toString(), "--out", g.toString(), "--seed", "3",
                "--force").exitCode());
        Map<String, Tensor> grads = DataFiles.read(g);
        Path out = dir.resolve((float32 ? "f32-" : "f64-") + System.nanoTime() + ".npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            for (Map.Entry<String, Tensor> e : grads.entrySet()) {
                double[] d = e.getValue().data().clone();
                for (int i = 0; i < d.length; i++) {
                    d[i] = change.apply(e.getKey(), i, d[i]);
                }
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                npy(zip, d, e.getValue().shape().dims(), float32);
                zip.closeEntry();
            }
        }
        return new Path[] {model, out};
    }

    private interface Change {
        double apply(String name, int index, double value);
    }

    static void npy(OutputStream out, double[] d, int[] shape, boolean float32) throws IOException {
        String dims = Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "))
                + (shape.length == 1 ? "," : "");
        String header = "{'descr': '" + (float32 ? "<f4" : "<f8") + "', 'fortran_order': False, 'shape': (" + dims
                + "), }";
        int pad = 64 - (10 + header.length() + 1) % 64;
        header = header + " ".repeat(pad % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + d.length * (float32 ? 4 : 8))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                .putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (double v : d) {
            if (float32) {
                b.putFloat((float) v);
            } else {
                b.putDouble(v);
            }
        }
        out.write(b.array());
    }

    /** Float32 backpropagation's noise: a few float32 roundings of each entry (relative 2^-24 each). */
    private static Change noise() {
        Random r = new Random(SEED);
        return (name, i, v) -> v * (1 + (r.nextInt(9) - 4) * 0x1p-24) + 2e-9 * r.nextGaussian();
    }

    @Test
    void float32NoisePassesAtFloat32PrecisionAndSaysSo() throws IOException {
        Path[] p = grads(true, noise());
        Cli.Result r = Cli.run("compare", p[0].toString(), "--grads", p[1].toString(), "--seed", "3");
        assertEquals(ExitCodes.PASS, r.exitCode(), "seed " + SEED + "\n" + r);
        assertTrue(r.out().contains("note: compared at float32 precision: " + p[1] + " holds float32 gradients"),
                r.out());
        // the same values stored as float64 are judged at float64 tolerances, and fail
        Path[] q = grads(false, noise());
        Cli.Result r64 = Cli.run("compare", q[0].toString(), "--grads", q[1].toString(), "--seed", "3");
        assertEquals(ExitCodes.CHECK_FAILED, r64.exitCode(), "seed " + SEED + "\n" + r64);
        assertTrue(!r64.out().contains("compared at float32"), r64.out());
    }

    @Test
    void aDoubledFloat32TensorFailsNamedWithItsFactor() throws IOException {
        Change n = noise();
        Path[] p = grads(true, (name, i, v) -> name.equals("W") ? 2 * n.apply(name, i, v) : n.apply(name, i, v));
        Cli.Result r = Cli.run("compare", p[0].toString(), "--grads", p[1].toString(), "--seed", "3");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAIL  W  [3, 2]"), r.out());
        assertTrue(r.out().contains("an extra factor of 2"), r.out());
        assertTrue(r.out().contains("PASS  b"), r.out());
    }

    @Test
    void aFactorSlightlyOffIsNamedWithItsDigitsNotAsAFactorOfOne() throws IOException {
        // 1.001 on every entry, stored as float32: a constant slightly off, as in float64
        Path[] p = grads(true, (name, i, v) -> name.equals("W") ? v * 1.001 : v);
        Cli.Result r = Cli.run("compare", p[0].toString(), "--grads", p[1].toString(), "--seed", "3");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("1.001 x reference on every entry: a constant slightly off"), r.out());
        assertTrue(!r.out().contains("factor of 1 ") && !r.out().contains("1.0 x"), r.out());
    }

    @Test
    void oneEntryWrongWellAboveFloat32NoiseFails() throws IOException {
        Change n = noise();
        // 1e-3 of the entry: 16,000 float32 roundings, far above noise, far below an obvious bug
        Path[] p = grads(true, (name, i, v) -> name.equals("W") && i == 1 ? v * (1 + 1e-3) : n.apply(name, i, v));
        Cli.Result r = Cli.run("compare", p[0].toString(), "--grads", p[1].toString(), "--seed", "3");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAIL  W  [3, 2]"), r.out());
    }

    @Test
    void explicitTolerancesCompareAtThem() throws IOException {
        Path[] p = grads(true, noise());
        Cli.Result r = Cli.run("compare", p[0].toString(), "--grads", p[1].toString(), "--seed", "3", "--rtol", "1e-9",
                "--atol", "1e-12");
        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        assertTrue(!r.out().contains("compared at float32"), r.out());
    }
}

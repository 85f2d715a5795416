package dev.gradcheck.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.io.Npz;
import dev.gradcheck.engine.io.ReadBudget;
import dev.gradcheck.engine.io.StoredTensor;
import dev.gradcheck.engine.io.TensorFileException;
import dev.gradcheck.model.DataFiles;
import dev.gradcheck.model.GradientComparison;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint fixtures of {@code tools/checkpoint_fixtures.py}, saved by PyTorch 1.13
 * ({@code torch.save}) and by the script's own safetensors writer: they load by name, equal each
 * other bit for bit, give PyTorch's loss and gradients, and the types not read are errors naming
 * the key.
 */
class CheckpointFixturesTest {
    private static final long MAX = 1_000_000;

    @TempDir
    Path tmp;

    static Path fixture(String name) {
        try {
            return Path.of(CheckpointFixturesTest.class.getResource("/checkpoints/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<StoredTensor> read(String name) throws TensorFileException {
        return TensorFiles.read(fixture(name), MAX, ReadBudget.standard());
    }

    private static Map<String, Tensor> arrays(String name) throws TensorFileException {
        return DataFiles.arrays(read(name));
    }

    @Test
    void aStateDictSavedByTorchLoadsByNameAndEqualsTheSafetensorsCopy() throws IOException {
        List<StoredTensor> pt = read("mlp_state_dict.pt");
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), pt.stream().map(StoredTensor::key).toList());
        assertArrayEquals(new int[] {8, 4}, pt.get(0).tensor().shape().dims());
        assertArrayEquals(new int[] {3}, pt.get(3).tensor().shape().dims());
        assertFalse(pt.stream().anyMatch(StoredTensor::widened), "float64 stays float64");
        Map<String, Tensor> st = arrays("mlp_state_dict.safetensors");
        for (StoredTensor t : pt) {
            assertArrayEquals(st.get(t.key()).data(), t.tensor().data(), t.key());
        }
    }

    @Test
    void float32IsWidenedExactlyAndSaysSo() throws IOException {
        for (String f : List.of("mlp_state_dict_f32.pt", "mlp_state_dict_f32.safetensors")) {
            List<StoredTensor> t = read(f);
            assertTrue(t.stream().allMatch(StoredTensor::widened), f);
            assertTrue(t.stream().allMatch(s -> s.stored().equals("float32") && s.tensor().dtype() == DType.FLOAT64), f);
            for (StoredTensor s : t) {
                for (double v : s.tensor().data()) {
                    assertEquals(v, (double) (float) v, 0, "a float32 value, exactly: " + f + " " + s.key());
                }
            }
            String note = DataFiles.widenedNote(fixture(f), t);
            assertTrue(note.contains("float32 values widened to float64") && note.contains("0.weight"), note);
        }
        Map<String, Tensor> a = arrays("mlp_state_dict_f32.pt");
        Map<String, Tensor> b = arrays("mlp_state_dict_f32.safetensors");
        a.forEach((k, v) -> assertArrayEquals(b.get(k).data(), v.data(), k));
    }

    @Test
    void theModelGivesPyTorchsLossAndGradients() throws IOException {
        JsonNode expected = new ObjectMapper().readTree(fixture("mlp_expected.json").toFile());
        Model m = ModelLoader.load(fixture("mlp.json"));
        assertEquals(DType.INT64, m.initialValues().get("y").dtype(), "int64 targets from a .pt dict");
        for (String weights : List.of("mlp_state_dict.pt", "mlp_state_dict.safetensors")) {
            Map<String, Tensor> values = m.withValues(m.initialValues(), arrays(weights), fixture(weights));
            assertEquals(expected.get("loss").asDouble(), m.loss(values), 1e-12 * expected.get("loss").asDouble());
            Map<String, Tensor> ours = m.gradients(values, m.paramNames());
            for (String grads : List.of("mlp_grads.safetensors", "mlp_grads.pt")) {
                GradientComparison.Result r = GradientComparison.compare(ours, arrays(grads), 3);
                assertTrue(r.passes(1e-12, 1e-9), weights + " / " + grads);
            }
        }
        Map<String, Tensor> widened = m.withValues(m.initialValues(), arrays("mlp_state_dict_f32.pt"), null);
        assertEquals(expected.get("loss_f32_widened").asDouble(), m.loss(widened), 1e-12);
        GradientComparison.Result r = GradientComparison.compare(m.gradients(widened, m.paramNames()),
                DataFiles.read(fixture("mlp_grads_f32_widened.npz")), 3);
        assertTrue(r.passes(1e-12, 1e-9));
    }

    @Test
    void viewsOfOneStorageHonourOffsetsAndStrides() throws IOException {
        Map<String, Tensor> views = arrays("views.pt");
        Map<String, Tensor> expected = Npz.read(fixture("views_expected.npz"));
        assertEquals(expected.keySet(), views.keySet());
        expected.forEach((k, v) -> {
            assertArrayEquals(v.shape().dims(), views.get(k).shape().dims(), k);
            assertArrayEquals(v.data(), views.get(k).data(), k);
            assertEquals(v.dtype(), views.get(k).dtype(), k);
        });
    }

    /**
     * float16 and bfloat16 tensors saved by PyTorch and numpy (tools/precision_fixtures.py), with
     * subnormals, ±0, ±inf and NaN, widen bit for bit to what PyTorch widens them to, and say so.
     */
    @Test
    void halfPrecisionTensorsWidenExactlyAsPyTorchDoes() throws IOException {
        Map<String, Tensor> expected = DataFiles.read(fixture("halves_expected.npz"));
        for (String file : List.of("halves.pt", "halves.safetensors", "halves_f16_le.npy", "halves_f16_be.npy")) {
            for (StoredTensor t : read(file)) {
                String key = file.endsWith(".npy") ? "f16" : t.key();
                assertEquals(key.startsWith("bf16") ? "bfloat16" : "float16", t.stored(), file + " " + key);
                double[] want = expected.get(key).data();
                double[] got = t.tensor().data();
                assertEquals(want.length, got.length, file + " " + key);
                for (int i = 0; i < want.length; i++) {
                    // bit for bit: -0.0 stays -0.0, NaN stays NaN
                    assertEquals(Double.doubleToLongBits(want[i]), Double.doubleToLongBits(got[i]),
                            file + " " + key + "[" + i + "]: " + want[i] + " read as " + got[i]);
                }
            }
        }
        assertEquals(Double.doubleToLongBits(-0.0), Double.doubleToLongBits(expected.get("f16").data()[1]));
        assertTrue(Double.isNaN(expected.get("bf16").data()[9]) && expected.get("f16").data()[6] == 0x1p-24);
        Map<String, Tensor> half = arrays("half.pt");
        assertArrayEquals(new double[] {1, 1}, half.get("half").data());
    }

    @Test
    void typesNotReadAreErrorsNamingTheKey() {
        TensorFileException bool = assertThrows(TensorFileException.class, () -> read("bool.pt"));
        assertTrue(bool.getMessage().contains("'mask'") && bool.getMessage().contains("bool"), bool.getMessage());
        TensorFileException dict = assertThrows(TensorFileException.class, () -> read("checkpoint_dict.pt"));
        assertTrue(dict.getMessage().contains("'epoch'") && dict.getMessage().contains("not a state dict"),
                dict.getMessage());
    }

    @Test
    void writesByteForByteWhatThePythonWriterWrites() throws IOException {
        for (String f : List.of("mlp_grads.safetensors", "mlp_state_dict.safetensors")) {
            Map<String, Tensor> tensors = new LinkedHashMap<>(arrays(f));
            Path out = tmp.resolve(f);
            Safetensors.write(out, tensors);
            assertArrayEquals(Files.readAllBytes(fixture(f)), Files.readAllBytes(out), f);
        }
    }

    @Test
    void writesAndReadsInt64AndScalars() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("s", Tensor.scalar(2.5));
        t.put("i", Tensor.ofLongs(new long[] {3, -4, 1L << 52}, 3));
        t.put("e", Tensor.of(new double[0], 0, 2));
        Path out = tmp.resolve("x.safetensors");
        Safetensors.write(out, t);
        List<StoredTensor> back = TensorFiles.read(out, MAX, ReadBudget.standard());
        assertEquals(List.of("s", "i", "e"), back.stream().map(StoredTensor::key).toList());
        assertEquals(2.5, back.get(0).tensor().data()[0]);
        assertEquals(0, back.get(0).tensor().shape().rank());
        assertEquals(DType.INT64, back.get(1).tensor().dtype());
        assertArrayEquals(new double[] {3, -4, 1L << 52}, back.get(1).tensor().data());
        assertArrayEquals(new int[] {0, 2}, back.get(2).tensor().shape().dims());
    }

    @Test
    void anNpyArrayIsNamedAfterItsFile() throws IOException {
        Path file = tmp.resolve("W1.NPY");
        dev.gradcheck.engine.io.Npy.write(file, Tensor.of(new double[] {1, 2, 3, 4}, 2, 2));
        List<StoredTensor> read = DataFiles.read(file, 100, ReadBudget.standard());
        assertEquals(1, read.size());
        assertEquals("W1", read.get(0).key(), "the file's stem, as for numpy.load and the docs");
        assertEquals(java.util.Set.of("W1"), DataFiles.arrays(read).keySet());
    }
}

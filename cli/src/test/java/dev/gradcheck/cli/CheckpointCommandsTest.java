package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.io.ReadBudget;
import dev.gradcheck.io.Safetensors;
import dev.gradcheck.io.TensorFiles;
import dev.gradcheck.model.DataFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --values}, {@code compare --grads} and {@code grads --out} with the checkpoint fixtures of
 * {@code tools/checkpoint_fixtures.py} (a state dict saved by PyTorch 1.13 as {@code .pt}, the
 * same as {@code .safetensors}, PyTorch's gradients).
 */
class CheckpointCommandsTest {
    private static final Path DIR = Path.of("..", "gradcheck", "src", "test", "resources", "checkpoints");
    private static final String MODEL = DIR.resolve("mlp.json").toString();

    @TempDir
    Path tmp;

    private static String f(String name) {
        return DIR.resolve(name).toString();
    }

    @Test
    void compareAgainstPyTorchsGradientsFromEitherFormat() {
        for (String values : new String[] {"mlp_state_dict.pt", "mlp_state_dict.safetensors"}) {
            for (String grads : new String[] {"mlp_grads.pt", "mlp_grads.safetensors"}) {
                Cli.Result r = Cli.run("compare", MODEL, "--values", f(values), "--grads", f(grads));
                assertEquals(0, r.exitCode(), values + " / " + grads + "\n" + r);
            }
            Cli.Result c = Cli.run("check", MODEL, "--values", f(values));
            assertEquals(0, c.exitCode(), c.toString());
        }
    }

    @Test
    void aPlantedFactorOfTwoFailsThatTensorAlone() throws IOException {
        Map<String, Tensor> grads = new LinkedHashMap<>(DataFiles.read(DIR.resolve("mlp_grads.safetensors")));
        grads.put("2.weight", grads.get("2.weight").mul(Tensor.scalar(2)));
        Path planted = tmp.resolve("planted.safetensors");
        Safetensors.write(planted, grads);
        Cli.Result r = Cli.run("compare", MODEL, "--values", f("mlp_state_dict.pt"), "--grads", planted.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAIL  2.weight"), r.toString());
        for (String other : new String[] {"0.weight", "0.bias", "2.bias"}) {
            assertTrue(r.out().contains("PASS  " + other), r.toString());
        }
    }

    @Test
    void float32ValuesAreWidenedAndTheReportSaysSo() throws IOException {
        Cli.Result r = Cli.run("compare", MODEL, "--values", f("mlp_state_dict_f32.safetensors"), "--grads",
                f("mlp_grads_f32_widened.npz"), "--format", "json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode notes = new ObjectMapper().readTree(r.out()).get("notes");
        assertEquals(1, notes.size(), r.out());
        assertTrue(notes.get(0).asText().contains("mlp_state_dict_f32.safetensors: float32 values widened to float64"),
                r.out());
        Cli.Result text = Cli.run("check", MODEL, "--values", f("mlp_state_dict_f32.pt"));
        assertEquals(0, text.exitCode(), text.toString());
        assertTrue(text.out().contains("note: ") && text.out().contains("float32 values widened"), text.toString());
    }

    @Test
    void gradsOutWritesSafetensorsByExtension() throws IOException {
        Path out = tmp.resolve("g.safetensors");
        Cli.Result r = Cli.run("grads", MODEL, "--values", f("mlp_state_dict.pt"), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, Tensor> ours = DataFiles.arrays(TensorFiles.read(out, 1000, ReadBudget.standard()));
        Map<String, Tensor> torch = DataFiles.read(DIR.resolve("mlp_grads.safetensors"));
        assertEquals(torch.keySet(), ours.keySet());
        torch.forEach((k, v) -> {
            double[] a = ours.get(k).data();
            double[] b = v.data();
            for (int i = 0; i < a.length; i++) {
                assertEquals(b[i], a[i], 1e-12 + 1e-9 * Math.abs(b[i]), k + "[" + i + "]");
            }
        });
        Cli.Result bad = Cli.run("grads", MODEL, "--values", f("mlp_state_dict.pt"), "--out",
                tmp.resolve("g.pt").toString());
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("--out") && bad.err().contains(".npz or .safetensors"), bad.toString());
        assertTrue(Files.notExists(tmp.resolve("g.pt")));
    }

    @Test
    void refusedTypesAreExit3NamingTheKey() {
        // (float16 and bfloat16 are read since compare's Precision promised them)
        Cli.Result r = Cli.run("check", MODEL, "--values", f("bool.pt"));
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("bool.pt") && r.err().contains("'mask'") && r.err().contains("bool"),
                r.toString());
    }
}

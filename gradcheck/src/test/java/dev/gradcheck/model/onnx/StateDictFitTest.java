package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxBuilder.attrInt;
import static dev.gradcheck.model.onnx.OnnxBuilder.doubles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelFileException;
import dev.gradcheck.model.StateDictFit;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A PyTorch state dict as --values for an exported graph: unused buffers skipped, folded params explained, typos kept. */
class StateDictFitTest {
    private static final Path VALUES = Path.of("values.npz");

    private static Map<String, Tensor> stateDict(String... extra) {
        Map<String, Tensor> v = new LinkedHashMap<>();
        v.put("W", Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 4, 3));
        v.put("bn.num_batches_tracked", Tensor.ofLongs(new long[] {7}));
        for (String e : extra) {
            v.put(e, Tensor.of(new double[] {1, 2}, 2));
        }
        return v;
    }

    @Test
    void theBatchCounterIsSkippedWithANote() {
        Model m = OnnxReaderTest.read(OnnxBuilder.linear().build());
        StateDictFit fit = StateDictFit.fit(m, stateDict(), VALUES);
        assertEquals(List.of("W"), List.copyOf(fit.values().keySet()));
        assertEquals(1, fit.notes().size());
        assertTrue(fit.notes().get(0).contains("skipped bn.num_batches_tracked") && fit.notes().get(0).contains(
                "values.npz"), fit.notes().toString());
        // the rest is put in as before
        m.withValues(m.initialValues(), fit.values(), VALUES);
    }

    @Test
    void aTypoIsStillAnError() {
        Model m = OnnxReaderTest.read(OnnxBuilder.linear().build());
        StateDictFit fit = StateDictFit.fit(m, stateDict("fc.wieght"), VALUES);
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> m.withValues(m.initialValues(), fit.values(), VALUES));
        assertTrue(e.getMessage().contains("'fc.wieght'"), e.getMessage());
        // a float tensor named like the counter is no counter
        Map<String, Tensor> v = new LinkedHashMap<>();
        v.put("bn.num_batches_tracked", Tensor.of(new double[] {7}, 1));
        assertEquals(1, StateDictFit.fit(m, v, VALUES).values().size());
    }

    @Test
    void aGraphWhoseParamsTheExporterRenamedSaysWhyAndHowToExport() {
        byte[] b = new OnnxBuilder().input("x", OnnxBuilder.DOUBLE, 2, 3)
                .initializer(doubles("onnx::MatMul_12", new long[] {3, 2}, 1, 2, 3, 4, 5, 6))
                .node("mm", "MatMul", List.of("x", "onnx::MatMul_12"), List.of("h"))
                .node("sum", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0)).output("loss")
                .build();
        Model m = OnnxReaderTest.read(b);
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> StateDictFit.fit(m, stateDict("fc.weight"), VALUES));
        String msg = e.getMessage();
        assertTrue(msg.contains("values.npz") && msg.contains("'W'") && msg.contains("onnx::MatMul_12")
                && msg.contains("transposed") && msg.contains("do_constant_folding=False")
                && msg.contains("TrainingMode.TRAINING"), msg);
    }
}

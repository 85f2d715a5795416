package dev.gradcheck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Acceptance of the model files: every example, loaded with the values PyTorch used
 * ({@code oracle/<example>/values.npz}), gives gradients equal to PyTorch's ({@code grads.npz}) to
 * 1e-9 relative. The fixtures come from the shared torch oracle, except {@code sequential-regression},
 * made by a real {@code torch.nn.Sequential} with PyTorch's own init, whose {@code state_dict} names
 * the values load by.
 */
class OracleGradientTest {
    static final double RTOL = 1e-9;

    @ParameterizedTest
    @ValueSource(strings = {"tiny-mlp", "small-cnn", "attention", "layernorm-gelu", "batchnorm-mlp", "embedding",
            "two-layer", "mlp-layers", "sequential-regression"})
    void gradientsMatchPyTorch(String example) throws URISyntaxException {
        Path model = Examples.path(example + ".json");
        Path dir = Path.of(OracleGradientTest.class.getResource("/oracle/" + example).toURI());
        Model m = ModelLoader.load(model);
        Map<String, Tensor> values = m.withValues(m.initialValues(), dir.resolve("values.npz"));
        Map<String, Tensor> ours = m.gradients(values, m.paramNames());
        Map<String, Tensor> torch = DataFiles.read(dir.resolve("grads.npz"));
        assertEquals(torch.keySet(), ours.keySet(), example + ": gradient names");
        GradientComparison.Result r = GradientComparison.compare(ours, torch, 3);
        double modelScale = torch.values().stream().mapToDouble(OracleGradientTest::maxAbs).max().orElse(0);
        for (GradientComparison.Param p : r.params()) {
            // relative to the entry; entries near zero (e.g. a bias before batch_norm, exactly zero in exact
            // arithmetic) are measured against 1e-3 of the param's and 1e-6 of the model's largest gradient
            double scale = Math.max(maxAbs(p.reference()), 1e-3 * modelScale);
            double worstExcess = 0;
            for (int i = 0; i < p.reference().size(); i++) {
                double a = p.reference().data()[i];
                double b = p.external().data()[i];
                worstExcess = Math.max(worstExcess, Math.abs(a - b) / (RTOL * Math.max(Math.abs(b), 1e-3 * scale)));
            }
            assertTrue(worstExcess <= 1, example + " '" + p.name() + "': max abs error " + p.maxAbsError()
                    + ", max rel error " + p.maxRelError() + ", worst " + describe(p));
        }
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (double v : t.data()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static String describe(GradientComparison.Param p) {
        StringBuilder sb = new StringBuilder();
        for (GradientComparison.Entry e : p.worst()) {
            sb.append(java.util.Arrays.toString(e.index())).append(": ours ").append(e.reference()).append(", torch ")
                    .append(e.external()).append("; ");
        }
        return sb.toString();
    }
}

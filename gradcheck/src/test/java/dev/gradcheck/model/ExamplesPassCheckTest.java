package dev.gradcheck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckReport;
import dev.gradcheck.GradCheck;
import dev.gradcheck.Mode;
import dev.gradcheck.engine.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every example passes a full gradient check of its params at its seeded initial values ({@code check MODEL}). */
class ExamplesPassCheckTest {
    @ParameterizedTest
    @ValueSource(strings = {"tiny-mlp", "small-cnn", "attention", "layernorm-gelu", "batchnorm-mlp", "embedding",
            "two-layer", "mlp-layers", "sequential-regression"})
    void examplePassesFullCheck(String example) {
        Model m = ModelLoader.load(Examples.path(example + ".json"));
        Map<String, Tensor> values = m.initialValues();
        LossFunction f = m.lossFunction(values, m.paramNames());
        CheckReport r = GradCheck.of(f::apply).at(f.point()).names(f.names().toArray(String[]::new))
                .mode(Mode.FULL).seed(m.seed()).check();
        assertEquals(m.paramNames(), r.checks().stream().map(c -> c.name()).toList());
        assertTrue(r.passed(), example + ":\n" + r.toText());
    }
}

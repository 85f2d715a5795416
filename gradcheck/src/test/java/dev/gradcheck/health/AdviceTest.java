package dev.gradcheck.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.Limits;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelFileException;
import dev.gradcheck.model.ModelLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Advice that names the real cause: the init's scale, not the learning rate; constant inputs left alone. */
class AdviceTest {
    private static final Model TINY = ModelLoader.load(Path.of("../examples/tiny-mlp.json"));

    @Test
    void anInitWithStd1e6IsNamedAsSuchNotAsALearningRateTooLow() {
        Map<String, Tensor> v = new LinkedHashMap<>(TINY.initialValues());
        v.put("W1", v.get("W1").mul(2e6)); // std 0.5 -> 1e6
        FlowReport r = Flow.run(TINY, v, FlowOptions.defaults().withLr(0.01));
        List<Flag> init = r.flags(FlagKind.INIT_SCALE);
        assertEquals(1, init.size(), r::toText);
        assertEquals("z1", init.get(0).place());
        assertTrue(init.get(0).line().startsWith("FLAG init_scale z1: param 'W1' [4, 16] has root mean square "),
                init.get(0).line());
        assertTrue(init.get(0).detail().contains("not the learning rate"), init.get(0).detail());
        for (Flag f : r.flags()) {
            assertFalse(f.detail().contains("learning rate is too low"), "misleading advice: " + f.line());
        }
    }

    @Test
    void aWeightFarTooSmallOrAllZeroIsAnInitScaleFindingToo() {
        Map<String, Tensor> v = new LinkedHashMap<>(TINY.initialValues());
        v.put("W1", v.get("W1").mul(1e-6));
        v.put("W2", v.get("W2").mul(0.0));
        FlowReport r = Flow.run(TINY, v, FlowOptions.defaults());
        List<Flag> init = r.flags(FlagKind.INIT_SCALE);
        assertEquals(2, init.size(), r::toText);
        assertTrue(init.get(0).detail().contains("below the smallest"), init.get(0).detail());
        assertTrue(init.get(1).detail().contains("is all zero at init"), init.get(1).detail());
    }

    @ParameterizedTest
    @MethodSource("dev.gradcheck.health.SickModels#examples")
    void noShippedExampleHasAnInitScaleFinding(Path example) {
        Model m = ModelLoader.load(example);
        FlowReport r = Flow.run(m, m.initialValues(), FlowOptions.defaults().withLr(0.01));
        assertEquals(List.of(), r.flags(FlagKind.INIT_SCALE), r::toText);
    }

    @Test
    void sanityNeverZeroesAnInputDeclaredConstant() {
        Model m = ModelLoader.load(Path.of("../examples/attention.json"));
        assertTrue(m.spec("scale").constant(), "attention's scale is declared constant");
        assertEquals(List.of("x"), Sanity.dataInputs(m));
        SanityReport r = Sanity.run(m, m.initialValues(), SanityOptions.defaults().withSteps(30));
        assertTrue(r.check("zero_input").detail().contains("with x zeroed"), r.check("zero_input").detail());
    }

    @Test
    void constantMustBeABooleanOnAnInput() {
        String bad = """
                {"format": "gradcheck-model/1", "name": "c",
                 "inputs": {"x": {"shape": [2], "constant": "yes"}},
                 "params": {"w": {"shape": [2]}},
                 "nodes": [{"name": "y", "op": "mul", "inputs": ["x", "w"]}, {"name": "l", "op": "sum", "inputs": ["y"]}],
                 "output": "l"}
                """;
        ModelFileException e = assertThrows(ModelFileException.class, () -> parse(bad));
        assertTrue(e.getMessage().contains("/inputs/x/constant") && e.getMessage().contains("constant must be true or false"),
                e.getMessage());
        String param = bad.replace("\"constant\": \"yes\"", "\"constant\": false")
                .replace("\"w\": {\"shape\": [2]}", "\"w\": {\"shape\": [2], \"constant\": true}");
        e = assertThrows(ModelFileException.class, () -> parse(param));
        assertTrue(e.getMessage().contains("param 'w' is declared constant"), e.getMessage());
    }

    private static Model parse(String json) {
        return ModelLoader.parse(json, Path.of("c.json"), Path.of("."), Limits.DEFAULT);
    }
}

package dev.gradcheck.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.model.Limits;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Graphs as exporters write them: an activation spelled as elementwise ops that branch and merge
 * (GELU's tanh form: x + 0.044715 x^3), a LayerNorm whose bias is zero at init. Neither is a
 * finding: the growth ratio is taken between nodes every path to the loss passes through, and a
 * bias is not a weight whose symmetry needs breaking.
 */
class FlowBranchesTest {
    private static final String MODEL = """
            {
              "format": "gradcheck-model/1", "name": "branches", "seed": 5,
              "inputs": {
                "x": {"shape": [4, 6], "init": {"normal": {"std": 1}}},
                "t": {"shape": [4, 6], "init": {"normal": {"std": 1}}},
                "c": {"shape": [1], "init": {"value": [0.0001]}}
              },
              "params": {
                "W": {"shape": [6, 6], "init": {"normal": {"std": 0.4}}},
                "g": {"shape": [2, 3], "init": "ones"},
                "beta": {"shape": [2, 3], "init": "zeros"}
              },
              "nodes": [
                {"name": "h", "op": "matmul", "inputs": ["x", "W"]},
                {"name": "sq", "op": "mul", "inputs": ["h", "h"]},
                {"name": "cube", "op": "mul", "inputs": ["sq", "h"]},
                {"name": "small", "op": "mul", "inputs": ["cube", "c"]},
                {"name": "inner", "op": "add", "inputs": ["h", "small"]},
                {"name": "act", "op": "tanh", "inputs": ["inner"]},
                {"name": "r", "op": "reshape", "inputs": ["act"], "attrs": {"shape": [4, 2, 3]}},
                {"name": "ln", "op": "layer_norm", "inputs": ["r", "g", "beta"], "attrs": {"normalized_shape": [2, 3]}},
                {"name": "flat", "op": "reshape", "inputs": ["ln"], "attrs": {"shape": [4, 6]}},
                {"name": "loss", "op": "mse_loss", "inputs": ["flat", "t"]}
              ],
              "output": "loss"
            }
            """;

    @Test
    void branchesThatMergeAndAZeroNormBiasAreNoFinding() {
        Model m = ModelLoader.parse(MODEL, Path.of("branches.json"), Path.of("."), Limits.DEFAULT);
        FlowReport r = Flow.run(m, m.initialValues(), FlowOptions.defaults());
        assertEquals(List.of(), r.flags(), r::toText);
        // inside the block: no ratio; the block as a whole: h against inner
        assertNull(r.layer("cube").next(), r::toText);
        assertNull(r.layer("sq").next(), r::toText);
        assertEquals("inner", r.layer("h").next(), r::toText);
        assertEquals("act", r.layer("inner").next(), r::toText);
    }

    @Test
    void aChainStillComparesEachLayerWithTheOneAfterIt() {
        Model m = SickModels.load("exploding");
        FlowReport r = Flow.run(m, m.initialValues(), FlowOptions.defaults());
        assertTrue(r.layer("h1").next() != null && r.layer("h2").next() != null, r::toText);
    }
}

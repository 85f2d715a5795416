package dev.gradcheck.cli;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.engine.op.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Model files and a deliberately wrong op for CLI tests (the reliability tests use {@link #TINY_MLP}). */
public final class TestModels {
    /** An op whose backward is wrong: d(x^2)/dx claimed as 3x instead of 2x (a planted bug). */
    static final String BAD_SQUARE = "cli_test_bad_square";

    static {
        if (!OpRegistry.contains(BAD_SQUARE)) {
            OpRegistry.register(OpDef.builder(BAD_SQUARE)
                    .summary("input ** 2 with a planted backward bug (tests only)")
                    .inputs(InputSpec.real("input"))
                    .shape((name, shapes, attrs) -> shapes[0])
                    .forward(a -> {
                        double[] x = a.in(0);
                        double[] y = new double[x.length];
                        for (int i = 0; i < x.length; i++) {
                            y[i] = x[i] * x[i];
                        }
                        return y;
                    })
                    .backward(c -> new Tensor[] {c.grad().mul(c.input(0)).mul(3.0)})
                    .samples((rng, magnitude) -> new Sample(new Tensor[] {Tensor.randn(rng, 2, 3)}, Attrs.EMPTY))
                    // internal: kept out of publicOps(), so a plain `gradcheck ops` run is unaffected
                    .internal()
                    .build());
        }
    }

    private TestModels() {
    }

    /** Makes sure {@link #BAD_SQUARE} is registered. */
    static void registerBadOp() {
        // the static initialiser does the work
    }

    /** A small MLP in the format of DESIGN.md. */
    public static final String TINY_MLP = """
            {
              "format": "gradcheck-model/1",
              "name": "tiny",
              "seed": 3,
              "inputs": {
                "x": {"shape": [4, 3], "init": {"normal": {"mean": 0, "std": 1}}},
                "y": {"shape": [4], "dtype": "int64", "init": {"randint": {"low": 0, "high": 2}}}
              },
              "params": {
                "W": {"shape": [3, 2], "init": {"normal": {"std": 0.5}}},
                "b": {"shape": [2], "init": "zeros"}
              },
              "nodes": [
                {"name": "z", "op": "matmul", "inputs": ["x", "W"]},
                {"name": "logits", "op": "add", "inputs": ["z", "b"]},
                {"name": "h", "op": "tanh", "inputs": ["logits"]},
                {"name": "loss", "op": "cross_entropy", "inputs": ["h", "y"], "attrs": {"reduction": "mean"}}
              ],
              "output": "loss"
            }
            """;

    /** A model whose loss goes through {@link #BAD_SQUARE}: its check of W must fail. */
    static final String BAD_MODEL = """
            {
              "format": "gradcheck-model/1",
              "name": "bad",
              "seed": 1,
              "inputs": {"x": {"shape": [2, 3], "init": {"normal": {"std": 1}}}},
              "params": {"W": {"shape": [3, 3], "init": {"normal": {"std": 1}}}},
              "nodes": [
                {"name": "z", "op": "matmul", "inputs": ["x", "W"]},
                {"name": "s", "op": "cli_test_bad_square", "inputs": ["z"]},
                {"name": "loss", "op": "sum", "inputs": ["s"]}
              ],
              "output": "loss"
            }
            """;

    static Path write(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }
}

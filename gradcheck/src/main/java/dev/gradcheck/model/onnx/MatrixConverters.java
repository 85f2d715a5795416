package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxOp.of;

import dev.gradcheck.engine.Attrs;
import java.util.List;

/** Gemm and MatMul. */
final class MatrixConverters {
    private MatrixConverters() {
    }

    static List<OnnxOp> all() {
        return List.of(
                of("Gemm", "linear matmul", "transA transB alpha beta", "linear(A, B, C) for transB = 1, alpha = beta "
                        + "= 1 and a 1-d C (nn.Linear); otherwise permute for transA, linear (transB) or matmul, then mul by "
                        + "alpha and add beta · C",
                        MatrixConverters::gemm),
                of("MatMul", "matmul", "", "matmul (numpy's batch broadcasting)",
                        n -> n.out(n.emit("matmul", n.in(0), n.in(1)))));
    }

    /** Y = alpha · A' B' + beta · C, A' = transA ? Aᵀ : A, B' likewise. */
    private static void gemm(NodeContext n) {
        Value a = n.in(0);
        Value b = n.in(1);
        Value c = n.optional(2);
        if (a.shape().rank() != 2 || b.shape().rank() != 2) {
            throw n.fail("A and B must be 2-d, got " + a.shape() + " and " + b.shape());
        }
        boolean transA = flag(n, "transA");
        boolean transB = flag(n, "transB");
        double alpha = n.attrFloat("alpha", 1.0);
        double beta = n.attrFloat("beta", 1.0);
        if (transA) {
            a = n.emit("permute", Attrs.of("dims", new int[] {1, 0}), a);
        }
        boolean bias = c != null && beta == 1 && alpha == 1 && transB && c.shape().rank() == 1;
        Value y;
        if (transB) {
            // linear computes A Bᵀ (+ bias) as nn.Linear does
            y = bias ? n.emit("linear", a, b, c) : n.emit("linear", a, b);
        } else {
            y = n.emit("matmul", a, b);
        }
        y = Emit.scale(n, y, alpha);
        if (c != null && !bias && beta != 0) {
            y = n.emit("add", y, Emit.scale(n, c, beta));
        }
        n.out(y);
    }

    private static boolean flag(NodeContext n, String name) {
        long v = n.attrInt(name, 0);
        if (v != 0 && v != 1) {
            throw n.fail("attribute '" + name + "' must be 0 or 1, got " + v);
        }
        return v == 1;
    }
}

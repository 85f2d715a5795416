package dev.gradcheck.model.onnx;

import static dev.gradcheck.model.onnx.OnnxOp.of;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.model.onnx.Value.Const;
import java.util.ArrayList;
import java.util.List;

/**
 * Elementwise ONNX ops and activations: arithmetic with numpy broadcasting (integer constants
 * fold exactly, which is how shape arithmetic runs), the unary functions, and softmax over one
 * axis. Each maps onto the engine op of the same meaning, with ONNX's attribute names turned into
 * PyTorch's.
 */
final class ElementwiseConverters {
    private ElementwiseConverters() {
    }

    /** Selu's defaults as ONNX stores them (float32): PyTorch's selu has exactly these, and no others. */
    private static final float SELU_ALPHA = 1.67326319217681884765625f;
    private static final float SELU_GAMMA = 1.05070102214813232421875f;

    static List<OnnxOp> all() {
        List<OnnxOp> ops = new ArrayList<>();
        for (String[] u : new String[][] {{"Neg", "neg"}, {"Abs", "abs"}, {"Sqrt", "sqrt"}, {"Exp", "exp"},
            {"Log", "log"}, {"Tanh", "tanh"}, {"Sigmoid", "sigmoid"}, {"Relu", "relu"}, {"Erf", "erf"},
            {"Sin", "sin"}, {"Cos", "cos"}}) {
            ops.add(of(u[0], u[1], "", u[1], n -> n.out(n.emit(u[1], n.in(0)))));
        }
        for (String[] b : new String[][] {{"Add", "add"}, {"Sub", "sub"}, {"Mul", "mul"}, {"Div", "div"}}) {
            String ints = b[0].equals("Div") ? "exact, truncating toward zero" : "exact";
            ops.add(of(b[0], b[1], "", b[1] + " (numpy broadcasting; on integer constants, as in shape arithmetic, "
                    + ints + ")", n -> n.out(n.emit(b[1], n.in(0), n.in(1)))));
        }
        ops.add(of("Pow", "pow", "", "pow: a constant scalar exponent as the attribute exponent, else the "
                + "two-tensor form", ElementwiseConverters::pow));
        ops.add(of("Reciprocal", "div", "", "div(1, x)", n -> n.out(n.emit("div", Emit.scalar(1), n.in(0)))));
        ops.add(of("LeakyRelu", "leaky_relu", "alpha", "leaky_relu (alpha → negative_slope)",
                n -> n.out(n.emit("leaky_relu", Attrs.of("negative_slope", n.attrFloat("alpha", 0.01)), n.in(0)))));
        ops.add(of("Elu", "elu", "alpha", "elu (alpha)",
                n -> n.out(n.emit("elu", Attrs.of("alpha", n.attrFloat("alpha", 1.0)), n.in(0)))));
        ops.add(of("Selu", "selu", "alpha gamma", "selu (only PyTorch's constants: the ONNX defaults)",
                ElementwiseConverters::selu));
        ops.add(of("Softplus", "softplus", "", "softplus (PyTorch's beta 1 and threshold 20, so log(1 + e^x) "
                + "is x itself above 20; nn.Softplus(beta, threshold) exports as Mul, Softplus, Div, which keeps beta "
                + "and loses a threshold other than 20)",
                n -> n.out(n.emit("softplus", n.in(0)))));
        ops.add(of("HardSwish", "hardswish", "", "hardswish (x · relu6(x + 3) / 6, PyTorch's slopes at the kinks)",
                n -> n.out(n.emit("hardswish", n.in(0)))).since(14));
        ops.add(of("Gelu", "gelu", "approximate", "gelu (approximate none or tanh)",
                ElementwiseConverters::gelu).since(20));
        ops.add(of("Clip", "clamp", "", "clamp (min and max constant inputs, each optional)",
                ElementwiseConverters::clip).constants(1, 2));
        ops.add(of("Softmax", "softmax", "axis", "softmax (axis → dim)",
                n -> n.out(n.emit("softmax", Attrs.of("dim", axis(n)), n.in(0)))));
        ops.add(of("LogSoftmax", "log_softmax", "axis", "log_softmax (axis → dim)",
                n -> n.out(n.emit("log_softmax", Attrs.of("dim", axis(n)), n.in(0)))));
        return ops;
    }

    private static int axis(NodeContext n) {
        return n.axis(n.attrInt("axis", -1), n.in(0).shape().rank(), "axis");
    }

    private static void pow(NodeContext n) {
        Value x = n.in(0);
        Value e = n.in(1);
        if (e instanceof Const c && c.size() == 1 && c.shape().rank() == 0 && !(x instanceof Const)) {
            n.out(n.emit("pow", Attrs.of("exponent", c.doubleAt(0)), x));
        } else {
            n.out(n.emit("pow", x, e));
        }
    }

    private static void selu(NodeContext n) {
        var a = n.attr("alpha");
        var g = n.attr("gamma");
        if ((a != null && (a.f() == null || a.f() != SELU_ALPHA)) || (g != null && (g.f() == null || g.f() != SELU_GAMMA))) {
            throw n.fail("Selu with alpha " + (a == null ? "default" : a.f()) + " and gamma "
                    + (g == null ? "default" : g.f()) + ": only the defaults (PyTorch's selu) are supported");
        }
        n.out(n.emit("selu", n.in(0)));
    }

    private static void gelu(NodeContext n) {
        String approximate = n.attrString("approximate", "none");
        if (!approximate.equals("none") && !approximate.equals("tanh")) {
            throw n.fail("approximate must be \"none\" or \"tanh\", got \"" + OnnxSource.abbreviate(approximate) + "\"");
        }
        n.out(n.emit("gelu", Attrs.of("approximate", approximate), n.in(0)));
    }

    private static void clip(NodeContext n) {
        Double min = n.has(1) ? n.scalar(1, "min") : null;
        Double max = n.has(2) ? n.scalar(2, "max") : null;
        Value x = n.in(0);
        if (min == null && max == null) {
            n.out(x);
            return;
        }
        n.out(n.emit("clamp", Attrs.of("min", min, "max", max), x));
    }
}

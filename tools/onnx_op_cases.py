"""Regenerates the ONNX op cases: small graphs, one ONNX op form each, with PyTorch's answer.

Exported PyTorch models cover the common forms of each op (tools/onnx_fixtures.py); these cases
cover the rest: attributes PyTorch does not write (Gemm's transA, alpha, beta), opset-18 forms
(axes as an input, Split's num_outputs), opset 20's Gelu, inference-mode batch norm, auto_pad,
negative slice steps, shape sub-graphs. Each case is a graph whose params are initializers and
whose output Y feeds loss = sum(Y * R) (R a Constant), written with onnx.helper; the same function
written with torch gives the expected loss and gradients (float64).

Writes gradcheck/src/test/resources/onnx/cases/<case>.onnx, <case>.grads.npz and expected.json.
Run from the project root: /usr/bin/python3 tools/onnx_op_cases.py
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

OUT = "gradcheck/src/test/resources/onnx/cases"
RNG = np.random.default_rng(0)
CASES = []


def case(opset=17):
    def register(fn):
        CASES.append((fn.__name__, opset, fn))
        return fn
    return register


def randn(*shape):
    return RNG.standard_normal(shape)


def const(name, value, dtype=np.int64):
    """A Constant node making `name`."""
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.array(value, dtype=dtype)))


# ---------------------------------------------------------------- cases
# each returns (params {name: array}, nodes (producing "Y"), torch function of the params giving Y)

@case()
def gemm_trans_a_alpha_beta():
    p = {"A": randn(4, 3), "B": randn(4, 5), "C": randn(5)}
    n = [helper.make_node("Gemm", ["A", "B", "C"], ["Y"], transA=1, alpha=0.5, beta=2.0)]
    return p, n, lambda A, B, C: 0.5 * A.T @ B + 2 * C


@case()
def gemm_trans_b_matrix_c():
    p = {"A": randn(3, 4), "B": randn(5, 4), "C": randn(3, 5)}
    n = [helper.make_node("Gemm", ["A", "B", "C"], ["Y"], transB=1)]
    return p, n, lambda A, B, C: A @ B.T + C


@case()
def gemm_plain_broadcast_c():
    p = {"A": randn(3, 4), "B": randn(4, 2), "C": randn(1, 2)}
    n = [helper.make_node("Gemm", ["A", "B", "C"], ["Y"], beta=0.25)]
    return p, n, lambda A, B, C: A @ B + 0.25 * C


@case()
def matmul_batched():
    p = {"A": randn(2, 3, 4), "B": randn(4, 5)}
    return p, [helper.make_node("MatMul", ["A", "B"], ["Y"])], lambda A, B: A @ B


@case(opset=18)
def reduce_mean_axes_input_18():
    p = {"X": randn(2, 3, 4)}
    n = [const("ax", [1, -1]), helper.make_node("ReduceMean", ["X", "ax"], ["Y"], keepdims=1)]
    return p, n, lambda X: X.mean(dim=(1, 2), keepdim=True)


@case(opset=13)
def reduce_max_axes_attribute():
    p = {"X": randn(3, 4)}
    n = [helper.make_node("ReduceMax", ["X"], ["Y"], axes=[0], keepdims=0)]
    return p, n, lambda X: X.amax(dim=0)


@case()
def reduce_sum_noop_empty_axes():
    p = {"X": randn(2, 3)}
    n = [helper.make_node("ReduceSum", ["X"], ["Y"], noop_with_empty_axes=1)]
    return p, n, lambda X: X


@case()
def reduce_log_sum_exp():
    p = {"X": randn(2, 3)}
    n = [helper.make_node("ReduceLogSumExp", ["X"], ["Y"], axes=[1], keepdims=0)]
    return p, n, lambda X: torch.logsumexp(X, dim=1)


@case(opset=18)
def split_num_outputs_18():
    p = {"X": randn(2, 7)}
    n = [helper.make_node("Split", ["X"], ["a", "b", "c"], axis=1, num_outputs=3),
         helper.make_node("Mul", ["a", "b"], ["ab"]),
         helper.make_node("Concat", ["ab", "c"], ["Y"], axis=1)]
    return p, n, lambda X: torch.cat([X[:, 0:3] * X[:, 3:6], X[:, 6:7]], dim=1)


@case()
def split_sizes_input():
    p = {"X": randn(5, 2)}
    n = [const("s", [1, 4]), helper.make_node("Split", ["X", "s"], ["a", "b"], axis=0),
         helper.make_node("ReduceSum", ["b"], ["bs"], keepdims=1, noop_with_empty_axes=0),
         helper.make_node("Add", ["a", "bs"], ["Y"])]
    return p, n, lambda X: X[0:1] + X[1:5].sum(dim=(0, 1), keepdim=True)


@case()
def slice_negative_step_clamped():
    p = {"X": randn(3, 6)}
    n = [const("st", [-1]), const("en", [-100]), const("ax", [1]), const("sp", [-2]),
         helper.make_node("Slice", ["X", "st", "en", "ax", "sp"], ["Y"])]
    return p, n, lambda X: X[:, [5, 3, 1]]


@case()
def slice_several_axes():
    p = {"X": randn(4, 5, 3)}
    n = [const("st", [1, 0]), const("en", [100, -1]), const("ax", [0, 2]),
         helper.make_node("Slice", ["X", "st", "en", "ax"], ["Y"])]
    return p, n, lambda X: X[1:, :, 0:2]


@case()
def squeeze_unsqueeze_flatten():
    p = {"X": randn(3, 1, 4)}
    n = [helper.make_node("Squeeze", ["X"], ["s"]),
         const("ax", [0, 3]), helper.make_node("Unsqueeze", ["s", "ax"], ["u"]),
         helper.make_node("Flatten", ["u"], ["Y"], axis=0)]
    return p, n, lambda X: X.reshape(1, -1)


@case()
def reshape_zero_and_infer():
    p = {"X": randn(2, 3, 4)}
    n = [const("sh", [0, -1]), helper.make_node("Reshape", ["X", "sh"], ["Y"])]
    return p, n, lambda X: X.reshape(2, 12)


@case()
def transpose_default_perm():
    p = {"X": randn(2, 3, 4)}
    return p, [helper.make_node("Transpose", ["X"], ["Y"])], lambda X: X.permute(2, 1, 0)


@case()
def expand_bidirectional():
    p = {"X": randn(3, 1)}
    n = [const("sh", [1, 4]), helper.make_node("Expand", ["X", "sh"], ["Y"])]
    return p, n, lambda X: X.expand(3, 4)


@case()
def concat_negative_axis():
    p = {"A": randn(2, 1), "B": randn(2, 3), "C": randn(2, 2)}
    return p, [helper.make_node("Concat", ["A", "B", "C"], ["Y"], axis=-1)], lambda A, B, C: torch.cat([A, B, C], -1)


@case()
def gather_axis1_negative_indices():
    p = {"X": randn(3, 5)}
    n = [const("i", [[-1, 0], [2, 2]]), helper.make_node("Gather", ["X", "i"], ["Y"], axis=1)]
    return p, n, lambda X: X[:, [[4, 0], [2, 2]]]


@case()
def gather_scalar_index_3d():
    p = {"X": randn(4, 2, 3)}
    n = [const("i", 2), helper.make_node("Gather", ["X", "i"], ["Y"], axis=0)]
    return p, n, lambda X: X[2]


@case()
def gather_middle_axis():
    p = {"X": randn(2, 4, 3)}
    n = [const("i", [3, 1, 3]), helper.make_node("Gather", ["X", "i"], ["Y"], axis=1)]
    return p, n, lambda X: X[:, [3, 1, 3], :]


@case()
def pad_constant_negative_and_value():
    p = {"X": randn(3, 4)}
    n = [const("pads", [1, -1, 0, 2]), const("v", 0.5, np.float64),
         helper.make_node("Pad", ["X", "pads", "v"], ["Y"])]
    return p, n, lambda X: F.pad(X, (-1, 2, 1, 0), value=0.5)


@case()
def pow_constant_exponents():
    p = {"X": randn(3, 3)}
    n = [const("h", 0.5, np.float64), const("three", 3.0, np.float64),
         helper.make_node("Abs", ["X"], ["a"]), helper.make_node("Pow", ["a", "h"], ["r"]),
         helper.make_node("Pow", ["X", "three"], ["c"]), helper.make_node("Add", ["r", "c"], ["Y"])]
    return p, n, lambda X: X.abs() ** 0.5 + X ** 3


@case()
def unary_chain():
    p = {"X": randn(2, 4)}
    n = [helper.make_node("Sigmoid", ["X"], ["s"]), helper.make_node("Exp", ["s"], ["e"]),
         helper.make_node("Log", ["e"], ["l"]), helper.make_node("Sqrt", ["e"], ["q"]),
         helper.make_node("Neg", ["q"], ["nq"]), helper.make_node("Tanh", ["X"], ["t"]),
         helper.make_node("Erf", ["X"], ["f"]), helper.make_node("Relu", ["X"], ["r"]),
         helper.make_node("Add", ["l", "nq"], ["y0"]),
         helper.make_node("Mul", ["t", "f"], ["y1"]), helper.make_node("Sub", ["y0", "y1"], ["y2"]),
         helper.make_node("Div", ["y2", "e"], ["y3"]), helper.make_node("Add", ["y3", "r"], ["Y"])]
    def torch_fn(X):
        s = torch.sigmoid(X)
        e = torch.exp(s)
        return (torch.log(e) - torch.sqrt(e) - torch.tanh(X) * torch.erf(X)) / e + torch.relu(X)
    return p, n, torch_fn


@case()
def activations_with_attributes():
    p = {"X": randn(3, 4)}
    n = [helper.make_node("LeakyRelu", ["X"], ["a"], alpha=0.3), helper.make_node("Softplus", ["X"], ["b"]),
         const("lo", -0.5, np.float64), helper.make_node("Clip", ["X", "lo"], ["c"]),
         helper.make_node("Softmax", ["X"], ["d"], axis=0), helper.make_node("LogSoftmax", ["X"], ["e"], axis=1),
         helper.make_node("Add", ["a", "b"], ["ab"]), helper.make_node("Add", ["ab", "c"], ["abc"]),
         helper.make_node("Add", ["abc", "d"], ["abcd"]), helper.make_node("Add", ["abcd", "e"], ["Y"])]
    return p, n, lambda X: (F.leaky_relu(X, 0.3) + F.softplus(X) + torch.clamp(X, min=-0.5)
                            + torch.softmax(X, 0) + torch.log_softmax(X, 1))


@case(opset=20)
def gelu_tanh_20():
    p = {"X": randn(3, 4)}
    n = [helper.make_node("Gelu", ["X"], ["a"], approximate="tanh"), helper.make_node("Gelu", ["X"], ["b"]),
         helper.make_node("Add", ["a", "b"], ["Y"])]
    return p, n, lambda X: F.gelu(X, approximate="tanh") + F.gelu(X)


@case()
def conv_same_upper_even_kernel():
    p = {"X": randn(1, 2, 5, 5), "W": randn(3, 2, 2, 2), "B": randn(3)}
    n = [helper.make_node("Conv", ["X", "W", "B"], ["Y"], auto_pad="SAME_UPPER")]
    return p, n, lambda X, W, B: F.conv2d(F.pad(X, (0, 1, 0, 1)), W, B)


@case()
def conv1d_groups_dilation_stride():
    p = {"X": randn(2, 4, 9), "W": randn(6, 2, 3)}
    n = [helper.make_node("Conv", ["X", "W"], ["Y"], group=2, dilations=[2], strides=[2], pads=[1, 1])]
    return p, n, lambda X, W: F.conv1d(X, W, None, stride=2, padding=1, dilation=2, groups=2)


@case()
def pools_1d():
    p = {"X": randn(2, 3, 7)}
    n = [helper.make_node("MaxPool", ["X"], ["m"], kernel_shape=[3], strides=[2], pads=[1, 1]),
         helper.make_node("AveragePool", ["X"], ["a"], kernel_shape=[3], strides=[2], pads=[1, 1],
                          count_include_pad=1),
         helper.make_node("Add", ["m", "a"], ["Y"])]
    return p, n, lambda X: F.max_pool1d(X, 3, 2, 1) + F.avg_pool1d(X, 3, 2, 1, count_include_pad=True)


@case()
def avg_pool_exclude_pad_ceil():
    p = {"X": randn(1, 2, 5, 5)}
    n = [helper.make_node("AveragePool", ["X"], ["Y"], kernel_shape=[2, 2], strides=[2, 2], pads=[1, 1, 1, 1],
                          ceil_mode=1)]
    return p, n, lambda X: F.avg_pool2d(X, 2, 2, 1, ceil_mode=True, count_include_pad=False)


@case()
def global_average_pool_1d():
    p = {"X": randn(2, 3, 4)}
    return p, [helper.make_node("GlobalAveragePool", ["X"], ["Y"])], lambda X: X.mean(dim=2, keepdim=True)


@case()
def batch_norm_inference():
    mean, var = randn(3), np.abs(randn(3)) + 0.5
    p = {"X": randn(2, 3, 2, 2), "S": randn(3), "B": randn(3), "M": mean, "V": var}
    n = [helper.make_node("BatchNormalization", ["X", "S", "B", "M", "V"], ["Y"], epsilon=1e-3)]
    return p, n, lambda X, S, B, M, V: F.batch_norm(X, M.detach(), V.detach(), S, B, training=False, eps=1e-3)


@case()
def layer_norm_axis1():
    p = {"X": randn(2, 3, 4), "S": randn(3, 4), "B": randn(3, 4)}
    n = [helper.make_node("LayerNormalization", ["X", "S", "B"], ["Y"], axis=1, epsilon=1e-3)]
    return p, n, lambda X, S, B: F.layer_norm(X, (3, 4), S, B, eps=1e-3)


@case()
def instance_norm_2d():
    p = {"X": randn(2, 3, 2, 3), "S": randn(3), "B": randn(3)}
    n = [helper.make_node("InstanceNormalization", ["X", "S", "B"], ["Y"], epsilon=1e-4)]
    return p, n, lambda X, S, B: F.instance_norm(X, weight=S, bias=B, eps=1e-4)


@case()
def softmax_cross_entropy_weights_ignore():
    p = {"X": randn(4, 3), "Wt": np.array([0.5, 1.0, 2.0])}
    n = [const("t", [0, 2, 1, 2]),
         helper.make_node("SoftmaxCrossEntropyLoss", ["X", "t", "Wt"], ["l", "lp"], ignore_index=1, reduction="sum"),
         helper.make_node("ReduceSum", ["lp"], ["s"], keepdims=0), helper.make_node("Add", ["l", "s"], ["Y"])]
    t = torch.tensor([0, 2, 1, 2])

    def torch_fn(X, Wt):
        return F.cross_entropy(X, t, weight=Wt.detach(), ignore_index=1, reduction="sum") + F.log_softmax(X, 1).sum()
    return p, n, torch_fn


@case()
def nll_loss_none_spatial():
    p = {"X": randn(2, 3, 4)}
    n = [const("t", [[0, 1, 2, 1], [2, 2, 0, 1]]), helper.make_node("LogSoftmax", ["X"], ["lp"], axis=1),
         helper.make_node("NegativeLogLikelihoodLoss", ["lp", "t"], ["Y"], reduction="none")]
    t = torch.tensor([[0, 1, 2, 1], [2, 2, 0, 1]])
    return p, n, lambda X: F.nll_loss(F.log_softmax(X, 1), t, reduction="none")


@case()
def dropout_inference_identity():
    p = {"X": randn(2, 3)}
    n = [const("r", 0.5, np.float64), const("tm", False, np.bool_),
         helper.make_node("Dropout", ["X", "r", "tm"], ["d"]), helper.make_node("Identity", ["d"], ["Y"])]
    return p, n, lambda X: X


@case()
def shape_subgraph():
    """Reshape(X, Concat(Shape(X)[0:1], [-1])) times ConstantOfShape(Shape(X) cast), indices from
    Range and Cast, a Where over Equal of shapes: all folded at load time."""
    p = {"X": randn(2, 3, 2)}
    n = [helper.make_node("Shape", ["X"], ["sx"]),
         const("z", [0]), const("one", [1]), helper.make_node("Slice", ["sx", "z", "one"], ["n"]),
         const("m1", [-1]), helper.make_node("Concat", ["n", "m1"], ["target"], axis=0),
         helper.make_node("Reshape", ["X", "target"], ["r"]),
         helper.make_node("Shape", ["r"], ["sr"]),
         helper.make_node("ConstantOfShape", ["sr"], ["ones"],
                          value=numpy_helper.from_array(np.array([2.0], dtype=np.float64))),
         helper.make_node("Mul", ["r", "ones"], ["r2"]),
         const("st", 0), const("lim", 6), const("dl", 2), helper.make_node("Range", ["st", "lim", "dl"], ["idx"]),
         helper.make_node("Cast", ["idx"], ["idx32"], to=TensorProto.INT32),
         helper.make_node("Gather", ["r2", "idx32"], ["g"], axis=1),
         helper.make_node("Size", ["X"], ["size"]), const("twelve", 12),
         helper.make_node("Equal", ["size", "twelve"], ["eq"]), helper.make_node("Not", ["eq"], ["ne"]),
         const("a", 3.0, np.float64), const("b", -1.0, np.float64),
         helper.make_node("Where", ["ne", "b", "a"], ["k"]),
         helper.make_node("Mul", ["g", "k"], ["Y"])]
    return p, n, lambda X: X.reshape(2, -1)[:, [0, 2, 4]] * 2 * 3


@case()
def hard_swish():
    p = {"X": randn(2, 4) * 3}
    return p, [helper.make_node("HardSwish", ["X"], ["Y"])], lambda X: F.hardswish(X)


@case()
def max_min_of_data_with_ties():
    a, b, c = randn(2, 3), randn(2, 3), randn(1, 3) - 3
    b[0, 1] = a[0, 1]
    b[1, 2] = a[1, 2]
    p = {"A": a, "B": b, "C": c}
    n = [helper.make_node("Max", ["A", "B", "C"], ["mx"]), helper.make_node("Min", ["A", "B"], ["mn"]),
         helper.make_node("Add", ["mx", "mn"], ["Y"])]
    return p, n, lambda A, B, C: torch.maximum(torch.maximum(A, B), C) + torch.minimum(A, B)


@case()
def gather_elements_both_axes():
    p = {"X": randn(3, 4)}
    n = [const("i", [[0, 3], [2, -1], [1, 1]]), helper.make_node("GatherElements", ["X", "i"], ["a"], axis=1),
         const("j", [[2, 0, 1, 2]]), helper.make_node("GatherElements", ["X", "j"], ["b"], axis=0),
         helper.make_node("ReduceSum", ["b"], ["bs"], keepdims=1), helper.make_node("Add", ["a", "bs"], ["Y"])]
    i = torch.tensor([[0, 3], [2, 3], [1, 1]])
    j = torch.tensor([[2, 0, 1, 2]])
    return p, n, lambda X: X.gather(1, i) + X.gather(0, j).sum(dim=(0, 1), keepdim=True)


def build(name, opset, fn):
    params, nodes, torch_fn = fn()
    y = torch_fn(*[torch.tensor(v, requires_grad=True) for v in params.values()])
    r = RNG.standard_normal(tuple(y.shape))
    nodes = list(nodes) + [const("R", r, np.float64), helper.make_node("Mul", ["Y", "R"], ["YR"]),
                           helper.make_node("ReduceSum", ["YR"], ["loss"], keepdims=0)]
    inits = [numpy_helper.from_array(np.asarray(v, dtype=np.float64), k) for k, v in params.items()]
    graph = helper.make_graph(nodes, name, [], [helper.make_tensor_value_info("loss", TensorProto.DOUBLE, [])],
                              initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="onnx_op_cases")
    model.ir_version = 8
    with open(os.path.join(OUT, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())
    leaves = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    loss = (torch_fn(*leaves.values()) * torch.tensor(r)).sum()
    grads = torch.autograd.grad(loss, list(leaves.values()), allow_unused=True)
    # params PyTorch does not differentiate (detached statistics, class weights) have no entry
    np.savez(os.path.join(OUT, name + ".grads.npz"),
             **{k: np.ascontiguousarray(g.numpy()) for k, g in zip(leaves, grads) if g is not None})
    return {"loss": loss.item(), "opset": opset}


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {name: build(name, opset, fn) for name, opset, fn in CASES}
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    print(len(expected), "cases written to", OUT)


if __name__ == "__main__":
    main()

"""Export a PyTorch module to ONNX with everything `gradcheck compare` needs to check it.

For any nn.Module and its example inputs (and, for a module that ends in logits, a loss and the
name of its target), writes next to OUT:

  OUT.onnx           the module exported at opset 17 in training mode (batch norm with batch
                     statistics, as the module computes while training), constant folding off, so
                     the initializers keep their state-dict names (net.0.weight, ...)
  OUT.values.npz     the example inputs and every float initializer of the file (params and
                     buffers), as float64 / int64 arrays named as in the graph
  OUT.grads.npz      PyTorch's gradients of the loss with respect to every param, float64
  OUT.expected.json  PyTorch's float64 loss, and how it was made (the loss op and target, if any)

Then:  bin/gradcheck compare OUT.onnx --values OUT.values.npz --grads OUT.grads.npz
       (add --loss OP --target NAME for a module that ends in logits, as the JSON file says)

Use it from Python:

    import sys; sys.path.insert(0, "tools")
    from onnx_export import export
    export(model, {"x": x, "y": y}, "build/mlp")                        # forward returns the loss
    export(model, {"x": x}, "build/clf", loss="cross_entropy", target=("y", y))   # forward returns logits

or from the shell with a Python file that defines example() returning those arguments as a dict:

    /usr/bin/python3 tools/onnx_export.py my_model.py build/my_model [--float32]

The module runs in double precision (module.double(), float inputs .double()) so the file's
initializers are float64 and its loss can be compared to PyTorch's to 1e-12; --float32 exports
the module as it is (float32 initializers, which gradcheck widens to float64) while PyTorch's
loss and gradients are still computed in float64 from those same float32 values.
Needs torch (1.13 was used for the committed fixtures), onnx and numpy.
"""
import copy
import importlib.util
import io
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

OPSET = 17


def _loss(name, out, target, reduction):
    fn = getattr(F, name)
    return fn(out, target, reduction=reduction)


def export(module, inputs, out, loss=None, target=None, reduction="mean", float32=False, dynamic_axes=None):
    """Writes OUT.onnx, OUT.values.npz, OUT.grads.npz and OUT.expected.json (see the module's doc).

    module   an nn.Module; its forward takes the tensors of `inputs` in order
    inputs   {name: tensor}: the graph's inputs (float tensors become float64 unless float32)
    loss     None when forward returns the scalar loss; else a torch.nn.functional loss name
             applied to forward's output and the target
    target   (name, tensor) for `loss`: saved in the values under that name
    """
    module = copy.deepcopy(module)
    module.train()
    if not float32:
        module = module.double()
    names = list(inputs)
    args = tuple(_cast(inputs[n], float32) for n in names)
    buf = io.BytesIO()
    torch.onnx.export(module, args, buf, opset_version=OPSET, training=torch.onnx.TrainingMode.TRAINING,
                      do_constant_folding=False, input_names=names,
                      output_names=["loss" if loss is None else "output"],
                      dynamic_axes=dynamic_axes)
    model = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(model)
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)  # "build/mlp" in a fresh checkout
    with open(out + ".onnx", "wb") as f:
        f.write(buf.getvalue())

    # the reference: the same values in float64 (float32 ones widened exactly)
    ref = copy.deepcopy(module).double()
    ref.train()
    ref_args = tuple(a.double() if a.is_floating_point() else a for a in args)
    output = ref(*ref_args)
    if loss is not None:
        target_name, target_value = target
        t = target_value.double() if target_value.is_floating_point() else target_value
        value = _loss(loss, output, t, reduction)
    else:
        value = output
    if value.numel() != 1:
        raise SystemExit("the module's output has shape %s: give loss= and target= to make it a scalar"
                         % list(value.shape))
    params = dict(ref.named_parameters())
    grads = torch.autograd.grad(value, list(params.values()), allow_unused=True)

    initializers = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    values = {}
    for n, a in zip(names, ref_args):
        values[n] = np.ascontiguousarray(a.detach().numpy())
    for n, a in initializers.items():
        if a.dtype.kind == "f":
            values[n] = np.ascontiguousarray(a.astype(np.float64))
    if loss is not None:
        values[target[0]] = np.ascontiguousarray(t.detach().numpy())
    np.savez(out + ".values.npz", **values)

    grad_arrays = {}
    for (n, p), g in zip(params.items(), grads):
        if n not in initializers:
            continue  # a param the exported graph does not use
        grad_arrays[n] = np.ascontiguousarray((g if g is not None else torch.zeros_like(p)).detach().double().numpy())
    np.savez(out + ".grads.npz", **grad_arrays)

    expected = {
        "loss": float(value.item()),
        "loss_op": loss,
        "target": target[0] if target is not None else None,
        "reduction": reduction if loss is not None else None,
        "opset": OPSET,
        "initializers": "float32" if float32 else "float64",
        "torch": torch.__version__,
    }
    with open(out + ".expected.json", "w") as f:
        json.dump(expected, f, indent=2)
        f.write("\n")
    return expected


def _cast(t, float32):
    if t.is_floating_point():
        return t.float() if float32 else t.double()
    return t


def main(argv):
    if len(argv) < 2 or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    path, out = argv[0], argv[1]
    spec = importlib.util.spec_from_file_location("user_model", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    kwargs = mod.example()
    kwargs["float32"] = "--float32" in argv[2:]
    print(json.dumps(export(out=out, **kwargs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

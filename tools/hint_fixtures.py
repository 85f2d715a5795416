"""Fixtures for compare's hints on PyTorch exports (cli/src/test/resources/hints/), from the
findings of an outside tester exporting PyTorch models to ONNX:

- sd_mlp: an MLP with its loss, exported in training mode without folding; sd_mlp.state.pt is
  torch.save(model.state_dict()) (no inputs), sd_mlp.inputs.pt holds x and y, sd_mlp.grads.pt
  PyTorch's gradients by state-dict name; sd_mlp.grads_module.pt the same names prefixed
  'module.' (DataParallel); sd_mlp.grads_int.npz an int64 array where a gradient should be.
- folded: b.unsqueeze(0).expand(3, 6) exported with do_constant_folding=True, so the graph holds
  a frozen copy of b as an initializer 'onnx::Expand_…'; folded.values.npz the inputs and params,
  folded.grads.npz PyTorch's gradients (w, b).
- bn_eval: Conv2d + BatchNorm2d + Linear exported in eval mode without folding (the exporter
  merges the BatchNorm into the Conv: 'onnx::Conv_…'); bn_eval.values.npz x and y,
  bn_eval.grads.pt PyTorch's gradients by state-dict name (eval mode, cross_entropy).
- dyn_hw: a CNN whose input's height and width are symbolic (dynamic_axes), with an avg_pool2d of
  kernel 4 that a 2 x 2 input (the default size of a symbolic dimension) is too small for.

Usage (from the project root, with PyTorch 1.13 and onnx): /usr/bin/python3 tools/hint_fixtures.py
"""
import os

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join("cli", "src", "test", "resources", "hints")
TRAIN, EVAL = torch.onnx.TrainingMode.TRAINING, torch.onnx.TrainingMode.EVAL


class MLPLoss(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))

    def forward(self, x, y):
        return F.cross_entropy(self.net(x), y)


class Folded(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(4, 6))
        self.b = nn.Parameter(torch.randn(6))

    def forward(self, x):  # [3, 4]
        h = x @ self.w + self.b
        e = self.b.unsqueeze(0).expand(3, 6)
        return (h * e).pow(2).mean()


class ConvBn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.bn = nn.BatchNorm2d(2)
        self.fc = nn.Linear(2 * 2 * 2, 3)

    def forward(self, x):  # [2, 1, 4, 4]
        return self.fc(torch.relu(self.bn(self.conv(x))).flatten(1))


class PoolCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding=1)

    def forward(self, x):  # [2, 1, 8, 8]
        return F.avg_pool2d(self.conv(x), 4).mean()


def grads_of(model, loss):
    params = dict(model.named_parameters())
    return dict(zip(params, torch.autograd.grad(loss, list(params.values()))))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(4)

    net = MLPLoss().double()
    x = torch.randn(5, 4, dtype=torch.double)
    y = torch.randint(0, 3, (5,))
    torch.onnx.export(net, (x, y), f"{OUT}/sd_mlp.onnx", opset_version=17, training=TRAIN,
                      do_constant_folding=False, input_names=["x", "y"], output_names=["loss"])
    torch.save(net.state_dict(), f"{OUT}/sd_mlp.state.pt")
    torch.save({"x": x, "y": y}, f"{OUT}/sd_mlp.inputs.pt")
    g = grads_of(net, net(x, y))
    torch.save(g, f"{OUT}/sd_mlp.grads.pt")
    torch.save({"module." + n: t for n, t in g.items()}, f"{OUT}/sd_mlp.grads_module.pt")
    ints = {n: t.numpy() for n, t in g.items()}
    ints["net.2.bias"] = np.zeros(3, dtype=np.int64)
    np.savez(f"{OUT}/sd_mlp.grads_int.npz", **ints)

    f = Folded().double()
    x = torch.randn(3, 4, dtype=torch.double)
    torch.onnx.export(f, (x,), f"{OUT}/folded.onnx", opset_version=17, training=TRAIN, do_constant_folding=True,
                      input_names=["x"], output_names=["loss"])
    inits = [i.name for i in onnx.load(f"{OUT}/folded.onnx").graph.initializer]
    assert any(n.startswith("onnx::Expand") for n in inits), inits
    np.savez(f"{OUT}/folded.values.npz", x=x.numpy(), w=f.w.detach().numpy(), b=f.b.detach().numpy())
    np.savez(f"{OUT}/folded.grads.npz", **{n: t.numpy() for n, t in grads_of(f, f(x)).items()})

    c = ConvBn().double()
    with torch.no_grad():  # running statistics other than 0 and 1, so the merge changes the weights
        c.bn.running_mean.uniform_(-0.5, 0.5)
        c.bn.running_var.uniform_(0.5, 2.0)
    c.eval()
    x = torch.randn(2, 1, 4, 4, dtype=torch.double)
    y = torch.randint(0, 3, (2,))
    torch.onnx.export(c, (x,), f"{OUT}/bn_eval.onnx", opset_version=17, training=EVAL, do_constant_folding=False,
                      input_names=["x"], output_names=["logits"])
    inits = [i.name for i in onnx.load(f"{OUT}/bn_eval.onnx").graph.initializer]
    assert any(n.startswith("onnx::Conv") for n in inits), inits
    np.savez(f"{OUT}/bn_eval.values.npz", x=x.numpy(), y=y.numpy())
    torch.save(grads_of(c, F.cross_entropy(c(x), y)), f"{OUT}/bn_eval.grads.pt")

    p = PoolCnn().double()
    x = torch.randn(2, 1, 8, 8, dtype=torch.double)
    torch.onnx.export(p, (x,), f"{OUT}/dyn_hw.onnx", opset_version=17, training=TRAIN, do_constant_folding=False,
                      input_names=["x"], output_names=["loss"], dynamic_axes={"x": {0: "batch", 2: "h", 3: "w"}})
    np.savez(f"{OUT}/dyn_hw.values.npz", x=x.numpy())


if __name__ == "__main__":
    main()

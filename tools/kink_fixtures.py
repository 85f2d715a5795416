"""Regenerates compare's kink and tie fixtures (cli/src/test/resources/kinks/).

Two small PyTorch modules exported to ONNX (opset 17, training mode, no constant folding) with
values that sit exactly on kinks and ties, and PyTorch's float64 gradients there with respect to
the input x and every param (`compare --wrt all`):

  hardtanh  cross_entropy(hardtanh(x, -1, 1) @ W + b, y): x holds exact -1 and 1, where PyTorch's
            hardtanh passes no gradient and the exported Clip (read as clamp) passes it; y is an
            int64 target (never moved by compare's kink test)
  maxdim    (x.max(dim=1)[0] * v).sum() * a: x has rows with 2- and 4-way ties, where PyTorch's
            max gives the gradient to one entry and the exported ReduceMax (read as amax) splits it

  softplus  cross_entropy(fc2(softplus(fc1(x))), y), an MLP 5-7-3 of float64 (torch.manual_seed(0)),
            no entry near softplus's threshold: its small gradient entries (5e-4 against 0.13) must
            not read as sitting on a kink when a factor is planted in PyTorch's gradient

Each writes NAME.onnx, NAME.values.npz and NAME.grads.npz. Run from the project root with torch
(1.13 made the committed files), onnx and numpy:

    /usr/bin/python3 tools/kink_fixtures.py
"""
import io
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = "cli/src/test/resources/kinks"
X = torch.tensor([[0.25, 1.0, -1.0, -0.5],
                  [2.0, 2.0, 0.5, -0.75],
                  [-1.0, 0.125, 3.0, 3.0],
                  [1.0, 1.0, 1.0, 1.0]], dtype=torch.double)


class Hardtanh(nn.Module):
    def __init__(self):
        super().__init__()
        self.W = nn.Parameter(torch.linspace(-1.0, 1.5, 16, dtype=torch.double).reshape(4, 4))
        self.b = nn.Parameter(torch.tensor([0.1, -0.2, 0.3, 0.05], dtype=torch.double))

    def forward(self, x, y):
        return F.cross_entropy(F.hardtanh(x, -1.0, 1.0) @ self.W + self.b, y)


class MaxDim(nn.Module):
    def __init__(self):
        super().__init__()
        self.v = nn.Parameter(torch.tensor([0.5, -1.25, 2.0, 0.75], dtype=torch.double))
        self.a = nn.Parameter(torch.tensor(1.5, dtype=torch.double))

    def forward(self, x):
        return (x.max(dim=1)[0] * self.v).sum() * self.a


class SoftplusMlp(nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.fc1 = nn.Linear(5, 7).double()
        self.fc2 = nn.Linear(7, 3).double()

    def forward(self, x, y):
        return F.cross_entropy(self.fc2(F.softplus(self.fc1(x))), y)


def export(name, module, inputs):
    names = list(inputs)
    buf = io.BytesIO()
    torch.onnx.export(module, tuple(inputs.values()), buf, opset_version=17,
                      training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False,
                      input_names=names, output_names=["loss"])
    with open(os.path.join(OUT, name + ".onnx"), "wb") as f:
        f.write(buf.getvalue())
    x = inputs["x"].clone().requires_grad_()
    args = [x if n == "x" else inputs[n] for n in names]
    loss = module(*args)
    params = dict(module.named_parameters())
    grads = torch.autograd.grad(loss, [x] + list(params.values()))
    values = {n: t.detach().numpy() for n, t in inputs.items()}
    values.update({n: p.detach().numpy() for n, p in params.items()})
    np.savez(os.path.join(OUT, name + ".values.npz"), **values)
    np.savez(os.path.join(OUT, name + ".grads.npz"),
             **{n: g.numpy() for n, g in zip(["x"] + list(params), grads)})
    print(name, "loss", loss.item())


def main():
    os.makedirs(OUT, exist_ok=True)
    export("hardtanh", Hardtanh(), {"x": X, "y": torch.tensor([0, 3, 1, 2])})
    export("maxdim", MaxDim(), {"x": X})
    gen = torch.Generator().manual_seed(0)
    export("softplus", SoftplusMlp(), {"x": torch.randn(6, 5, generator=gen, dtype=torch.double),
                                       "y": torch.randint(0, 3, (6,), generator=torch.Generator().manual_seed(1))})


if __name__ == "__main__":
    main()

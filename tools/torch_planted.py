"""Issue #9's planted gradient bugs through torch.autograd.gradcheck with its defaults.

Each bug is a torch.autograd.Function with the same forward/backward as the Java ops in
gradcheck/src/test/java/dev/gradcheck/SensitivityOps.java. gradcheck is called as a user would:
once, at one standard-normal point of shape (4, 8) in float64, default eps/atol/rtol.
Prints, per bug: caught at seed 0, caught in k of N seeds, mean time per call.
Usage (from the project root): /usr/bin/python3 tools/torch_planted.py [N]
"""
import math
import sys
import time

import torch


def elementwise(f, df):
    class Op(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return f(x)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * df(x)

    return Op.apply


def smooth(x):
    return torch.sin(x) + x * x / 4


def smooth_grad(x):
    return torch.cos(x) + x / 2


def gelu(x, pi):
    c = math.sqrt(2 / pi)
    return 0.5 * x * (1 + torch.tanh(c * (x + 0.044715 * x ** 3)))


def gelu_grad(x, pi):
    c = math.sqrt(2 / pi)
    t = torch.tanh(c * (x + 0.044715 * x ** 3))
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x)


def softplus(x):
    return torch.where(x > 20, x, torch.log1p(torch.exp(torch.clamp(x, max=20))))


def softplus_grad_bug(x):
    return torch.where(x > 20, torch.zeros_like(x), torch.sigmoid(x))


class LayerNormNoEpsInBackward(torch.autograd.Function):
    eps = 1e-5

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        mu = x.mean(-1, keepdim=True)
        var = ((x - mu) ** 2).mean(-1, keepdim=True)
        return (x - mu) / torch.sqrt(var + LayerNormNoEpsInBackward.eps)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        eps = LayerNormNoEpsInBackward.eps
        mu = x.mean(-1, keepdim=True)
        var = ((x - mu) ** 2).mean(-1, keepdim=True)
        xh = (x - mu) / torch.sqrt(var + eps)
        s = torch.sqrt(var)  # the bug: eps forgotten here
        return (g - g.mean(-1, keepdim=True) - xh * (g * xh).mean(-1, keepdim=True)) / s


BUGS = [
    ("gradient off by 1e-3 (relative)", elementwise(smooth, lambda x: smooth_grad(x) * (1 + 1e-3))),
    ("gradient off by 1e-4 (relative)", elementwise(smooth, lambda x: smooth_grad(x) * (1 + 1e-4))),
    ("gradient off by 1e-5 (relative)", elementwise(smooth, lambda x: smooth_grad(x) * (1 + 1e-5))),
    ("layer norm: eps forgotten in backward", LayerNormNoEpsInBackward.apply),
    ("GELU: 3.14 for pi in backward", elementwise(lambda x: gelu(x, math.pi), lambda x: gelu_grad(x, 3.14))),
    ("softplus: wrong x > 20 shortcut", elementwise(softplus, softplus_grad_bug)),
]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    print(f"torch {torch.__version__}, torch.autograd.gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3)")
    print(f"{'bug':40s} {'seed 0':8s} {'seeds caught':14s} {'ms/call':>8s}")
    for name, fn in BUGS:
        caught = []
        t = 0.0
        for seed in range(n):
            torch.manual_seed(seed)
            x = torch.randn(4, 8, dtype=torch.float64, requires_grad=True)
            t0 = time.perf_counter()
            ok = torch.autograd.gradcheck(fn, (x,), raise_exception=False)
            t += time.perf_counter() - t0
            caught.append(not ok)
        print(f"{name:40s} {('caught' if caught[0] else 'missed'):8s} {sum(caught):3d} of {n:<7d} {1000 * t / n:8.1f}")


if __name__ == "__main__":
    main()

"""Regenerates the ONNX test models and examples with tools/onnx_export.py.

Writes gradcheck/src/test/resources/onnx/<name>.{onnx,values.npz,grads.npz,expected.json} for
every architecture below, and examples/onnx/ for the three examples. Run from the project root
(needs torch, onnx and numpy; the committed files were made with torch 1.13 and onnx 1.12):

    /usr/bin/python3 tools/onnx_fixtures.py
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_export import export  # noqa: E402

TESTS = "gradcheck/src/test/resources/onnx"
EXAMPLES = "examples/onnx"


class Mlp(nn.Module):
    """nn.Sequential of Linear and Tanh; cross_entropy inside."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))

    def forward(self, x, y):
        return F.cross_entropy(self.net(x), y)


class Activations(nn.Module):
    """ReLU, LeakyReLU, Sigmoid, Softplus, clamp, exp, abs, sqrt; a squared error by hand."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 6)
        self.b = nn.Linear(6, 6)
        self.c = nn.Linear(6, 2)

    def forward(self, x, t):
        h = F.relu(self.a(x))
        h = F.leaky_relu(self.b(h), 0.2)
        h = torch.sigmoid(h) + F.softplus(h) + torch.clamp(h, -0.5, 0.5) + torch.exp(-h.abs()) + (h * h + 1).sqrt()
        return ((self.c(h) - t) ** 2).mean()


class CnnBn(nn.Module):
    """Conv2d, BatchNorm2d (batch statistics), ReLU, MaxPool2d, flatten, Linear; cross_entropy."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(4 * 2 * 2, 3)

    def forward(self, x, y):
        h = self.pool(F.relu(self.bn(self.conv(x))))
        return F.cross_entropy(self.fc(torch.flatten(h, 1)), y)


class CnnView(nn.Module):
    """Strided, grouped and dilated convs, AvgPool2d, adaptive pooling, x.view(x.size(0), -1) on a
    dynamic batch (a Shape/Gather/Concat sub-graph), log_softmax and nll_loss."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(2, 4, 3, stride=2, padding=1)
        self.c2 = nn.Conv2d(4, 4, 3, padding=2, dilation=2, groups=2)
        self.pool = nn.AvgPool2d(2)
        self.fc = nn.Linear(4, 3)

    def forward(self, x, y):
        h = torch.tanh(self.c2(F.relu(self.c1(x))))
        h = F.adaptive_avg_pool2d(self.pool(h), 1)
        h = h.view(h.size(0), -1)
        return F.nll_loss(F.log_softmax(self.fc(h), dim=1), y)


class Attention(nn.Module):
    """A pre-norm transformer block by hand: LayerNorm, one qkv Linear split three ways, scaled
    softmax attention, GELU feed-forward, residuals."""

    def __init__(self, d=8):
        super().__init__()
        self.d = d
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.ff1 = nn.Linear(d, 2 * d)
        self.ff2 = nn.Linear(2 * d, d)

    def forward(self, x):
        q, k, v = self.qkv(self.ln1(x)).split(self.d, dim=-1)
        a = torch.softmax(q @ k.transpose(-2, -1) / self.d ** 0.5, dim=-1)
        h = x + self.proj(a @ v)
        h = h + self.ff2(F.gelu(self.ff1(self.ln2(h))))
        return (h ** 2).mean()


class Mha(nn.Module):
    """nn.MultiheadAttention (its export slices and reshapes through shape arithmetic) with a
    LayerNorm; the loss a sum of squares."""

    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)
        self.ln = nn.LayerNorm(8)

    def forward(self, x):
        h = self.ln(x + self.attn(x, x, x, need_weights=False)[0])
        return (h * h).sum() / 10


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.b1 = nn.BatchNorm2d(c)
        self.c2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.b2 = nn.BatchNorm2d(c)

    def forward(self, x):
        return F.relu(x + self.b2(self.c2(F.relu(self.b1(self.c1(x))))))


class Residual(nn.Module):
    """Two residual blocks (conv, batch norm, ReLU, skip connection), global average pooling, a
    BatchNorm1d and a Linear head; cross_entropy."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 3, 3, padding=1)
        self.blocks = nn.Sequential(Block(3), Block(3))
        self.bn = nn.BatchNorm1d(3)
        self.fc = nn.Linear(3, 2)

    def forward(self, x, y):
        h = self.blocks(self.stem(x)).mean(dim=(2, 3))
        return F.cross_entropy(self.fc(self.bn(h)), y)


class Embedding(nn.Module):
    """nn.Embedding (Gather), a mean over the sequence, Linear; squared error to a float target."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 4)
        self.fc = nn.Linear(4, 1)

    def forward(self, idx, t):
        return ((self.fc(self.emb(idx).mean(1)).squeeze(-1) - t) ** 2).mean()


class Logits(nn.Module):
    """Ends in logits: checked with --loss cross_entropy --target y."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(5, 6), nn.ReLU(), nn.Linear(6, 4))

    def forward(self, x):
        return self.net(x)


class Conv1d(nn.Module):
    """Conv1d, InstanceNorm1d (affine), AvgPool1d, a strided slice, cat and logsumexp."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(2, 3, 3, padding=1)
        self.norm = nn.InstanceNorm1d(3, affine=True)
        self.pool = nn.AvgPool1d(2)

    def forward(self, x):
        h = self.pool(self.norm(self.conv(x)))
        h = torch.cat([h[:, :, ::2], h[:, :, 1:]], dim=2)
        return torch.logsumexp(h, dim=2).sum()


class Norms(nn.Module):
    """torch.norm of the whole tensor (exported as ReduceL2) and of each row, on a linear layer."""

    def __init__(self):
        super().__init__()
        self.l = nn.Linear(4, 3)

    def forward(self, x):
        h = self.l(x)
        return torch.norm(h) + torch.norm(h, dim=1).sum()


class DeadRows(nn.Module):
    """Where PyTorch's gradient is finite and the chain rule through sqrt is not (tester 17's F1): F.normalize
    (ReduceL2) of a ReLU layer with a dead row and of a bias-free layer at a zero input row, and sqrt of relu
    and of clamp(min=0) where those are 0. relu and clamp select, norm_backward gives 0 at a zero norm."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 6)
        self.g = nn.Linear(4, 6, bias=False)
        self.out = nn.Linear(6, 3)
        with torch.no_grad():
            self.fc.bias.fill_(-0.2)  # the zero input row gives relu(-0.2) = 0: a dead row

    def forward(self, x):
        h = self.fc(x)
        a = F.normalize(torch.relu(h), dim=1) + F.normalize(self.g(x), dim=1)
        return self.out(a + torch.relu(h).sqrt() + torch.clamp(h, min=0.0).sqrt())


class TransformerLayer(nn.Module):
    """nn.TransformerEncoderLayer (dropout 0) and a linear readout; squared error."""

    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, batch_first=True)
        self.out = nn.Linear(4, 1)

    def forward(self, x, t):
        return ((self.out(self.layer(x)).squeeze(-1) - t) ** 2).mean()


class Ops(nn.Module):
    """Gather along axis 1 (index_select and x[:, 1]), flip and a stride-2 slice (Slice with steps),
    F.pad with a value, expand, Pow with a tensor exponent, Reciprocal, sin, cos, amax, max, and
    the shape sub-graphs PyTorch writes around them."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 6)
        self.e = nn.Parameter(torch.linspace(0.5, 2, 6))

    def forward(self, x):
        h = self.lin(x)
        a = torch.index_select(h, 1, torch.tensor([0, 2, 5]))
        b = h[:, 1]
        c = h.flip(1)
        d = h[:, ::2]
        e = F.pad(h, (1, 2), value=0.5)
        f = h.unsqueeze(1).expand(3, 2, 6).reshape(6, -1)
        g = torch.pow(h.abs() + 1, self.e)
        r = 1 / (h * h + 1) - torch.sin(h) * torch.cos(h)
        return (a.sum() + b.pow(2).sum() + (c * h).sum() + d.mean() + e.sum() + f.sum() + g.sum() + r.sum()
                + h.amax(1).sum() + h.transpose(0, 1).sum(1).sum() - h.neg().max())


class NewEngineOps(nn.Module):
    """Ops that need engine ops of the new-ops work: Elu, Selu, Where (masked_fill), ConvTranspose
    (2-d, and 1-d)."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 6)
        self.up = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1, output_padding=1)
        self.up1 = nn.ConvTranspose1d(3, 2, 2, stride=2)

    def forward(self, x, img):
        h = self.lin(x)
        mask = torch.tensor([[True, False, True, False, True, False]])
        a = F.elu(h) + F.selu(h) + h.masked_fill(mask, -1.0)
        return a.sum() + self.up(img).pow(2).mean() + self.up1(h.reshape(2, 3, 3)).pow(2).mean()


class LmBuffers(nn.Module):
    """A weight-tied causal language model as nanoGPT writes it, with its buffers: a float tril
    compared with == 0 for the mask (masked_fill -inf), class weights cast with .to(), an int64
    buffer of positions sliced and used as indices; the loss on logits.view(-1, V) and y.view(-1)
    (int64 targets reshaped)."""

    def __init__(self, vocab=7, d=8, t=4):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(t, d)
        self.qkv = nn.Linear(d, 3 * d)
        self.ln = nn.LayerNorm(d)
        self.register_buffer("bias", torch.tril(torch.ones(t, t)).view(1, t, t))
        self.register_buffer("w", torch.linspace(0.5, 1.5, vocab))
        self.register_buffer("positions", torch.arange(t))

    def forward(self, idx, y):
        b, t = idx.shape
        h = self.emb(idx) + self.pos(self.positions[:t])
        q, k, v = self.qkv(h).split(h.shape[-1], dim=-1)
        att = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
        att = att.masked_fill(self.bias[:, :t, :t] == 0, float("-inf"))
        h = self.ln(h + torch.softmax(att, dim=-1) @ v)
        logits = h @ self.emb.weight.t()
        return F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1), weight=self.w.to(logits.dtype))


class TargetsAndOps(nn.Module):
    """int64 targets moved as PyTorch code moves them (y.unsqueeze(1) for gather, slices, cat,
    transpose, y[:, -1]) and the ops of F.hardswish, torch.maximum and torch.minimum (ties
    included: relu6 as maximum with 0) and log_softmax(...).gather (GatherElements)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 5)
        self.emb = nn.Embedding(5, 3)
        self.out = nn.Linear(3, 5)

    def forward(self, x, y):
        h = self.fc(x)
        h = F.hardswish(h) + torch.maximum(h, torch.zeros_like(h)) - torch.minimum(h, h.flip(1))
        logp = F.log_softmax(h, dim=1)
        nll = -logp.gather(1, y[:, :1]).mean()
        tok = torch.cat([y[:, 1:], y[:, :1]], dim=1).t()
        e = self.emb(tok).mean(0)
        ce = F.cross_entropy(self.out(e), y[:, -1])
        return nll + ce + logp.gather(1, y[:, 1].unsqueeze(1)).sum()


def tests():
    g = torch.Generator().manual_seed(0)

    def randn(*s):
        return torch.randn(*s, generator=g)

    def randint(high, *s):
        return torch.randint(0, high, s, generator=g)

    torch.manual_seed(0)
    return {
        "mlp": dict(module=Mlp(), inputs={"x": randn(5, 4), "y": randint(3, 5)}),
        "activations": dict(module=Activations(), inputs={"x": randn(4, 3), "t": randn(4, 2)}),
        "cnn_bn": dict(module=CnnBn(), inputs={"x": randn(3, 1, 4, 4), "y": randint(3, 3)}),
        "cnn_view": dict(module=CnnView(), inputs={"x": randn(3, 2, 8, 8), "y": randint(3, 3)},
                         dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}),
        "attention": dict(module=Attention(), inputs={"x": randn(2, 3, 8)}),
        "mha": dict(module=Mha(), inputs={"x": randn(2, 3, 8)}),
        "residual": dict(module=Residual(), inputs={"x": randn(4, 1, 4, 4), "y": randint(2, 4)}),
        "embedding": dict(module=Embedding(), inputs={"idx": randint(10, 3, 4), "t": randn(3)}),
        "logits": dict(module=Logits(), inputs={"x": randn(6, 5)}, loss="cross_entropy",
                       target=("y", randint(4, 6))),
        "conv1d": dict(module=Conv1d(), inputs={"x": randn(2, 2, 8)}),
        "mlp_float32": dict(module=Mlp(), inputs={"x": randn(5, 4), "y": randint(3, 5)}, float32=True),
        "transformer_layer": dict(module=TransformerLayer(), inputs={"x": randn(2, 3, 4), "t": randn(2, 3)}),
        "ops": dict(module=Ops(), inputs={"x": randn(3, 4)}),
        "new_engine_ops": dict(module=NewEngineOps(), inputs={"x": randn(3, 4), "img": randn(1, 2, 3, 3)}),
        # soft labels: cross_entropy with a float target of class probabilities (PyTorch >= 1.10)
        "logits_prob": dict(module=Logits(), inputs={"x": randn(5, 5)}, loss="cross_entropy",
                            target=("p", torch.softmax(randn(5, 4), 1))),
        # torch.norm: ReduceL2
        "norms": dict(module=Norms(), inputs={"x": randn(5, 4)}),
        "dead_rows": dict(module=DeadRows(), inputs={"x": randn(5, 4).index_fill_(0, torch.tensor([2]), 0.0)},
                          loss="cross_entropy", target=("y", randint(3, 5))),
        # buffers that are no params (PyTorch gives them no gradient), int64 targets reshaped
        "lm_buffers": dict(module=LmBuffers(), inputs={"idx": randint(7, 2, 3), "y": randint(7, 2, 3)}),
        "targets_and_ops": dict(module=TargetsAndOps(), inputs={"x": randn(4, 4), "y": randint(5, 4, 3)}),
    }


def examples():
    g = torch.Generator().manual_seed(1)
    torch.manual_seed(1)
    return {
        "mlp": dict(module=Mlp(), inputs={"x": torch.randn(8, 4, generator=g),
                                          "y": torch.randint(0, 3, (8,), generator=g)}),
        "cnn": dict(module=CnnBn(), inputs={"x": torch.randn(4, 1, 4, 4, generator=g),
                                            "y": torch.randint(0, 3, (4,), generator=g)}),
        "transformer": dict(module=Attention(), inputs={"x": torch.randn(2, 4, 8, generator=g)}),
    }


def main(argv):
    os.makedirs(TESTS, exist_ok=True)
    os.makedirs(EXAMPLES, exist_ok=True)
    only = set(argv)
    for name, kw in tests().items():
        if not only or name in only:
            print(name, export(out=os.path.join(TESTS, name), **kw))
    for name, kw in examples().items():
        if not only or "examples" in only:
            print("examples/" + name, export(out=os.path.join(EXAMPLES, name), **kw))


if __name__ == "__main__":
    main(sys.argv[1:])

"""Fixtures for compare's reduced-precision tolerances and the float16/bfloat16 readers.

Writes
- cli/src/test/resources/precision/: a tiny float32 PyTorch model, Conv2d (with a bias) ->
  BatchNorm2d (training) -> ReLU -> Linear, exported to ONNX (opset 17, training mode) from the
  float32 module; its values as float32 (convbn.values.npz: x, y, params, buffers); PyTorch's own
  float32 gradients of cross_entropy (convbn.g32.npz). The conv bias's true gradient is 0 (a
  BatchNorm removes any per-channel constant), so its float32 gradient is rounding noise only.
  Also the float64 gradients stored as float16 (.pt; and with fc.weight's doubled, a planted bug)
  and bfloat16 (.safetensors).
- gradcheck/src/test/resources/checkpoints/halves.*: float16 and bfloat16 tensors with subnormals,
  ±0, ±inf and NaN, as .npy ('<f2' and '>f2'), .pt (one a strided view) and .safetensors (F16,
  BF16), and halves_expected.npz: the same values widened by PyTorch to float64.

Usage (from the project root, where PyTorch is installed): /usr/bin/python3 tools/precision_fixtures.py
"""
import io
import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CLI = os.path.join("cli", "src", "test", "resources", "precision")
CK = os.path.join("gradcheck", "src", "test", "resources", "checkpoints")


def write_safetensors(path, tensors):
    """u64 little-endian header length, a JSON header padded with spaces to 8 bytes, the data."""
    codes = {torch.float16: "F16", torch.bfloat16: "BF16"}
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.contiguous().view(torch.int16).numpy().astype("<i2").tobytes()
        header[name] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


class ConvBN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3, padding=1)
        self.bn = nn.BatchNorm2d(3)
        self.fc = nn.Linear(3 * 4 * 4, 3)

    def forward(self, x):
        return self.fc(F.relu(self.bn(self.conv(x))).flatten(1))


def convbn():
    torch.manual_seed(0)
    net = ConvBN().float().train()
    x = torch.randn(4, 2, 4, 4)
    y = torch.tensor([0, 2, 1, 2])
    buf = io.BytesIO()
    torch.onnx.export(net, (x,), buf, opset_version=17, training=torch.onnx.TrainingMode.TRAINING,
                      do_constant_folding=False, input_names=["x"], output_names=["output"])
    open(os.path.join(CLI, "convbn.onnx"), "wb").write(buf.getvalue())
    values = {"x": x.numpy(), "y": y.numpy()}
    values.update({k: v.detach().numpy() for k, v in net.state_dict().items() if v.is_floating_point()})
    np.savez(os.path.join(CLI, "convbn.values.npz"), **values)
    loss = F.cross_entropy(net(x), y)
    grads = torch.autograd.grad(loss, list(net.parameters()))
    names = [n for n, _ in net.named_parameters()]
    np.savez(os.path.join(CLI, "convbn.g32.npz"), **{n: g.numpy() for n, g in zip(names, grads)})
    # the float64 module at the same (float32) values, its gradients stored at half precisions
    net64 = ConvBN().double().train()
    net64.load_state_dict({k: v.double() if v.is_floating_point() else v for k, v in net.state_dict().items()})
    loss64 = F.cross_entropy(net64(x.double()), y)
    g64 = torch.autograd.grad(loss64, list(net64.parameters()))
    torch.save({n: g.half() for n, g in zip(names, g64)}, os.path.join(CLI, "convbn.g16.pt"))
    # a planted bug at float16: fc.weight's gradient doubled
    torch.save({n: (2 * g if n == "fc.weight" else g).half() for n, g in zip(names, g64)},
               os.path.join(CLI, "convbn.g16_fc_doubled.pt"))
    write_safetensors(os.path.join(CLI, "convbn.gbf16.safetensors"), {n: g.bfloat16() for n, g in zip(names, g64)})
    print("convbn: loss", loss.item(), "conv.bias grad (float32)", grads[1].tolist(), "(float64)", g64[1].tolist())


def halves():
    f16 = np.array([0.0, -0.0, 1.0, -2.5, 65504.0, -65504.0, 2.0 ** -24, -(2.0 ** -24), 2.0 ** -14 - 2.0 ** -24,
                    2.0 ** -14, np.inf, -np.inf, np.nan, 0.1, 1 / 3], dtype=np.float16)
    np.save(os.path.join(CK, "halves_f16_le.npy"), f16)
    np.save(os.path.join(CK, "halves_f16_be.npy"), f16.astype(">f2"))
    bf16 = torch.tensor([0.0, -0.0, 1.0, -2.5, 3.0e38, 1e-40, -1e-40, float("inf"), float("-inf"), float("nan"),
                         0.1, 1 / 3], dtype=torch.float32).bfloat16()
    grid = torch.from_numpy(np.arange(6, dtype=np.float16).reshape(2, 3) / np.float16(7))
    tensors = {"f16": torch.from_numpy(f16), "bf16": bf16, "f16_t": grid.t()}  # f16_t: a transposed view
    torch.save(tensors, os.path.join(CK, "halves.pt"))
    write_safetensors(os.path.join(CK, "halves.safetensors"), {"f16": torch.from_numpy(f16), "bf16": bf16})
    np.savez(os.path.join(CK, "halves_expected.npz"),
             **{k: np.ascontiguousarray(v.double().numpy()) for k, v in tensors.items()})
    print("halves: f16", torch.from_numpy(f16).double().tolist(), "bf16", bf16.double().tolist())


if __name__ == "__main__":
    convbn()
    halves()

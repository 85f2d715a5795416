"""Checkpoint fixtures for the .safetensors and PyTorch .pt readers (issue 15, "Checkpoints").

Writes gradcheck/src/test/resources/checkpoints/: a real nn.Sequential(Linear(4, 8), Tanh(),
Linear(8, 3)) state dict saved by torch.save (float64 and float32), the same weights as
.safetensors files (written here by hand, following the format's specification, since the
safetensors package is not installed), the inputs as a .pt dict (float64 x, int64 y), PyTorch's
loss and gradients, tensors that are views of one storage (transposed, sliced, offset), and
tensors of types the reader refuses (float16, bool).

The safetensors writer below is checked by the reader below it (a round trip of every file
written), and the Java writer is checked against the files it wrote byte for byte
(SafetensorsTest.writesByteForByteWhatThePythonWriterWrites).

Usage (from the project root, where PyTorch is installed): /usr/bin/python3 tools/checkpoint_fixtures.py
"""
import json
import os
import struct

import numpy as np
import torch

OUT = os.path.join("gradcheck", "src", "test", "resources", "checkpoints")

DTYPES = {torch.float64: ("F64", "<f8"), torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8")}


def write_safetensors(path, tensors):
    """The format: u64 little-endian header length, a JSON header padded with spaces to 8 bytes, the data."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        code, np_type = DTYPES[t.dtype]
        data = t.detach().contiguous().numpy().astype(np_type).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """An independent reader: checks the layout rules the Java reader enforces, returns numpy arrays."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert 2 <= n <= len(raw) - 8, "header length"
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    at, out = 0, {}
    for name, e in sorted(((k, v) for k, v in header.items() if k != "__metadata__"),
                          key=lambda kv: kv[1]["data_offsets"][0]):
        begin, end = e["data_offsets"]
        assert begin == at, "no holes or overlaps"
        np_type = {"F64": "<f8", "F32": "<f4", "I64": "<i8"}[e["dtype"]]
        count = int(np.prod(e["shape"], dtype=np.int64))
        assert end - begin == count * np.dtype(np_type).itemsize, "size"
        out[name] = np.frombuffer(data[begin:end], dtype=np_type).reshape(e["shape"])
        at = end
    assert at == len(data), "the data is covered"
    return out


def checked_safetensors(path, tensors):
    write_safetensors(path, tensors)
    back = read_safetensors(path)
    assert list(back) == list(tensors), path
    for k, t in tensors.items():
        assert np.array_equal(back[k], t.detach().numpy()), (path, k)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(15)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)).double()
    with torch.no_grad():  # PyTorch draws its init in float32: move the weights off float32's grid
        for p in net.parameters():
            p.add_(torch.randn_like(p) * 1e-3)
    x = torch.randn(5, 4, dtype=torch.float64)
    y = torch.tensor([0, 2, 1, 1, 0], dtype=torch.int64)

    def loss_and_grads(model):
        model.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        return loss.item(), {k: p.grad.clone() for k, p in model.named_parameters()}

    # float64: the state dict as torch.save writes it (OrderedDict with _metadata), and as safetensors
    torch.save(net.state_dict(), os.path.join(OUT, "mlp_state_dict.pt"))
    checked_safetensors(os.path.join(OUT, "mlp_state_dict.safetensors"), net.state_dict())
    torch.save({"x": x, "y": y}, os.path.join(OUT, "mlp_inputs.pt"))
    loss, grads = loss_and_grads(net)
    checked_safetensors(os.path.join(OUT, "mlp_grads.safetensors"), grads)
    torch.save(grads, os.path.join(OUT, "mlp_grads.pt"))

    # float32 weights, widened exactly to float64: the reference computes with the widened values
    net32 = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    net32.load_state_dict({k: v.float() for k, v in net.state_dict().items()})
    torch.save(net32.state_dict(), os.path.join(OUT, "mlp_state_dict_f32.pt"))
    checked_safetensors(os.path.join(OUT, "mlp_state_dict_f32.safetensors"), net32.state_dict())
    widened = net32.double()
    loss32, grads32 = loss_and_grads(widened)
    np.savez(os.path.join(OUT, "mlp_grads_f32_widened.npz"), **{k: g.numpy() for k, g in grads32.items()})

    with open(os.path.join(OUT, "mlp_expected.json"), "w") as f:
        json.dump({"loss": loss, "loss_f32_widened": loss32}, f, indent=1)
        f.write("\n")

    # views of one storage: transposed, a row, a column (strided, offset), a narrowed block
    base = torch.arange(12, dtype=torch.float64).reshape(3, 4) * 0.5 - 1
    views = {"base": base, "t": base.t(), "row": base[1], "col": base[:, 2], "block": base[1:, 1:3],
             "ints": torch.arange(6, dtype=torch.int64).reshape(2, 3).t()}
    torch.save(views, os.path.join(OUT, "views.pt"))
    np.savez(os.path.join(OUT, "views_expected.npz"), **{k: v.contiguous().numpy() for k, v in views.items()})

    # types the reader refuses, each with the key it names
    torch.save({"ok": torch.ones(2, dtype=torch.float64), "half": torch.ones(2, dtype=torch.float16)},
               os.path.join(OUT, "half.pt"))
    torch.save({"mask": torch.tensor([True, False])}, os.path.join(OUT, "bool.pt"))
    # not a state dict: a checkpoint dict with an epoch number beside the weights
    torch.save({"epoch": 3, "model": net.state_dict()}, os.path.join(OUT, "checkpoint_dict.pt"))
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()

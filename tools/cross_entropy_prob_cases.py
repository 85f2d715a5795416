"""Adds cross_entropy's class-probability cases to its hand-picked PyTorch fixture.

cross_entropy takes a float64 target of the input's shape holding class probabilities (PyTorch
1.10 and later) besides int64 class indices. This evaluates the cases below in PyTorch (float64,
with op_fixture.py's evaluate: forward, gradients of input and target, second order, forward mode)
and puts them in engine/src/test/resources/fixtures/ops/cross_entropy.json in place of the cases
an earlier run wrote (their notes start with "class probabilities"); the other cases are kept.

Usage: /usr/bin/python3 tools/cross_entropy_prob_cases.py
"""
import json
import os
import sys
import zlib

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from op_fixture import evaluate, finite, torch_function  # noqa: E402

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "engine", "src", "test", "resources",
                       "fixtures", "ops", "cross_entropy.json")
PREFIX = "class probabilities"


def tensor(t, differentiable, optional=False, name="input"):
    return {"name": name, "optional": optional, "shape": list(t.shape), "dtype": "float64",
            "data": t.reshape(-1).tolist(), "differentiable": differentiable}


def case(note, shape, attrs, weight=False, gen=None, raw=False):
    x = torch.randn(shape, generator=gen, dtype=torch.float64) * 2
    dim = 0 if len(shape) == 1 else 1
    # a softmax of normal values per position; raw: any reals (PyTorch takes them too)
    t = torch.randn(shape, generator=gen, dtype=torch.float64)
    t = t if raw else torch.softmax(t, dim)
    inputs = [tensor(x, True), tensor(t, True, name="target")]
    if weight:
        inputs.append(tensor(torch.rand(shape[dim], generator=gen, dtype=torch.float64) + 0.5, False, True, "weight"))
    return {"op": "cross_entropy", "attrs": attrs, "note": PREFIX + ": " + note, "variadic": False,
            "twice_differentiable": True, "inputs": inputs}


def requests():
    g = torch.Generator().manual_seed(110)
    return [
        case("default mean divides by the rows", [4, 3], {}, gen=g),
        case("sum", [5, 3], {"reduction": "sum"}, gen=g),
        case("none", [3, 4], {"reduction": "none"}, gen=g),
        case("class weights, mean still divides by the rows", [5, 3], {"reduction": "mean"}, weight=True, gen=g),
        case("class weights, sum", [4, 3], {"reduction": "sum"}, weight=True, gen=g),
        case("class weights, none", [4, 3], {"reduction": "none"}, weight=True, gen=g),
        case("label_smoothing, mean", [4, 3], {"label_smoothing": 0.2}, gen=g),
        case("label_smoothing, sum", [4, 3], {"label_smoothing": 0.3, "reduction": "sum"}, gen=g),
        case("label_smoothing, none", [3, 3], {"label_smoothing": 0.25, "reduction": "none"}, gen=g),
        case("label_smoothing with class weights, mean", [5, 3], {"label_smoothing": 0.2}, weight=True, gen=g),
        case("label_smoothing with class weights, sum", [4, 4], {"label_smoothing": 0.1, "reduction": "sum"},
             weight=True, gen=g),
        case("label_smoothing with class weights, none", [4, 3], {"label_smoothing": 0.4, "reduction": "none"},
             weight=True, gen=g),
        case("unbatched", [3], {}, gen=g),
        case("unbatched, none, class weights", [4], {"reduction": "none"}, weight=True, gen=g),
        case("K-dim [N, C, d], mean divides by N*d", [2, 3, 4], {}, weight=True, gen=g),
        case("K-dim [N, C, H, W], none", [2, 3, 2, 2], {"reduction": "none", "label_smoothing": 0.1}, gen=g),
        case("negative ignore_index is ignored", [4, 3], {"ignore_index": -1}, gen=g),
        case("targets not summing to 1", [4, 3], {"reduction": "sum"}, weight=True, gen=g, raw=True),
    ]


def main():
    with open(FIXTURE, encoding="utf-8") as fh:
        cases = [c for c in json.load(fh) if not c.get("note", "").startswith(PREFIX)]
    f = torch_function("cross_entropy")
    base = zlib.crc32(b"cross_entropy")
    for request in requests():
        result = evaluate(f, request, base + len(cases))
        if not finite(result):
            sys.exit(f"cross_entropy_prob_cases: {request['note']}: PyTorch's values are not all finite")
        cases.append(result)
    with open(FIXTURE, "w", encoding="utf-8") as out:
        out.write(json.dumps(cases, separators=(",", ":")) + "\n")
    print(f"cross_entropy_prob_cases: {FIXTURE} holds {len(cases)} cases", file=sys.stderr)


if __name__ == "__main__":
    main()

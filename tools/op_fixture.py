"""Evaluates an op's fixture cases in PyTorch (float64) and writes them in the fixture format.

The second half of tools/op-fixture: reads the cases drawn by the engine's OpFixtureCases (one JSON
file per op), calls PyTorch's function of the same name on them, and writes inputs, output,
gradients, second-order data and the forward-mode derivative (torch.autograd.forward_ad: dual tensors,
not double backward) along random tangents to OUT_DIR/<op>.json as
engine/src/test/resources/fixtures/README.md describes.

The function is found by the op's name: torch.nn.functional.<op>, else torch.<op>, else the Tensor
method. The op's required tensor inputs are passed positionally (PyTorch's order; one list for a
variadic op), its optional ones (bias, class weights, ...) and its attributes as keyword arguments:
both carry PyTorch's keyword names. Only ops whose PyTorch signature really differs from that rule
are listed in SIGNATURE_EXCEPTIONS.

Usage: /usr/bin/python3 tools/op_fixture.py [--force] OUT_DIR CASES.json...
       (an existing OUT_DIR/<op>.json is kept unless --force)
       /usr/bin/python3 tools/op_fixture.py --add-jvp SPECS.json FIXTURE.json...
       (adds tangents and jvp to every case of existing fixture files, e.g. hand-picked ones, leaving
       every other field as it is)
"""
import json
import math
import os
import sys
import warnings
import zlib

import torch
import torch.autograd.forward_ad as fwAD
import torch.nn.functional as F

# The tangents of case i of an op are drawn from seed crc32(op) + i + JVP_SEED_OFFSET, a generator of
# their own, so that adding them to an existing file (--add-jvp) and regenerating it agree.
JVP_SEED_OFFSET = 1_000_003


def _batch_norm(input, weight=None, bias=None, **attrs):
    # the engine's batch_norm takes (input, weight, bias) and uses batch statistics (training
    # mode); PyTorch's takes running statistics first
    return F.batch_norm(input, None, None, weight, bias, training=True, **attrs)


def _where(condition, input, other):
    # the engine has no bool dtype: its condition is an int64 tensor of 0s and 1s
    return torch.where(condition.bool(), input, other)


def _slice(input, dim=0, start=None, end=None, step=1):
    # aten::slice, what input[start:end:step] along dim computes; no Python function of that name
    return torch.ops.aten.slice(input, dim, start, end, step)


SIGNATURE_EXCEPTIONS = {
    "batch_norm": _batch_norm,
    "where": _where,
    # dim comes between the tensors in PyTorch's positional order
    "gather": lambda input, index, dim: torch.gather(input, dim, index),
    "index_select": lambda input, index, dim: torch.index_select(input, dim, index),
    "slice": _slice,
    # the Euclidean norm: torch.linalg.vector_norm with ord 2 (the engine op has no ord)
    "vector_norm": lambda input, **attrs: torch.linalg.vector_norm(input, 2, **attrs),
}


def torch_function(op):
    """PyTorch's function for the engine op `op`."""
    if op in SIGNATURE_EXCEPTIONS:
        return SIGNATURE_EXCEPTIONS[op]
    for owner in (F, torch, torch.Tensor):
        f = getattr(owner, op, None)
        if callable(f):
            return f
    sys.exit(f"op-fixture: PyTorch 1.13 has no torch.nn.functional.{op}, torch.{op} or Tensor.{op}; "
             f"add the op to SIGNATURE_EXCEPTIONS in {__file__}")


def to_tensor(spec):
    dtype = torch.int64 if spec["dtype"] == "int64" else torch.float64
    return torch.tensor(spec["data"], dtype=dtype).reshape(spec["shape"])


def plain(t):
    """The fixture form of a tensor: {"shape", "data"} (data flat, row-major)."""
    if t._is_zerotensor():  # PyTorch's storage-less zeros (e.g. abs's second derivative)
        t = torch.zeros(t.shape, dtype=t.dtype)
    return {"shape": list(t.shape), "data": t.detach().reshape(-1).tolist()}


def with_dtype(t):
    d = plain(t)
    return {"shape": d["shape"], "dtype": "int64" if t.dtype == torch.int64 else "float64", "data": d["data"]}


def finite(value):
    """True when every number in a nested fixture structure is finite (JSON has no NaN or Inf)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(finite(v) for v in value.values())
    if isinstance(value, list):
        return all(finite(v) for v in value)
    return True


def call(f, case, inputs):
    """f applied to the case's inputs: required ones positionally (one list for a variadic op), optional ones by name."""
    specs = case["inputs"]
    if case["variadic"]:
        return f(inputs, **case["attrs"])
    args = [t for s, t in zip(specs, inputs) if not s["optional"]]
    kwargs = {s["name"]: t for s, t in zip(specs, inputs) if s["optional"]}
    return f(*args, **kwargs, **case["attrs"])


def forward_mode(f, case, inputs, wanted, seed):
    """The case's "tangents" (random, one per differentiated input, null for the others) and "jvp": the
    derivative along them by forward-mode AD (dual tensors). Where PyTorch 1.13 has no forward-mode
    formula for the op, "jvp" is null and "jvp_unsupported" says why."""
    gen = torch.Generator().manual_seed(seed + JVP_SEED_OFFSET)
    tangents = [torch.randn(t.shape, generator=gen, dtype=torch.float64) if w else None
                for t, w in zip(inputs, wanted)]
    result = {"tangents": per_input(wanted, [plain(v) for v in tangents if v is not None])}
    try:
        with fwAD.dual_level():
            duals = [fwAD.make_dual(t.detach(), v) if v is not None else t.detach() for t, v in zip(inputs, tangents)]
            out = call(f, case, duals)
            jvp = fwAD.unpack_dual(out).tangent
            result["jvp"] = plain(torch.zeros_like(out) if jvp is None else jvp)
    except (NotImplementedError, RuntimeError) as e:
        result["jvp"] = None
        result["jvp_unsupported"] = f"PyTorch 1.13 has no forward-mode AD here: {type(e).__name__}: {str(e).splitlines()[0]}"
    return result


def evaluate(f, case, seed):
    """One fixture case: the request's op, attrs, note and inputs, with PyTorch's values."""
    gen = torch.Generator().manual_seed(seed)
    inputs = [to_tensor(s) for s in case["inputs"]]
    wanted = [s["differentiable"] and t.dtype == torch.float64 for s, t in zip(case["inputs"], inputs)]
    for t, w in zip(inputs, wanted):
        t.requires_grad_(w)
    out = call(f, case, inputs)
    diff = [t for t, w in zip(inputs, wanted) if w]
    twice = case["twice_differentiable"]
    grad_output = torch.randn(out.shape, generator=gen, dtype=torch.float64).requires_grad_(twice)
    grads = torch.autograd.grad(out, diff, grad_output, allow_unused=True, create_graph=twice) if diff else []
    grads = [torch.zeros_like(t) if g is None else g for t, g in zip(diff, grads)]

    result = {
        "op": case["op"],
        "attrs": case["attrs"],
        "note": case["note"],
        "inputs": [with_dtype(t) for t in inputs],
        "output": plain(out),
        "grad_output": plain(grad_output),
        "grads": per_input(wanted, [plain(g) for g in grads]),
    }
    if twice and diff:
        vs = [torch.randn(t.shape, generator=gen, dtype=torch.float64) for t in diff]
        s = sum((g * v).sum() for g, v in zip(grads, vs))
        wrt = diff + [grad_output]
        g2 = torch.autograd.grad(s, wrt, allow_unused=True) if s.requires_grad else [None] * len(wrt)
        g2 = [torch.zeros_like(t) if g is None else g for t, g in zip(wrt, g2)]
        result["second_order"] = {
            "v": per_input(wanted, [plain(v) for v in vs]),
            "grads": per_input(wanted, [plain(g) for g in g2[:-1]]),
            "grad_output_grad": plain(g2[-1]),
        }
    result.update(forward_mode(f, case, inputs, wanted, seed))
    return result


def per_input(wanted, values):
    """Spreads the values of the differentiated inputs over every input, null for the others."""
    it = iter(values)
    return [next(it) if w else None for w in wanted]


def write_fixture(request, out_dir, force):
    """Evaluates one op's request and writes OUT_DIR/<op>.json."""
    op = request["op"]
    target = os.path.join(out_dir, op + ".json")
    if os.path.exists(target) and not force:
        sys.exit(f"op-fixture: {target} exists (hand-picked cases are kept); pass --force to overwrite it")
    f = torch_function(op)
    base = zlib.crc32(op.encode("utf-8"))
    cases = []
    for i, case in enumerate(request["cases"]):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"nn\.functional\.\w+ is deprecated")
            try:
                result = evaluate(f, case, base + i)
            except Exception as e:  # PyTorch rejects a case the engine's sampler drew: say which
                sys.exit(f"op-fixture: {op} case {i} ({case['note']}, attrs {case['attrs']}, shapes "
                         f"{[s['shape'] for s in case['inputs']]}): PyTorch raised {type(e).__name__}: {e}")
        if finite(result):
            cases.append(result)
        else:
            print(f"op-fixture: {op} case {i} ({case['note']}) left out: PyTorch's values are not all finite",
                  file=sys.stderr)
    if not cases:
        sys.exit(f"op-fixture: no case of {op} has finite values")
    with open(target, "w", encoding="utf-8") as out:
        out.write(json.dumps(cases, separators=(",", ":")) + "\n")
    print(f"op-fixture: wrote {len(cases)} cases of {op} to {target}", file=sys.stderr)


def add_jvp(specs, path):
    """Adds "tangents" and "jvp" to every case of an existing fixture file, every other field kept.
    specs: the op's input specs from the engine (OpFixtureCases --specs)."""
    with open(path, encoding="utf-8") as fh:
        cases = json.load(fh)
    for i, case in enumerate(cases):
        op = case["op"]
        spec = specs[op]
        inputs = [to_tensor(s) for s in case["inputs"]]
        request = {"attrs": case.get("attrs", {}), "variadic": spec["variadic"],
                   "inputs": [spec["inputs"][0 if spec["variadic"] else k] for k in range(len(inputs))]}
        # the inputs PyTorch differentiated are those with a gradient in the file
        wanted = [g is not None for g in case["grads"]]
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"nn\.functional\.\w+ is deprecated")
            case.update(forward_mode(torch_function(op), request, inputs, wanted, zlib.crc32(op.encode("utf-8")) + i))
        if not finite(case):
            sys.exit(f"op-fixture: {path} case {i}: PyTorch's jvp is not finite")
    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps(cases, separators=(",", ":")) + "\n")
    print(f"op-fixture: added tangents and jvp to {len(cases)} cases of {path}", file=sys.stderr)


def main(argv):
    if argv[:1] == ["--add-jvp"]:
        with open(argv[1], encoding="utf-8") as fh:
            specs = json.load(fh)
        for path in argv[2:]:
            add_jvp(specs, path)
        return
    force = "--force" in argv
    args = [a for a in argv if a != "--force"]
    if len(args) < 2:
        sys.exit(__doc__)
    out_dir, requests = args[0], args[1:]
    for path in requests:
        with open(path, encoding="utf-8") as f:
            write_fixture(json.load(f), out_dir, force)


if __name__ == "__main__":
    main(sys.argv[1:])

"""PyTorch's gradients for an infinite or NaN gradOutput, per op: where its backward selects, where it multiplies.

The third part of tools/op-fixture (--nonfinite): for each case of an op's committed fixture
(engine/src/test/resources/fixtures/ops/<op>.json; its inputs and attrs), PyTorch 1.13's float64
backward with gradOutputs that hold +Inf, -Inf and NaN, written to OUT_DIR/<op>.json. A backward
that selects (relu's threshold_backward, clamp's where, max_pool's scatter, maximum's masked_fill)
gives 0 where it masks whatever the gradOutput holds there; one that multiplies (abs: grad * sgn,
sigmoid, dropout) gives Inf * 0 = NaN. The engine's NonFiniteGradOutputTest compares entry by entry,
NaN and infinities included. Non-finite numbers are written as the strings "NaN", "Infinity" and
"-Infinity" (JSON has no such numbers).

The gradOutputs of each case: every entry +Inf; every entry NaN; a random finite gradOutput
with entries cycling through +Inf, finite, NaN, -Inf, finite (so masked and passing entries meet
each kind). EXTRA_CASES adds cases of an op's boundary that its fixture does not hold (a zero vector
for vector_norm), each also with its finite gradOutput.

Usage: /usr/bin/python3 tools/nonfinite_fixture.py SPECS.json OUT_DIR FIXTURE.json...
       (SPECS.json: the ops' input specs, as OpFixtureCases --specs writes them)
"""
import json
import math
import os
import sys
import warnings
import zlib

import torch

from op_fixture import call, plain, to_tensor, torch_function, with_dtype

# The fixture cases used: those whose inputs hold at most this many numbers in all (most of them)
MAX_ENTRIES = 200


def zero_rows(shape, rows, seed):
    """A random tensor of `shape` whose listed rows (along dim 0) are all zero."""
    x = torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    x[rows] = 0
    return x


def t(*values):
    return torch.tensor(values, dtype=torch.float64)


NAN = math.nan

# op -> [(note, inputs, attrs)]: boundaries the op's fixture does not reach (each also run with a finite gradOutput)
EXTRA_CASES = {
    "vector_norm": [
        ("a zero row: PyTorch's gradient there is 0 (norm_backward masks x / 0)",
         [zero_rows((3, 4), [1], 1)], {"dim": [1], "keepdim": False}),
        ("zero rows, keepdim", [zero_rows((4, 3), [0, 2], 2)], {"dim": [-1], "keepdim": True}),
        ("a zero column, dim 0", [zero_rows((3, 2), [], 3).t().contiguous()], {"dim": [0]}),
        ("all zero, every dim", [torch.zeros(2, 3, dtype=torch.float64)], {}),
        ("0-d zero", [torch.tensor(0.0, dtype=torch.float64)], {}),
    ],
    "pow": [
        ("tensor exponent 0 and base 0: pow_backward_self selects 0 where the exponent is 0",
         [t(0.0, 0.0, 2.0, 0.0, -1.5, 0.0), t(0.0, 2.0, 0.0, -1.0, 0.0, 0.5)], {}),
    ],
    "relu": [("NaN and 0 inputs: threshold_backward passes the gradient where the output is not <= 0",
              [t(NAN, 0.0, -1.0, 2.0)], {})],
    "maximum": [("NaN and ties: where either is NaN both get the gradient",
                 [t(NAN, 1.0, NAN, 2.0, -1.0), t(1.0, NAN, NAN, 2.0, 3.0)], {})],
    "minimum": [("NaN and ties: where either is NaN both get the gradient",
                 [t(NAN, 1.0, NAN, 2.0, -1.0), t(1.0, NAN, NAN, 2.0, 3.0)], {})],
    "clamp": [("NaN input and the bounds", [t(NAN, -1.0, 1.0, 0.5, 3.0)], {"min": -1.0, "max": 1.0})],
    "hardtanh": [("NaN input and the bounds", [t(NAN, -1.0, 1.0, 0.5, 3.0)], {})],
    "hardswish": [("NaN input, -3 and below", [t(NAN, -3.0, -4.0, 3.0, 1.0, -2.0, 5.0, 0.0)], {})],
}


def encode(value):
    """A nested fixture structure with its non-finite floats as "NaN", "Infinity", "-Infinity"."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    return value


def grad_outputs(finite_go):
    """(name, gradOutput) pairs for a case whose own gradOutput is `finite_go`."""
    cycle = [math.inf, None, math.nan, -math.inf, None]
    flat = finite_go.reshape(-1).clone()
    for k in range(flat.numel()):
        if cycle[k % len(cycle)] is not None:
            flat[k] = cycle[k % len(cycle)]
    return [("+Inf everywhere", torch.full_like(finite_go, math.inf)),
            ("NaN everywhere", torch.full_like(finite_go, math.nan)),
            ("+Inf, finite, NaN, -Inf, finite, ...", flat.reshape(finite_go.shape))]


def evaluate(f, request, inputs, grad_output, note):
    """One case: inputs, PyTorch's output and its gradients for `grad_output`."""
    wanted = [s["differentiable"] and t.dtype == torch.float64 for s, t in zip(request["inputs"], inputs)]
    inputs = [t.detach().clone().requires_grad_(w) for t, w in zip(inputs, wanted)]
    out = call(f, request, inputs)
    diff = [t for t, w in zip(inputs, wanted) if w]
    grads = torch.autograd.grad(out, diff, grad_output, allow_unused=True) if diff else []
    grads = iter([torch.zeros_like(t) if g is None else g for t, g in zip(diff, grads)])
    return {"op": request["op"], "attrs": request["attrs"], "note": note,
            "inputs": [with_dtype(t) for t in inputs], "output": plain(out), "grad_output": plain(grad_output),
            "grads": [plain(next(grads)) if w else None for w in wanted]}


def chosen(cases):
    """The fixture cases to use: those of at most MAX_ENTRIES input numbers."""
    return [c for c in cases if sum(math.prod(t["shape"]) for t in c["inputs"]) <= MAX_ENTRIES]


def evaluate_all(f, spec, op, note, inputs, attrs, extra, gen):
    """The cases of one set of inputs: one per gradOutput of grad_outputs (and the finite one for an extra case)."""
    request = {"op": op, "attrs": attrs, "variadic": spec["variadic"],
               "inputs": [spec["inputs"][0 if spec["variadic"] else k] for k in range(len(inputs))]}
    with torch.no_grad():
        shape = call(f, request, inputs).shape
    finite_go = torch.randn(shape, generator=gen, dtype=torch.float64)
    variants = ([("finite", finite_go)] if extra else []) + grad_outputs(finite_go)
    return [evaluate(f, request, inputs, go, (note + "; " if note else "") + "gradOutput " + name)
            for name, go in variants]


def write_fixture(spec, fixture_path, op, out_dir):
    """Evaluates op's cases (from its fixture file, if any, and EXTRA_CASES) and writes OUT_DIR/<op>.json."""
    f = torch_function(op)
    sources = []
    if os.path.exists(fixture_path):
        with open(fixture_path, encoding="utf-8") as fh:
            for case in chosen(json.load(fh)):
                sources.append((case.get("note", ""), [to_tensor(s) for s in case["inputs"]],
                                case.get("attrs", {}), False))
    sources += [(note, inputs, attrs, True) for note, inputs, attrs in EXTRA_CASES.get(op, [])]
    gen = torch.Generator().manual_seed(zlib.crc32(op.encode("utf-8")))
    out = []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"nn\.functional\.\w+ is deprecated")
        for note, inputs, attrs, extra in sources:
            out += evaluate_all(f, spec, op, note, inputs, attrs, extra, gen)
    target = os.path.join(out_dir, op + ".json")
    with open(target, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(encode(out), separators=(",", ":"), allow_nan=False) + "\n")
    print(f"nonfinite-fixture: wrote {len(out)} cases of {op} to {target}", file=sys.stderr)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    with open(argv[0], encoding="utf-8") as fh:
        specs = json.load(fh)
    out_dir = argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for path in argv[2:]:
        op = os.path.basename(path)[:-len(".json")]
        write_fixture(specs[op], path, op, out_dir)


if __name__ == "__main__":
    main(sys.argv[1:])

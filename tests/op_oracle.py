"""PyTorch as the oracle of gategrad's differentiable ops (see op_oracle.cpp).

Runs the C++ half, which writes every row of its table in float64 and float32: the inputs (their
storage, sizes, strides and offset), gategrad's output, the output gradient it used and the
input gradients it got. Each case is rebuilt here in torch (the same strides over the same
storage, torch.as_strided), its torch expression evaluated with the inputs bound by name and
backpropagated with the same output gradient; the output and every input gradient must have
gategrad's dtype and sizes and agree to RTOL[dtype], relative to max(|torch's value|, FLOOR).
Sentinel rows must mismatch in exactly the tensors they name, and rows marked as known
mismatches must still mismatch, or the run fails.
usage: op_oracle.py ORACLE_EXECUTABLE WORK_DIR
"""
import json
import os
import subprocess
import sys

import torch

# Both libraries compute the same formulas in their dtype; they differ in the order of sums,
# fused multiply-adds and the last bit of exp, log and tanh, which leaves errors of a few ulps
# times the number of terms summed (up to 1000 here): about 1e-14 in float64 and 1e-6 in
# float32. A wrong formula, a dropped broadcast or a mis-strided read is off by O(1).
# bfloat16 appears only as the result of a conversion, which has one right answer: 1e-3 is
# below half a bfloat16 ulp (2^-9 relative), so a conversion that rounds the other way fails.
RTOL = {"float64": 1e-10, "float32": 1e-5, "bfloat16": 1e-3}
# Inputs and output gradients are O(1) (normal, or within [0.25, 2.25)), so each term of a
# value is O(1), and its rounding errors are absolute, of the size of its terms: a result that
# cancels to near 0 keeps the ulps of the terms it came from, not its own. Elements below FLOOR
# in magnitude are therefore compared relative to FLOOR, larger ones relative to themselves.
FLOOR = 1.0
DTYPES = {"float64": torch.float64, "float32": torch.float32, "bfloat16": torch.bfloat16,
          "int64": torch.int64, "bool": torch.bool}


def number(v):
    """A JSON element: a number, or "nan", "inf", "-inf"."""
    return float(v) if isinstance(v, str) else v


def rebuild(spec):
    """The leaf an input describes, with gategrad's strides over the same storage."""
    dtype = DTYPES[spec["dtype"]]
    storage = torch.tensor([number(v) for v in spec["storage"]], dtype=dtype)
    leaf = storage.as_strided(spec["sizes"], spec["strides"], spec["offset"]).detach()
    if list(leaf.stride()) != spec["strides"]:
        raise AssertionError(f"input {spec['name']}: rebuilt with strides {leaf.stride()}, expected {spec['strides']}")
    return leaf.requires_grad_(spec["requires_grad"])


def compare(label, got, want, rtol):
    """(What is wrong with gategrad's tensor `got`, a JSON record, against torch's `want`, or None;
    the worst relative error)."""
    if got is None:
        return f"{label}: gategrad has no gradient, torch has one of sizes {list(want.shape)}", 0.0
    if got["dtype"] != str(want.dtype).replace("torch.", ""):
        return f"{label}: gategrad's dtype is {got['dtype']}, torch's {want.dtype}", 0.0
    if got["sizes"] != list(want.shape):
        return f"{label}: gategrad's sizes are {got['sizes']}, torch's {list(want.shape)}", 0.0
    g = torch.tensor([number(v) for v in got["values"]], dtype=torch.float64)
    w = want.detach().double().reshape(-1)
    error = (g - w).abs() / w.abs().clamp(min=FLOOR)
    same = (g == w) | (g.isnan() & w.isnan())  # equal infinities and NaN where torch has NaN
    error = torch.where(same, torch.zeros_like(error), error.nan_to_num(nan=float("inf")))
    worst = error.max().item() if error.numel() else 0.0
    bad = int((error > rtol).sum())
    if bad == 0:
        return None, worst
    at = int(error.argmax())
    index = unravel(at, list(want.shape))
    return (f"{label}: worst element {index}: gategrad {g[at].item():.17g}, torch {w[at].item():.17g} "
            f"(relative error {error[at].item():.3g} > {rtol}; {bad} of {error.numel()} elements off)"), worst


def unravel(flat, sizes):
    """The index, in each dim, of element `flat` in row-major order (torch 1.13 has no unravel_index)."""
    index = []
    for s in reversed(sizes):
        index.append(flat % s)
        flat //= s
    return tuple(reversed(index))


def check(case):
    """Returns ({tensor label: problem}, [other problems], (worst relative error, its tensor), the
    dtype whose tolerance applies)."""
    if "error" in case:
        return {}, [f"gategrad threw: {case['error']}"], (0.0, ""), case["dtype"]
    inputs = [rebuild(spec) for spec in case["inputs"]]
    output = case["output"]
    namespace = {spec["name"]: t for spec, t in zip(case["inputs"], inputs)}
    namespace.update(torch=torch, F=torch.nn.functional, dtype=DTYPES[case["dtype"]],
                     other_dtype=DTYPES[case["other_dtype"]],
                     gg_output=torch.tensor([number(v) for v in output["values"]],
                                            dtype=DTYPES[output["dtype"]]).reshape(output["sizes"]))
    try:
        want = eval(case["torch"], namespace)  # pylint: disable=eval-used
    except Exception as e:  # pylint: disable=broad-except
        return {}, [f"torch could not evaluate {case['torch']!r}: {type(e).__name__}: {e}"], (0.0, ""), case["dtype"]
    # A row's precision is that of its least precise float tensor.
    dtypes = [s["dtype"] for s in case["inputs"]] + [output["dtype"]]
    precision = max((d for d in dtypes if d in RTOL), key=RTOL.get)
    rtol = RTOL[precision]
    problems, worst = {}, (0.0, "")

    def record(label, got, torch_tensor):
        nonlocal worst
        problem, w = compare(label, got, torch_tensor, rtol)
        worst = max(worst, (w, label))
        if problem:
            problems[label] = problem

    record("output", output, want)
    if not want.requires_grad:
        return problems, ["torch's output does not require a gradient"], worst, precision
    grad_output = torch.tensor([number(v) for v in case["grad_output"]], dtype=want.dtype).reshape(want.shape)
    torch.autograd.backward([want], [grad_output])
    for spec, t in zip(case["inputs"], inputs):
        if not spec["requires_grad"]:
            continue
        # torch leaves the gradient of an input the output does not depend on at None: zero.
        want_grad = t.grad if t.grad is not None else torch.zeros_like(t)
        record(f"{spec['name']}.grad", case["grads"][spec["name"]], want_grad)
    return problems, [], worst, precision


def main():
    executable, work_dir = sys.argv[1], sys.argv[2]
    os.makedirs(work_dir, exist_ok=True)
    path = os.path.join(work_dir, "cases.json")
    subprocess.run([executable, path], check=True)
    torch.set_num_threads(1)
    with open(path) as f:
        cases = json.load(f)
    failed, worst = 0, {}
    for case in cases:
        title = f"{case['name']} [{case['dtype']}]"
        problems, errors, row_worst, precision = check(case)
        expected = set(case["mismatch"])
        if errors:
            status, lines = "FAIL", errors
        elif expected:
            # A sentinel: exactly the named tensors must mismatch.
            ok = set(problems) == expected
            status = "ok" if ok else "FAIL"
            lines = [f"sentinel mismatched as designed: {p}" for p in problems.values()] if ok else \
                [f"sentinel: expected mismatches in {sorted(expected)}, got them in {sorted(problems)} "
                 "(the harness cannot catch what it should)"] + list(problems.values())
        elif case["known"]:
            status = "KNOWN" if problems else "FAIL"
            lines = [f"known mismatch ({case['known']}): {p}" for p in problems.values()] if problems else \
                ["marked as a known mismatch but matches torch now: remove the mark in op_oracle.cpp"]
        else:
            status = "FAIL" if problems else "ok"
            lines = list(problems.values())
            if not problems and row_worst[0] >= worst.get(precision, (0.0, ""))[0]:
                worst[precision] = (row_worst[0], f"{case['name']} [{case['dtype']}], {row_worst[1]}")
        print(f"{status:5} {title}: worst relative error {row_worst[0]:.2e} ({row_worst[1] or 'none'})")
        for line in lines:
            print(f"      {line}")
        failed += status == "FAIL"
    for dtype, (w, name) in sorted(worst.items()):
        print(f"worst relative error of the matching rows held to {dtype}'s tolerance {RTOL[dtype]}: {w:.3g} ({name})")
    print(f"{len(cases) - failed} of {len(cases)} cases as expected against torch {torch.__version__}")
    return 1 if failed or not cases else 0


if __name__ == "__main__":
    sys.exit(main())

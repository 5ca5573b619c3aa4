"""PyTorch as the oracle of gategrad's optimizers and schedulers (see optim_oracle.cpp).

Runs the C++ half, which writes every row of its table with the gradients it used and the
parameters and learning rates it got after each step, then replays each row in torch.optim and
torch.optim.lr_scheduler on the same gradients, in the row's dtype (float32 or float64), and
compares after every step: parameters to RTOL[dtype] relative, learning rates and each group's
momentum (SGD's and RMSprop's momentum, Adam's beta1; none for Adagrad) exactly.
usage: optim_oracle.py ORACLE_EXECUTABLE WORK_DIR
"""
import json
import os
import subprocess
import sys

import torch

# Parameters start uniform in [-1, 1] and wander to about 3; rounding errors are absolute, of
# the size the element has had (an element back at 0.4 from 3 carries 3's ulps), so elements
# below FLOOR in magnitude are compared relative to FLOOR. Every step of every row stays below
# 4e-7 (g++ 12, AVX-512); computing Adam's 1 - beta2 in float, the bug of issue 10, fails every
# Adam and AdamW row with beta2 0.999 or 0.9999, at 2e-6 to 5e-5.
# In float64 the same update arithmetic leaves about 1e-16 per step (torch and gategrad round
# the same operations, in orders that differ only where float64 hides it).
RTOL = {"float32": 1e-6, "float64": 1e-13}
FLOOR = 1.0
DTYPES = {"float32": torch.float32, "float64": torch.float64}


def make_optimizer(case, params):
    groups = [{"params": [p for p, g in zip(params, case["group_of"]) if g == k], "lr": lr}
              for k, lr in enumerate(case["lrs"])]
    options = dict(case["options"])
    if "betas" in options:
        options["betas"] = tuple(options["betas"])
    return getattr(torch.optim, case["optimizer"])(groups, foreach=False, **options)


def make_scheduler(case, optimizer):
    spec = case["scheduler"]
    if spec is None:
        return None
    kwargs = {k: v for k, v in spec.items() if k != "type"}
    if "lr_lambda" in kwargs:  # {"pow": b}: epoch -> b ** epoch
        base = kwargs["lr_lambda"]["pow"]
        kwargs["lr_lambda"] = lambda epoch: base ** epoch
    return getattr(torch.optim.lr_scheduler, spec["type"])(optimizer, **kwargs)


def replay(case):
    """Returns (problems, worst relative error, number of learning-rate changes)."""
    dtype, rtol = DTYPES[case["dtype"]], RTOL[case["dtype"]]
    params = [torch.tensor(v, dtype=dtype).reshape(s).requires_grad_()
              for v, s in zip(case["initial"], case["shapes"])]
    optimizer = make_optimizer(case, params)
    scheduler = make_scheduler(case, optimizer)
    problems, worst, lr_changes, clipped = [], 0.0, 0, 0
    previous_lrs = list(case["lrs"])
    for t, step in enumerate(case["steps"], 1):
        if case["set_lr"] is not None and case["set_lr"]["step"] == t:
            for group in optimizer.param_groups:
                group["lr"] = case["set_lr"]["lr"]
        for p, grad in zip(params, step["grads"]):
            p.grad = torch.tensor(grad, dtype=dtype).reshape(p.shape)
        clip = case["clip"]
        before = [p.grad.clone() for p in params]
        if clip is not None and "clip_value" in clip:
            torch.nn.utils.clip_grad_value_(params, clip["clip_value"])
        elif clip is not None:
            norm_type = float("inf") if clip["norm_type"] == "inf" else clip["norm_type"]
            torch.nn.utils.clip_grad_norm_(params, clip["max_norm"], norm_type)
        clipped += any(not torch.equal(b, p.grad) for b, p in zip(before, params))
        optimizer.step()
        if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
            scheduler.step(case["metrics"][t - 1])
        elif scheduler is not None:
            scheduler.step()
        for i, (p, got) in enumerate(zip(params, step["params"])):
            want = p.detach().reshape(-1).double()
            got = torch.tensor(got, dtype=torch.float64)
            error = (got - want).abs() / want.abs().clamp(min=FLOOR)
            worst = max(worst, error.max().item())
            bad = (error > rtol).nonzero().reshape(-1).tolist()
            if bad:
                e = bad[0]
                problems.append(f"step {t}, parameter {i} (group {case['group_of'][i]}), element {e}: "
                                f"gategrad {got[e].item():.9g}, torch {want[e].item():.9g} "
                                f"(relative error {error[e].item():.3g} > {rtol}; {len(bad)} elements off)")
        lrs = [group["lr"] for group in optimizer.param_groups]
        if lrs != step["lrs"]:
            problems.append(f"step {t}: learning rates gategrad {step['lrs']!r}, torch {lrs!r} (expected equal)")
        momenta = [group["betas"][0] if "betas" in group else group["momentum"]
                   for group in optimizer.param_groups if "betas" in group or "momentum" in group]
        if momenta != step["momenta"]:
            problems.append(f"step {t}: momenta gategrad {step['momenta']!r}, torch {momenta!r} (expected equal)")
        lr_changes += lrs != previous_lrs
        previous_lrs = lrs
    # A row that moves nothing, or a schedule that never acts, would pass without testing anything.
    if all(p.detach().reshape(-1).tolist() == v for p, v in zip(params, case["initial"])):
        problems.append("no parameter moved in 20 steps (expected a row that updates)")
    if (case["scheduler"] is not None or case["set_lr"] is not None) and lr_changes == 0:
        problems.append("the learning rate never changed (expected a schedule that acts)")
    if case["clip"] is not None and clipped == 0:
        problems.append("clipping never changed a gradient (expected a row that clips)")
    return problems, worst, lr_changes


def main():
    executable, work_dir = sys.argv[1], sys.argv[2]
    os.makedirs(work_dir, exist_ok=True)
    path = os.path.join(work_dir, "cases.json")
    subprocess.run([executable, path], check=True)
    torch.set_num_threads(1)
    with open(path) as f:
        cases = json.load(f)
    failed = 0
    for case in cases:
        problems, worst, lr_changes = replay(case)
        status = "FAIL" if problems else "ok"
        print(f"{status:4} {case['name']}: worst relative error {worst:.2e}, {lr_changes} rate changes")
        for p in problems[:5]:
            print(f"     {p}")
        failed += bool(problems)
    print(f"{len(cases) - failed} of {len(cases)} cases match torch {torch.__version__}")
    return 1 if failed or not cases else 0


if __name__ == "__main__":
    sys.exit(main())

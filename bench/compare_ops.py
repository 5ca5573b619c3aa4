#!/usr/bin/env python3
"""Runs bench_ops (gategrad) and bench_ops_libtorch (the LibTorch baseline): single ops forward,
float32 (softmax, log_softmax, reductions, cat, index_select, bmm), and prints a markdown table
of the ratio LibTorch time / gategrad time (above 1: gategrad is faster) at 1 and 2 threads.

usage: bench/compare_ops.py [BUILD_DIR] [--filter REGEX] [--rounds N]
                            [--repetitions R] [--min-time SECONDS]

The rounds, the environments and LibTorch's best setting are bench/compare_train.py's, reused
from it: paired rounds (both libraries measured in every round, every binary alone in its own
process); gategrad at GG_NUM_THREADS=1 and 2 in the stock environment; LibTorch with its
intra-op threads set by torch::set_num_threads (TORCH_INTRAOP_THREADS) to match, glibc malloc
keeping freed memory, and at 2 threads the best per row of (intra 1, BLAS 1), (1, 2), (2, 1) and
(2, 2), where BLAS is OpenBLAS's pool (only bmm uses it). Each row's ratio is the median of the
rounds' ratios, the range in brackets. Environment: ROUNDS=5, REPETITIONS=3, MIN_TIME=0.1.
"""
import os
import sys
import tempfile
import time

import compare_train as ct

ct.PROG = "compare_ops"


def ratios(rounds, threads, name):
    """Per-round LibTorch time / gategrad time for one row, or []."""
    ours = rounds["gategrad"].get(threads, {}).get(name)
    theirs = rounds["libtorch"].get(threads, {}).get(name)
    if not ours or not theirs:
        return []
    return [t / o for (t, _), o in zip(theirs, ours)]


def fmt_ratio(values):
    if not values:
        return "n/a"
    spread = f" ({min(values):.2f}-{max(values):.2f})" if len(values) > 1 else ""
    return f"{ct.median(values):.2f}{spread}"


def print_table(rounds):
    names = list(rounds["gategrad"].get(1, {}))  # registration order
    print("| row | gategrad µs, 1 thread | LibTorch µs, 1 thread | LibTorch / gategrad, 1 thread "
          "(rounds) | gategrad µs, 2 threads | LibTorch µs (config), 2 threads | "
          "LibTorch / gategrad, 2 threads (rounds) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in names:
        row = [f"`{name}`"]
        for threads in (1, 2):
            ours = rounds["gategrad"].get(threads, {}).get(name)
            theirs = rounds["libtorch"].get(threads, {}).get(name)
            config = ""
            if theirs and threads == 2:
                configs = [c for _, c in theirs]
                config = f" ({max(set(configs), key=configs.count)})"  # the most frequent winner
            row += [ct.fmt_us(ct.median(ours)) if ours else "n/a",
                    (ct.fmt_us(ct.median([t for t, _ in theirs])) + config) if theirs else "n/a",
                    fmt_ratio(ratios(rounds, threads, name))]
        print("| " + " | ".join(row) + " |")


def main():
    args = ct.comparison_args(__doc__, "compare_ops", 5, "softmax|bmm")

    gategrad_bin = os.path.join(args.build_dir, "bench", "bench_ops")
    libtorch_bin = os.path.join(args.build_dir, "bench", "bench_ops_libtorch")
    for binary in (gategrad_bin, libtorch_bin):
        if not os.access(binary, os.X_OK):
            sys.exit(f"compare_ops: {binary} not found; build it first (bench/compare_ops.sh "
                     "does; bench_ops_libtorch needs `apt-get install libtorch-dev`)")

    load_before = ct.load_average()
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    with tempfile.TemporaryDirectory(prefix="compare_ops.") as workdir:
        runner = ct.Runner(args, workdir)
        rounds, contexts = ct.run_all(args, runner, gategrad_bin, libtorch_bin)
    load_after = ct.load_average()

    ct.print_run_header(runner, started, load_before, load_after, "COMPARE_OPS_COMMAND")
    best = contexts.get("best", {})
    print(f"{args.rounds} rounds of {args.repetitions} repetitions of at least {args.min_time} s; "
          f"LibTorch {best.get('torch_version', '?')}, OpenBLAS core "
          f"{best.get('openblas_corename', '?')}, GLIBC_TUNABLES={ct.MALLOC_TUNABLES}")
    print()
    print_table(rounds)


if __name__ == "__main__":
    main()

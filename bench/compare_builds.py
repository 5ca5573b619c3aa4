#!/usr/bin/env python3
"""Runs one Google Benchmark program from two builds of gategrad in paired rounds and prints
median times and the ratio old / new per benchmark (above 1: the new build is faster), with the
range of the per-round ratios. For checking that a change moved no figure: build the previous
commit beside the current one (git worktree add ../old REV, then configure and build its
BENCH), and run

  bench/compare_builds.py OLD_BUILD NEW_BUILD [--bench bench_train] [--filter REGEX]
                          [--threads 1,2] [--rounds 3] [--repetitions 3] [--min-time 0.1]
                          [--time real|cpu]

Each round runs the old build, then the new one, for every thread count, one process at a time
(GG_NUM_THREADS set for both): the machine's speed drifts over minutes, so only ratios within a
round are compared, and the median of those ratios is reported.

--time cpu compares CPU time instead of wall-clock time: on a machine shared with other jobs, a
process that waits for a core loses wall-clock time but not CPU time. It counts only the
benchmark's own thread, so use it with --threads 1 (with more threads the pool's work is missed).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys


def run(binary, threads, args):
    env = dict(os.environ, GG_NUM_THREADS=str(threads))
    cmd = [binary, f"--benchmark_filter={args.filter}", f"--benchmark_repetitions={args.repetitions}",
           f"--benchmark_min_time={args.min_time}", "--benchmark_format=json",
           "--benchmark_report_aggregates_only=true"]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    medians = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("aggregate_name") == "median":
            scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[b["time_unit"]]
            medians[b["run_name"]] = b[f"{args.time}_time"] * scale  # microseconds
    return medians


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--bench", default="bench_train")
    p.add_argument("--filter", default=".")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--repetitions", type=int, default=3)
    p.add_argument("--min-time", type=float, default=0.1)
    p.add_argument("--time", choices=("real", "cpu"), default="real")
    args = p.parse_args()
    binaries = {side: os.path.join(getattr(args, side), "bench", args.bench) for side in ("old", "new")}
    for side, path in binaries.items():
        if not os.access(path, os.X_OK):
            sys.exit(f"compare_builds: {path} is not an executable ({side} build); build its {args.bench} first")
    threads = [int(t) for t in args.threads.split(",")]
    times = {}  # (threads, name) -> {"old": [...], "new": [...]}
    for r in range(args.rounds):
        for t in threads:
            for side in ("old", "new"):
                for name, us in run(binaries[side], t, args).items():
                    times.setdefault((t, name), {"old": [], "new": []})[side].append(us)
        print(f"round {r + 1} of {args.rounds} done", file=sys.stderr)
    print(f"`bench/compare_builds.py {args.old} {args.new} --bench {args.bench} --filter '{args.filter}'`, "
          f"{args.rounds} rounds of {args.repetitions} repetitions, {args.time} time\n")
    print("| benchmark | threads | old µs | new µs | old / new (range) |")
    print("| --- | ---: | ---: | ---: | --- |")
    only = sorted({name for (t, name), sides in times.items() if not (sides["old"] and sides["new"])})
    for (t, name), sides in sorted(times.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if name in only:
            continue
        ratios = [o / n for o, n in zip(sides["old"], sides["new"])]
        print(f"| {name} | {t} | {statistics.median(sides['old']):.1f} | {statistics.median(sides['new']):.1f} | "
              f"{statistics.median(ratios):.3f} ({min(ratios):.3f}-{max(ratios):.3f}) |")
    if only:
        print(f"\nIn one build only, not compared: {', '.join(only)}")


if __name__ == "__main__":
    main()

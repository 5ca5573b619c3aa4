#!/usr/bin/env python3
"""Runs bench_elementwise with repetitions and prints, per op and shape, the median GB/s of
gategrad's op, of a plain xsimd loop over the same data (the baseline), and of a plain xtensor
expression, with the ratio time(ours) / time(xsimd loop). Target: every ratio <= 2.

usage: bench/compare_elementwise.py [BUILD_DIR] [--repetitions N]
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir", nargs="?", default="build/release")
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args()
    binary = os.path.join(args.build_dir, "bench", "bench_elementwise")
    if not os.access(binary, os.X_OK):
        sys.exit(f"compare_elementwise: {binary} not found; build the project first "
                 "(scripts/run.sh does)")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([binary, f"--benchmark_repetitions={args.repetitions}",
                        "--benchmark_report_aggregates_only=true", "--benchmark_min_time=0.2",
                        f"--benchmark_out={out.name}", "--benchmark_out_format=json"],
                       check=True, stdout=subprocess.DEVNULL, env={**os.environ, "GG_NUM_THREADS": "1"})
        report = json.load(open(out.name))

    medians = {}
    for b in report["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        op, shape, impl = b["run_name"].split("/")
        medians.setdefault((op, shape), {})[impl] = b
    ctx = report["context"]
    print(f"Machine: {cpu_model()}, {ctx.get('num_cpus')} cores, 1 thread; "
          f"median of {args.repetitions} repetitions")
    print()
    print("| op | shape | ours GB/s | xsimd loop GB/s | xtensor naive GB/s | ours / loop time |")
    print("|---|---|---:|---:|---:|---:|")
    worst = 0.0
    for (op, shape), impls in medians.items():
        ours, loop, naive = impls["ours"], impls["xsimd_loop"], impls["xtensor_naive"]
        ratio = ours["real_time"] / loop["real_time"]
        worst = max(worst, ratio)
        gbs = lambda b: b["bytes_per_second"] / 1e9
        print(f"| {op} | {shape} | {gbs(ours):.1f} | {gbs(loop):.1f} | {gbs(naive):.1f} | "
              f"{ratio:.2f} |")
    print()
    print(f"Worst ratio: {worst:.2f} (target <= 2.00): {'met' if worst <= 2.0 else 'NOT met'}")


if __name__ == "__main__":
    main()

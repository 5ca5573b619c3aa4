#!/usr/bin/env python3
"""Instructions and simulated cache misses per training step of one net of bench_train, for
comparing two builds where the clock is too noisy to show a few percent:

  bench/step_cache.py BUILD [BUILD ...] [--net e]

Each build's bench/bench_train runs twice under `valgrind --tool=callgrind --cache-sim=yes`
(--benchmark_min_time 0.5 and 2, 1 thread: tens and hundreds of steps under valgrind). The difference of the two runs' totals divided by
the difference of their Optimizer::step calls is one step's cost, without the setup's. Printed
per step: Ir (instructions), I1mr (L1 instruction-cache misses), D1mr + D1mw (L1 data misses).
The cache geometry is valgrind's model of this machine's caches, not a measurement.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile


def run(build, net, min_time, out):
    binary = os.path.join(build, "bench", "bench_train")
    cmd = ["valgrind", "--tool=callgrind", "--cache-sim=yes", f"--callgrind-out-file={out}", binary,
           f"--benchmark_filter=^train/{net}/", f"--benchmark_min_time={min_time}"]
    subprocess.run(cmd, env=dict(os.environ, GG_NUM_THREADS="1"), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    events, totals, steps = None, None, 0
    names = {}      # callgrind's compressed names: "(id) name" once, "(id)" after
    target = None   # the function of the last cfn= line
    with open(out) as f:
        for line in f:
            if line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("totals:") or line.startswith("summary:"):
                totals = [int(x) for x in line.split()[1:]]
            elif line.startswith("fn=") or line.startswith("cfn="):
                m = re.match(r"c?fn=\((\d+)\)(?: (.*))?", line.strip())
                if m.group(2):
                    names[m.group(1)] = m.group(2)
                if line.startswith("cfn="):
                    target = names.get(m.group(1), "")
            elif line.startswith("calls=") and target == "gg::optim::Optimizer::step()":
                steps += int(line.split("=")[1].split()[0])
    return dict(zip(events, totals)), steps


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("builds", nargs="+")
    parser.add_argument("--net", default="e", choices="abcde")
    args = parser.parse_args()
    print(f"| build | Ir / step | I1mr / step | D1 misses / step |\n| --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for build in args.builds:
            (a, sa), (b, sb) = (run(build, args.net, t, os.path.join(tmp, f"cg.{t}")) for t in (0.5, 2.0))
            if sb <= sa:
                sys.exit(f"step_cache: {build}: the longer run made no more steps ({sa}, {sb})")
            per = {k: (b[k] - a[k]) / (sb - sa) for k in a}
            print(f"| {build} | {per['Ir']:,.0f} | {per['I1mr']:,.0f} | {per['D1mr'] + per['D1mw']:,.0f} |")


if __name__ == "__main__":
    main()

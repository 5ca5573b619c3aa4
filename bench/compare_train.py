#!/usr/bin/env python3
"""Runs bench_train (gategrad) and bench_train_libtorch (the LibTorch baseline) on the nets (a)
to (e) and prints a markdown table of median times, GFLOP/s and the ratio LibTorch time /
gategrad time (above 1: gategrad is faster) against the targets.

usage: bench/compare_train.py [BUILD_DIR] [--filter REGEX] [--stock]
                              [--repetitions R] [--min-time SECONDS]

gategrad runs in the stock environment (no GLIBC_TUNABLES) at GG_NUM_THREADS=1 and 2.
LibTorch runs at its best setting: glibc malloc keeps freed memory and serves blocks under
32 MiB from its heap (GLIBC_TUNABLES below) rather than mapping and unmapping large tensors
every step; OpenBLAS's AVX-512 kernels (see BENCH_OPENBLAS_CORETYPE); and, for 2 threads, the
best of four splits between ATen's pool and OpenBLAS's (one core only among them), chosen per
benchmark. --stock adds a
column of LibTorch in the environment it was given, only the thread counts set.

Every binary runs alone in its own process, one after the other: two thread pools spinning on
2 cores would measure each other.

Environment:
  ROUNDS=3          passes over every configuration; the machine's speed drifts by tens of
                    percent over minutes, so both libraries are measured in every pass
  REPETITIONS=3     repetitions per benchmark and round; each round keeps their median
  MIN_TIME=0.1      --benchmark_min_time per repetition, in seconds
  BENCH_OPENBLAS_CORETYPE
      OpenBLAS 0.3.21 does not know recent Xeons (family 6 model 207) and falls back to its
      Prescott (SSE3) kernels, 4-5x slower here. Unset, the LibTorch runs get SkylakeX (its
      AVX-512 kernels) when the CPU has AVX-512, else OpenBLAS detects. Set empty to let
      OpenBLAS detect; set a name to force it.
"""
import argparse
import json
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time

# name: (layer widths input..classes, batch). Hidden layers Linear+ReLU, the last Linear.
NETS = {
    "a": ((3072, 50, 10), 200),
    "b": ((784, 100, 10), 200),
    "c": ((3072, 512, 512, 512, 10), 200),
    "d": ((784, 256, 128, 100, 10), 128),
    "e": ((3072, 50, 10), 1),
}
MODES = ("train", "forward")
# Training-step targets, as LibTorch time / gategrad time; forward passes have none.
TRAIN_TARGETS = {"a": 1.5, "b": 1.5, "c": 1.5, "d": 1.5, "e": 5.0}

# The name error messages give; bench/compare_ops.py, which reuses this machinery, sets its own.
PROG = "compare_train"

MALLOC_TUNABLES = "glibc.malloc.trim_threshold=4000000000:glibc.malloc.mmap_threshold=33554432"
# LibTorch at 2 threads: (ATen intra-op threads, OpenBLAS threads).
LIBTORCH_TWO_THREAD_CONFIGS = ((1, 2), (2, 1), (2, 2))


def flops(net, mode):
    """Multiply-adds counted as 2 FLOP; bias, ReLU and softmax ignored.

    forward: x(B,in_i) @ W_i(in_i,out_i) per layer. A training step adds dW_i = x_i^T dout_i for
    every layer and din_i = dout_i W_i^T for every layer but the first (the data needs none).
    """
    widths, batch = NETS[net]
    layers = [i * o for i, o in zip(widths, widths[1:])]
    forward = 2 * batch * sum(layers)
    if mode == "forward":
        return forward
    return forward + 2 * batch * sum(layers) + 2 * batch * sum(layers[1:])


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def cpu_has_avx512():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                return {"avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"} <= flags
    return False


def openblas_coretype():
    """The OPENBLAS_CORETYPE for LibTorch's best runs; None lets OpenBLAS detect."""
    value = os.environ.get("BENCH_OPENBLAS_CORETYPE")
    if value is not None:
        return value or None
    return "SkylakeX" if cpu_has_avx512() else None


class OtherLoad:
    """CPU time that processes other than our benchmark used while it ran: all busy time in
    /proc/stat minus what our child processes used. The load average cannot tell: it lags by
    minutes and counts the benchmark itself."""

    def __init__(self):
        self.other_seconds = 0.0
        self.wall_seconds = 0.0

    @staticmethod
    def _sample():
        with open("/proc/stat") as f:
            ticks = [int(v) for v in f.readline().split()[1:]]
        busy = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # less idle, iowait
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return busy, children.ru_utime + children.ru_stime, time.monotonic()

    def run(self, command, env):
        busy0, ours0, wall0 = self._sample()
        result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL)
        busy1, ours1, wall1 = self._sample()
        self.other_seconds += max(0.0, (busy1 - busy0) - (ours1 - ours0))
        self.wall_seconds += wall1 - wall0
        return result

    def fraction(self):
        """Other processes' CPU use during the runs, in cores."""
        return self.other_seconds / self.wall_seconds if self.wall_seconds else 0.0


def load_average():
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


class Runner:
    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.count = 0
        self.other_load = OtherLoad()

    def run(self, binary, label, env_changes, env_removed=()):
        """Runs one binary in its own process; returns (context, {name: median µs})."""
        env = {k: v for k, v in os.environ.items() if k not in env_removed}
        env.update(env_changes)
        self.count += 1
        out = os.path.join(self.workdir, f"run{self.count}.json")
        command = [binary, f"--benchmark_repetitions={self.args.repetitions}",
                   "--benchmark_report_aggregates_only=true", "--benchmark_format=json",
                   f"--benchmark_out={out}", "--benchmark_out_format=json",
                   f"--benchmark_min_time={self.args.min_time}"]
        if self.args.filter:
            command.append(f"--benchmark_filter={self.args.filter}")
        shown = ["env", *(a for k in env_removed if k not in env_changes for a in ("-u", k)),
                 *(f"{k}={v}" for k, v in env_changes.items()), *command]
        print(f"{label}: {' '.join(shlex.quote(a) for a in shown)}",
              file=sys.stderr, flush=True)
        result = self.other_load.run(command, env)
        if result.returncode != 0:
            sys.exit(f"{PROG}: {binary} ({label}) exited with {result.returncode}")
        report = {}
        if os.path.exists(out) and os.path.getsize(out) > 0:
            with open(out) as f:
                report = json.load(f)
        times = medians(report)
        if not times:
            sys.exit(f"{PROG}: {binary} ({label}) reported no medians: does the filter "
                     f"'{self.args.filter}' match any of its benchmarks?")
        return report.get("context", {}), times


def medians(report):
    """{'train/a': median real time in µs} from a Google Benchmark JSON report."""
    to_us = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}
    result = {}
    for b in report.get("benchmarks", []):
        if b.get("aggregate_name") != "median":
            continue
        # Keep the registered name ('train/a', 'conv/fwd/2'); drop the suffixes Google
        # Benchmark appends, such as /real_time or /threads:1.
        name = "/".join(p for p in b["run_name"].split("/")
                        if p != "real_time" and not p.startswith(("threads:", "min_time:")))
        result[name] = b["real_time"] * to_us[b.get("time_unit", "ns")]
    return result


def fma_peak(peak_bin):
    """{threads: fp32 FMA peak in GFLOP/s} measured by bench_fma_peak, or {} without it."""
    if not os.access(peak_bin, os.X_OK):
        return {}
    result = subprocess.run([peak_bin, "--benchmark_repetitions=3",
                             "--benchmark_report_aggregates_only=true", "--benchmark_format=json"],
                            capture_output=True, text=True, check=True)
    peaks = {}
    for b in json.loads(result.stdout).get("benchmarks", []):
        if b.get("aggregate_name") == "median":
            threads = int(b["run_name"].split("threads:")[1].split("/")[0])
            peaks[threads] = b["FLOPS"] / 1e9
    return peaks


def run_round(args, runner, gategrad_bin, libtorch_bin, round_index):
    """One pass over every configuration: {'gategrad'|'libtorch'|'stock': {threads: {name: µs
    or (µs, config)}}} and the LibTorch contexts."""
    tag = f"round {round_index + 1}/{args.rounds}"
    results = {"gategrad": {}, "libtorch": {}, "stock": {}}
    contexts = {}
    for threads in (1, 2):
        _, results["gategrad"][threads] = runner.run(
            gategrad_bin, f"{tag} gategrad {threads} thread(s)", {"GG_NUM_THREADS": str(threads)},
            env_removed=("GLIBC_TUNABLES",))
    if libtorch_bin is None:
        return results, contexts

    best_env = {"GLIBC_TUNABLES": MALLOC_TUNABLES}
    coretype = openblas_coretype()
    if coretype:
        best_env["OPENBLAS_CORETYPE"] = coretype
    removed = ("GLIBC_TUNABLES", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    for threads in (1, 2):
        configs = ((1, 1),) if threads == 1 else LIBTORCH_TWO_THREAD_CONFIGS
        # Given two cores, LibTorch may also do best on one: its 1-thread times compete too.
        best = dict(results["libtorch"].get(1, {})) if threads == 2 else {}
        for intra, blas in configs:
            label = f"intra {intra}, BLAS {blas}"
            env = {**best_env, "TORCH_INTRAOP_THREADS": str(intra),
                   "OPENBLAS_NUM_THREADS": str(blas)}
            context, times = runner.run(libtorch_bin, f"{tag} LibTorch {label}", env, removed)
            contexts.setdefault("best", context)
            for name, us in times.items():
                if name not in best or us < best[name][0]:
                    best[name] = (us, label)
        results["libtorch"][threads] = best
    if args.stock:
        for threads in (1, 2):
            env = {"TORCH_INTRAOP_THREADS": str(threads), "OPENBLAS_NUM_THREADS": str(threads)}
            context, results["stock"][threads] = runner.run(
                libtorch_bin, f"{tag} LibTorch stock {threads} thread(s)", env)
            contexts.setdefault("stock", context)
    return results, contexts


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def run_all(args, runner, gategrad_bin, libtorch_bin, one_round=None):
    """Rounds of every configuration, so that both libraries see the machine's slow and fast
    spells alike (one_round: run_round, or a caller's own with its signature). Returns, per
    library and thread count, {name: [per-round values]}."""
    rounds = {"gategrad": {}, "libtorch": {}, "stock": {}}
    contexts = {}
    for r in range(args.rounds):
        results, round_contexts = (one_round or run_round)(args, runner, gategrad_bin, libtorch_bin, r)
        for key, context in round_contexts.items():
            contexts.setdefault(key, context)
        for library, by_threads in results.items():
            for threads, times in by_threads.items():
                slot = rounds[library].setdefault(threads, {})
                for name, value in times.items():
                    slot.setdefault(name, []).append(value)
    return rounds, contexts


def print_table(args, rounds, have_libtorch, peaks):
    """Times are medians over rounds; the ratio is the median of each round's ratio (both
    libraries measured minutes apart at most)."""
    header = ["net", "mode", "threads", "gategrad µs", "gategrad GFLOP/s (% of peak)"]
    if have_libtorch:
        header += ["LibTorch µs (config)", "LibTorch GFLOP/s (% of peak)"]
        if args.stock:
            header += ["LibTorch stock µs"]
        header += ["LibTorch / gategrad (rounds)", "target", "met"]
    print("| " + " | ".join(header) + " |")
    print("| --- | --- | ---: | " + " | ".join(["---:"] * (len(header) - 3)) + " |")
    for mode in MODES:
        for net, (widths, batch) in NETS.items():
            name = f"{mode}/{net}"
            for threads in (1, 2):
                ours_rounds = rounds["gategrad"].get(threads, {}).get(name)
                theirs_rounds = (rounds["libtorch"].get(threads, {}).get(name)
                                 if have_libtorch else None)
                if ours_rounds is None and theirs_rounds is None:
                    continue  # filtered out
                ours = median(ours_rounds) if ours_rounds else None
                work = flops(net, mode)
                peak = peaks.get(threads)
                spec = f"({net}) {'-'.join(map(str, widths))}, B={batch}"
                row = [spec, mode, str(threads), fmt_us(ours), fmt_gflops(work, ours, peak)]
                if have_libtorch:
                    us, config = None, ""
                    if theirs_rounds:
                        us = median([t for t, _ in theirs_rounds])
                        configs = [c for _, c in theirs_rounds]
                        config = max(set(configs), key=configs.count)  # the most frequent winner
                    row += [f"{fmt_us(us)} ({config})" if us else "n/a",
                            fmt_gflops(work, us, peak)]
                    if args.stock:
                        stock = rounds["stock"].get(threads, {}).get(name)
                        row.append(fmt_us(median(stock)) if stock else "n/a")
                    ratios = ([t / o for (t, _), o in zip(theirs_rounds, ours_rounds)]
                              if theirs_rounds and ours_rounds else [])
                    ratio = median(ratios) if ratios else None
                    target = TRAIN_TARGETS[net] if mode == "train" else None
                    spread = (f" ({min(ratios):.2f}-{max(ratios):.2f})" if len(ratios) > 1 else "")
                    row += [f"{ratio:.2f}{spread}" if ratio else "n/a",
                            f"{target:g}x" if target else "-",
                            ("yes" if ratio >= target else "no") if target and ratio else "-"]
                print("| " + " | ".join(row) + " |")


def fmt_us(us):
    if us is None:
        return "n/a"
    return f"{us:.1f}" if us < 100 else f"{us:.0f}"


def fmt_gflops(work, us, peak=None):
    if not us:
        return "n/a"
    gflops = work / (us * 1e3)
    return f"{gflops:.1f} ({100 * gflops / peak:.0f}%)" if peak else f"{gflops:.1f}"


def print_run_header(runner, started, load_before, load_after, command_env):
    """The lines every comparison table starts with: machine, date and load, the command (from
    the environment variable `command_env` when a wrapper script set it), and how busy the
    cores were while the benchmarks ran."""
    cores = len(os.sched_getaffinity(0))
    print(f"Machine: {cpu_model()}, nproc = {cores}")
    print(f"Date: {started}; load average before {load_before}, after {load_after}")
    command = os.environ.get(command_env) or " ".join(map(shlex.quote, sys.argv))
    print(f"Command: {command.strip()}")
    others = runner.other_load.fraction()
    print(f"Other processes used {others:.2f} of the {cores} cores while the benchmarks ran")
    if others > 0.1:
        print("Warning: the machine was busy; other processes shared the cores, so the times "
              "below are inflated and noisy. Rerun on an idle machine.")


def comparison_args(doc, prog, default_rounds, filter_example):
    """The options every compare_*.py but this one takes: BUILD_DIR, --filter, --rounds,
    --repetitions and --min-time (with the environment's ROUNDS, REPETITIONS, MIN_TIME)."""
    summary, _, details = doc.partition("\n\n")
    parser = argparse.ArgumentParser(description=summary, epilog=details,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("build_dir", nargs="?", default="build/release")
    parser.add_argument("--filter", help=f"regex passed as --benchmark_filter, e.g. '{filter_example}'")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("ROUNDS", default_rounds)))
    parser.add_argument("--repetitions", type=int, default=int(os.environ.get("REPETITIONS", 3)))
    parser.add_argument("--min-time", type=float, default=float(os.environ.get("MIN_TIME", 0.1)))
    args = parser.parse_args()
    args.stock = False  # run_round asks
    if args.rounds < 1 or args.repetitions < 1 or args.min_time <= 0:
        sys.exit(f"{prog}: rounds {args.rounds}, repetitions {args.repetitions} and min "
                 f"time {args.min_time} must be positive")
    return args


def main():
    summary, _, details = __doc__.partition("\n\n")
    parser = argparse.ArgumentParser(description=summary, epilog=details,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("build_dir", nargs="?", default="build/release")
    parser.add_argument("--filter", help="regex passed as --benchmark_filter, e.g. 'train/(a|e)'")
    parser.add_argument("--stock", action="store_true",
                        help="also run LibTorch in its stock environment, for a column")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("ROUNDS", 3)),
                        help="passes over every configuration (default: env ROUNDS or 3)")
    parser.add_argument("--repetitions", type=int, default=int(os.environ.get("REPETITIONS", 3)),
                        help="repetitions per benchmark and round (default: env REPETITIONS or 3)")
    parser.add_argument("--min-time", type=float, default=float(os.environ.get("MIN_TIME", 0.1)),
                        help="--benchmark_min_time in seconds (default: env MIN_TIME or 0.1)")
    parser.add_argument("--gategrad-binary", help="default: BUILD_DIR/bench/bench_train")
    parser.add_argument("--libtorch-binary", help="default: BUILD_DIR/bench/bench_train_libtorch")
    args = parser.parse_args()
    if args.rounds < 1 or args.repetitions < 1 or args.min_time <= 0:
        sys.exit(f"compare_train: rounds {args.rounds}, repetitions {args.repetitions} and min "
                 f"time {args.min_time} must be positive")

    gategrad_bin = args.gategrad_binary or os.path.join(args.build_dir, "bench", "bench_train")
    libtorch_bin = args.libtorch_binary or os.path.join(args.build_dir, "bench",
                                                        "bench_train_libtorch")
    if not os.access(gategrad_bin, os.X_OK):
        sys.exit(f"compare_train: {gategrad_bin} not found; build it first "
                 "(bench/compare_train.sh does)")
    have_libtorch = os.access(libtorch_bin, os.X_OK)

    load_before = load_average()
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    peaks = fma_peak(os.path.join(os.path.dirname(gategrad_bin), "bench_fma_peak"))
    with tempfile.TemporaryDirectory(prefix="compare_train.") as workdir:
        runner = Runner(args, workdir)
        results, contexts = run_all(args, runner, gategrad_bin,
                                    libtorch_bin if have_libtorch else None)
    load_after = load_average()

    print_run_header(runner, started, load_before, load_after, "COMPARE_TRAIN_COMMAND")
    print(f"{args.rounds} rounds, each running every configuration in turn with "
          f"{args.repetitions} repetitions of at least {args.min_time} s; times are medians over "
          f"the rounds of each round's median, the ratio the median of the rounds' ratios (range "
          f"in brackets); GFLOP/s counts the GEMMs only")
    if have_libtorch:
        best = contexts.get("best", {})
        print(f"LibTorch {best.get('torch_version', '?')} best setting: "
              f"GLIBC_TUNABLES={MALLOC_TUNABLES}, OpenBLAS core {best.get('openblas_corename', '?')}"
              f", ATen kernels {best.get('aten_cpu_capability', '?')}, "
              f"{best.get('zero_grad', '?')}; 2 threads: best per benchmark of "
              + ", ".join(f"(intra {i}, BLAS {b})" for i, b in ((1, 1), *LIBTORCH_TWO_THREAD_CONFIGS)))
        if args.stock:
            stock = contexts.get("stock", {})
            print(f"LibTorch stock: environment as given, threads set only; OpenBLAS core "
                  f"{stock.get('openblas_corename', '?')}")
    else:
        print(f"\nLibTorch baseline not run: {libtorch_bin} is missing. Install it with "
              "`apt-get install libtorch-dev` and rebuild (bench/compare_train.sh does both); "
              "showing gategrad only.")
    if peaks:
        print("FMA peak (bench_fma_peak, register-only fp32 FMA chains): " +
              ", ".join(f"{t} thread(s) {g:.1f} GFLOP/s" for t, g in sorted(peaks.items())))
    print()
    print_table(args, results, have_libtorch, peaks)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Runs bench_cnn (gategrad) and bench_cnn_libtorch (the LibTorch baseline) on issue 13's CNNs
and prints a markdown table of median times, GFLOP/s and the ratio LibTorch time / gategrad time
(above 1: gategrad is faster) at 1 and 2 threads, against the targets.

usage: bench/compare_cnn.py [BUILD_DIR] [--filter REGEX] [--rounds N]
                            [--repetitions R] [--min-time SECONDS]

Rows: train/f (LeNet-5, batch 64), train/g (pytorch/examples' cpp/mnist Net, batch 64),
train/h (the CIFAR CNN, batch 128), forward/h128 and forward/h1 (net (i): (h) in eval mode at
batch 128 and 1), and conv/<pass>/<layer> (one convolution alone, fwd, bwd_data or bwd_weight:
(h)'s six at batch 128 as layers 1-6, and (f)'s and (g)'s two at batch 64 as f1, f2, g1, g2). bench/bench_cnn.cpp describes the nets.

The rounds and environments are bench/compare_train.py's (reused from it): paired rounds, both
libraries measured in every round, every binary alone in its own process; gategrad at
GG_NUM_THREADS=1 and 2. LibTorch at its best setting: glibc malloc keeping freed memory,
OpenBLAS's AVX-512 kernels, and per row the best of its memory formats, NCHW and channels_last
(BENCH_CHANNELS_LAST=1: the weights and the input stored NHWC, where oneDNN's convolutions and
ATen's pooling are fastest), and at 2 threads also of the splits (intra 2, BLAS 1), (2, 2) and
its 1-thread run. Environment: ROUNDS=3, REPETITIONS=3, MIN_TIME=0.1.
"""
import os
import sys
import tempfile
import time

import compare_train as ct

ct.PROG = "compare_cnn"

# Per net: layers as ("conv", in, out, kernel, output size) and ("linear", in, out), batch.
# FLOPs count the multiply-adds of the convolutions and linear layers as 2 each.
CIFAR = [("conv", 3, 32, 3, 32), ("conv", 32, 32, 3, 32), ("conv", 32, 64, 3, 16),
         ("conv", 64, 64, 3, 16), ("conv", 64, 128, 3, 8), ("conv", 128, 128, 3, 8),
         ("linear", 2048, 256), ("linear", 256, 10)]
NETS = {
    "f": ([("conv", 1, 6, 5, 28), ("conv", 6, 16, 5, 10), ("linear", 400, 120),
           ("linear", 120, 84), ("linear", 84, 10)], 64),
    "g": ([("conv", 1, 10, 5, 24), ("conv", 10, 20, 5, 8), ("linear", 320, 50),
           ("linear", 50, 10)], 64),
    "h": (CIFAR, 128),
}
# bench_cnn's conv/<pass>/<layer> rows: layer name -> (layer, batch); 1-6 are (h)'s.
CONV_ROWS = {**{str(i + 1): (layer, 128) for i, layer in enumerate(CIFAR[:6])},
             "f1": (NETS["f"][0][0], 64), "f2": (NETS["f"][0][1], 64),
             "g1": (NETS["g"][0][0], 64), "g2": (NETS["g"][0][1], 64)}
TARGETS = {"train/f": 1.5, "train/g": 1.5, "train/h": 1.1, "forward/h1": 2.0}


def layer_flops(layer):
    if layer[0] == "conv":
        _, cin, cout, k, size = layer
        return 2 * cin * cout * k * k * size * size
    _, cin, cout = layer
    return 2 * cin * cout


def row_flops(name):
    """FLOPs of one benchmark iteration: forward, or forward + both gradients but the data's."""
    mode, what = name.split("/", 1)
    if mode == "conv":
        layer, batch = CONV_ROWS[what.split("/")[1]]
        return batch * layer_flops(layer)
    if mode == "forward":
        return int(what[1:]) * sum(map(layer_flops, CIFAR))
    layers, batch = NETS[what]
    per = [layer_flops(layer) for layer in layers]
    return batch * (3 * sum(per) - per[0])


def run_round(args, runner, gategrad_bin, libtorch_bin, round_index):
    tag = f"round {round_index + 1}/{args.rounds}"
    results = {"gategrad": {}, "libtorch": {}}
    for threads in (1, 2):
        _, results["gategrad"][threads] = runner.run(
            gategrad_bin, f"{tag} gategrad {threads} thread(s)", {"GG_NUM_THREADS": str(threads)},
            env_removed=("GLIBC_TUNABLES",))
    best_env = {"GLIBC_TUNABLES": ct.MALLOC_TUNABLES}
    coretype = ct.openblas_coretype()
    if coretype:
        best_env["OPENBLAS_CORETYPE"] = coretype
    removed = ("GLIBC_TUNABLES", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "BENCH_CHANNELS_LAST")
    contexts = {}
    for threads in (1, 2):
        splits = ((1, 1),) if threads == 1 else ((2, 1), (2, 2))
        best = dict(results["libtorch"].get(1, {})) if threads == 2 else {}
        for intra, blas in splits:
            for layout in ("NCHW", "channels_last"):
                label = f"intra {intra}, BLAS {blas}, {layout}"
                env = {**best_env, "TORCH_INTRAOP_THREADS": str(intra),
                       "OPENBLAS_NUM_THREADS": str(blas),
                       "BENCH_CHANNELS_LAST": "1" if layout == "channels_last" else "0"}
                context, times = runner.run(libtorch_bin, f"{tag} LibTorch {label}", env, removed)
                contexts.setdefault("best", context)
                for name, us in times.items():
                    if name not in best or us < best[name][0]:
                        best[name] = (us, label)
        results["libtorch"][threads] = best
    return results, contexts


def print_table(rounds, peaks):
    names = list(rounds["gategrad"].get(1, {}))  # registration order
    print("| row | threads | gategrad µs | gategrad GFLOP/s (% of peak) | LibTorch µs (best setting) "
          "| LibTorch GFLOP/s | LibTorch / gategrad (rounds) | target | met |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for name in names:
        work = row_flops(name)
        for threads in (1, 2):
            ours = rounds["gategrad"].get(threads, {}).get(name)
            theirs = rounds["libtorch"].get(threads, {}).get(name)
            if not ours:
                continue
            ours_us = ct.median(ours)
            row = [f"`{name}`", str(threads), ct.fmt_us(ours_us),
                   ct.fmt_gflops(work, ours_us, peaks.get(threads))]
            ratios = [t / o for (t, _), o in zip(theirs, ours)] if theirs else []
            if theirs:
                configs = [c for _, c in theirs]
                config = max(set(configs), key=configs.count)
                us = ct.median([t for t, _ in theirs])
                row += [f"{ct.fmt_us(us)} ({config})", ct.fmt_gflops(work, us)]
            else:
                row += ["n/a", "n/a"]
            spread = f" ({min(ratios):.2f}-{max(ratios):.2f})" if len(ratios) > 1 else ""
            ratio = ct.median(ratios) if ratios else None
            target = TARGETS.get(name)
            row += [f"{ratio:.2f}{spread}" if ratio else "n/a", f"{target:g}x" if target else "-",
                    ("yes" if ratio >= target else "no") if target and ratio else "-"]
            print("| " + " | ".join(row) + " |")


def main():
    args = ct.comparison_args(__doc__, "compare_cnn", 3, "train/h|conv/fwd")
    gategrad_bin = os.path.join(args.build_dir, "bench", "bench_cnn")
    libtorch_bin = os.path.join(args.build_dir, "bench", "bench_cnn_libtorch")
    for binary in (gategrad_bin, libtorch_bin):
        if not os.access(binary, os.X_OK):
            sys.exit(f"compare_cnn: {binary} not found; build it first (bench/compare_cnn.sh "
                     "does; bench_cnn_libtorch needs `apt-get install libtorch-dev`)")

    load_before = ct.load_average()
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    peaks = ct.fma_peak(os.path.join(args.build_dir, "bench", "bench_fma_peak"))
    with tempfile.TemporaryDirectory(prefix="compare_cnn.") as workdir:
        runner = ct.Runner(args, workdir)
        rounds, contexts = ct.run_all(args, runner, gategrad_bin, libtorch_bin, one_round=run_round)
    load_after = ct.load_average()

    ct.print_run_header(runner, started, load_before, load_after, "COMPARE_CNN_COMMAND")
    best = contexts.get("best", {})
    print(f"{args.rounds} rounds of {args.repetitions} repetitions of at least {args.min_time} s; "
          f"times are medians over the rounds, the ratio the median of the rounds' ratios (range "
          f"in brackets); GFLOP/s counts the convolutions' and linear layers' multiply-adds. "
          f"LibTorch {best.get('torch_version', '?')} (oneDNN convolutions: mkldnn_enabled="
          f"{best.get('mkldnn_enabled', '?')}), OpenBLAS core {best.get('openblas_corename', '?')}, "
          f"GLIBC_TUNABLES={ct.MALLOC_TUNABLES}")
    if peaks:
        print("FMA peak (bench_fma_peak): " +
              ", ".join(f"{t} thread(s) {g:.1f} GFLOP/s" for t, g in sorted(peaks.items())))
    print()
    print_table(rounds, peaks)


if __name__ == "__main__":
    main()

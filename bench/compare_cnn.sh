#!/usr/bin/env bash
# Issue 13's CNNs, a training step of (f) LeNet-5, (g) pytorch/examples' cpp/mnist Net and (h)
# the CIFAR CNN, inference of (h) at batch 128 and 1, and (h)'s six convolutions alone, gategrad
# beside LibTorch at its best (oneDNN convolutions, NCHW or channels_last), at 1 and 2 threads,
# in paired rounds; prints a markdown table of times, GFLOP/s and LibTorch time / gategrad time
# against the targets. Installs libtorch-dev if missing, builds the benchmarks, then runs
# bench/compare_cnn.py (its --help lists the options). Three rounds take about 10 minutes.
#
#   bench/compare_cnn.sh [BUILD_DIR] [compare_cnn.py options]
#   bench/compare_cnn.sh build/release --filter 'train/h|conv/fwd' --rounds 5
#
# BUILD_DIR defaults to build/release (Release). Environment knobs: ROUNDS=3, REPETITIONS=3,
# MIN_TIME=0.1. Run it on an otherwise idle machine: the table says how busy it was.
set -euo pipefail
source "$(dirname "$0")/compare_common.sh"
compare_main compare_cnn.py COMPARE_CNN_COMMAND "bench_cnn bench_cnn_libtorch bench_fma_peak" "$0" "$@"

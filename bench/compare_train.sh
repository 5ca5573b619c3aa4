#!/usr/bin/env bash
# gategrad's training step and forward pass on the nets (a) to (e) beside LibTorch at its best,
# at 1 and 2 threads; prints a markdown table of medians, GFLOP/s and LibTorch time / gategrad
# time against the targets. Installs libtorch-dev if missing, builds both benchmarks, then runs
# bench/compare_train.py (its --help lists the options and environment knobs). The runs take
# about 2 minutes, 3 with --stock.
#
#   bench/compare_train.sh [BUILD_DIR] [compare_train.py options]
#   bench/compare_train.sh build/release --filter 'train/(a|e)' --stock
#
# BUILD_DIR defaults to build/release (Release). Environment knobs: REPETITIONS=5, MIN_TIME=0.2,
# BENCH_OPENBLAS_CORETYPE (see compare_train.py). Run it on an otherwise idle machine: the
# benchmarks run one at a time, but anything else running shares the 2 cores with them.
set -euo pipefail
source "$(dirname "$0")/compare_common.sh"
compare_main compare_train.py COMPARE_TRAIN_COMMAND "bench_train bench_fma_peak bench_train_libtorch?" "$0" "$@"

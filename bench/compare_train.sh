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

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
# The table names the command that produced it: this one, not the Python call at the end.
command=$0
if [[ $# -gt 0 ]]; then command+=" $(printf '%q ' "$@")"; fi
build=$root/build/release
if [[ $# -gt 0 && $1 != -* ]]; then
  build=$1
  shift
fi

source "$root/scripts/deps.sh"
need_packages libtorch-dev

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
targets=(bench_train bench_fma_peak)
# The LibTorch target exists only when CMake found LibTorch.
if [[ $(cmake --build "$build" --target help) == *bench_train_libtorch* ]]; then
  targets+=(bench_train_libtorch)
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >/dev/null

COMPARE_TRAIN_COMMAND=$command exec python3 "$here/compare_train.py" "$build" "$@"

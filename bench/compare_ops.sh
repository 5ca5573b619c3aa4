#!/usr/bin/env bash
# Single ops forward (softmax, log_softmax, reductions, cat, index_select, bmm), gategrad beside
# LibTorch at its best, at 1 and 2 threads, in paired rounds; prints a markdown table of
# LibTorch time / gategrad time per row. Installs libtorch-dev if missing, builds both
# benchmarks, then runs bench/compare_ops.py (its --help lists the options). Five rounds take
# about 5 minutes.
#
#   bench/compare_ops.sh [BUILD_DIR] [compare_ops.py options]
#   bench/compare_ops.sh build/release --filter 'softmax|bmm' --rounds 3
#
# BUILD_DIR defaults to build/release (Release). Environment knobs: ROUNDS=5, REPETITIONS=3,
# MIN_TIME=0.1. Run it on an otherwise idle machine: the table says how busy it was.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
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
cmake --build "$build" -j"$(nproc)" --target bench_ops bench_ops_libtorch >/dev/null

COMPARE_OPS_COMMAND=$command exec python3 "$here/compare_ops.py" "$build" "$@"

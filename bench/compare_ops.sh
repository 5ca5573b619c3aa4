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
source "$(dirname "$0")/compare_common.sh"
compare_main compare_ops.py COMPARE_OPS_COMMAND "bench_ops bench_ops_libtorch" "$0" "$@"

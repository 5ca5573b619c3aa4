#!/usr/bin/env bash
# Where the time of one training step goes: samples bench_train's train/<net> with perf and
# sorts the samples into GEMM, elementwise, optimizer, autograd bookkeeping and thread waits.
#
#   bench/profile_train.sh NET [THREADS] [BUILD_DIR]     e.g. bench/profile_train.sh c 1
#
# perf samples on the CPU clock (this VM has no hardware counters), 3 s of steps.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
net=${1:?usage: profile_train.sh NET [THREADS] [BUILD_DIR]}
threads=${2:-1}
build=${3:-$root/build/release}
[[ $net =~ ^[a-e]$ ]] || { echo "profile_train: NET must be one of a b c d e, got '$net'" >&2; exit 2; }
[[ $threads =~ ^[1-9][0-9]*$ ]] || { echo "profile_train: THREADS must be a positive number, got '$threads'" >&2; exit 2; }

source "$root/scripts/deps.sh"
need_packages linux-perf
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target bench_train >/dev/null

data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
GG_NUM_THREADS=$threads perf record -q -F 4000 -o "$data/perf.data" \
  "$build/bench/bench_train" --benchmark_filter="train/$net/" --benchmark_min_time=3 2>/dev/null |
  grep "train/$net"
perf report -i "$data/perf.data" --no-children --sort sym --stdio 2>/dev/null |
  python3 "$here/profile_categories.py" "train/$net, $threads thread(s)"

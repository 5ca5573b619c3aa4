#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) from its committed seed corpus, with ASan +
# UBSan + LeakSanitizer, and fails if any target finds a crash, a leak, undefined behaviour, an
# input slower than 10 s or one needing more than 2 GB. Builds the targets first (clang 14,
# -DGG_FUZZ=ON) in BUILD_DIR (default build/fuzz) unless it already holds them.
#   usage: fuzz/run_smoke.sh [SECONDS] [BUILD_DIR]
# What a target found is in BUILD_DIR/fuzz-smoke/: <target>.log, and the input that failed as
# <target>-crash-<sha1> (or -leak-, -timeout-, -oom-). Replay one with
#   BUILD_DIR/fuzz/<target> BUILD_DIR/fuzz-smoke/<target>-crash-<sha1>
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=${2:-build/fuzz}
targets=(fuzz_idx fuzz_cifar10 fuzz_checkpoint fuzz_arch fuzz_lists)

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DGG_FUZZ=ON -DGG_BUILD_BENCH=OFF
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"

out="$build/fuzz-smoke"
rm -rf "$out"
mkdir -p "$out"
export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-/usr/lib/llvm-14/bin/llvm-symbolizer}
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
failed=()
for t in "${targets[@]}"; do
  # New inputs go to a scratch corpus (the first directory), never into the repository.
  mkdir -p "$out/$t.corpus"
  echo "== $t: ${seconds} s"
  if "$build/fuzz/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
       -artifact_prefix="$out/$t-" "$out/$t.corpus" "fuzz/corpus/$t" >"$out/$t.log" 2>&1; then
    grep -E "^stat::number_of_executed_units|^Done" "$out/$t.log" | tr '\n' ' ' || true
    echo
  else
    failed+=("$t")
    echo "FAILED: $t found a problem; the end of $out/$t.log:"
    tail -n 40 "$out/$t.log"
    ls "$out" | grep -E "^$t-" | sed "s|^|  input: $out/|" || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz smoke run: ${#failed[@]} of ${#targets[@]} targets failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz smoke run: all ${#targets[@]} targets ran ${seconds} s without a problem"

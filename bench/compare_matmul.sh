#!/usr/bin/env bash
# Our GEMM against OpenBLAS's cblas_sgemm at 1 and 2 threads; prints a markdown table of
# medians (GFLOP/s) and the ratio ours / OpenBLAS.
#
#   bench/compare_matmul.sh [BUILD_DIR]          (default: build; built here if needed)
#
# Environment knobs:
#   MIN_TIME=0.1      --benchmark_min_time per repetition (seconds)
#   REPETITIONS=5     repetitions; the table shows their medians
#   THREADS="1 2"     thread counts to compare
#   BENCH_OPENBLAS_CORETYPE=SkylakeX
#       OpenBLAS 0.3.21 does not know this CPU (family 6 model 207) and falls back to its
#       Prescott (SSE3) kernels when left to detect; SkylakeX are its AVX-512 kernels (asking
#       for Cooperlake also gives SkylakeX: the CPU does not report avx512_bf16). Set it empty
#       to let OpenBLAS detect.
#   The load average is printed before and after the runs.
#
# Ours and OpenBLAS run in separate processes: OpenBLAS's pthreads and gategrad's pool threads
# spin after a call and would steal the cores from the other library.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
min_time=${MIN_TIME:-0.1}
repetitions=${REPETITIONS:-5}
threads_list=${THREADS:-1 2}
coretype=${BENCH_OPENBLAS_CORETYPE-SkylakeX}

bin=$build/bench/bench_matmul
if [[ ! -x $bin ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j"$(nproc)" --target bench_matmul >/dev/null
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() {  # run LIBRARY THREADS: one process, one library
  local library=$1 threads=$2
  local -a env_args=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
  if [[ $library == openblas && -n $coretype ]]; then env_args+=(OPENBLAS_CORETYPE="$coretype"); fi
  # Our process never calls OpenBLAS: keep its thread pool from spinning up beside ours.
  if [[ $library == ours ]]; then env_args+=(OPENBLAS_NUM_THREADS=1); fi
  "${env_args[@]}" "$bin" --threads="$threads" --benchmark_filter="^$library/" \
    --benchmark_min_time="$min_time" --benchmark_repetitions="$repetitions" \
    --benchmark_report_aggregates_only=true --benchmark_format=json \
    --benchmark_out="$out/${library}_$threads.json" --benchmark_out_format=json >/dev/null
}

echo "load before: $(uptime)" >&2
for threads in $threads_list; do
  run ours "$threads"
  run openblas "$threads"
done
echo "load after:  $(uptime)" >&2

python3 - "$out" "$threads_list" "$(nproc)" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" <<'PY'
import json, sys, os
out, threads_list, nproc, cpu = sys.argv[1], sys.argv[2].split(), sys.argv[3], sys.argv[4]

def medians(path):
    with open(path) as f:
        data = json.load(f)
    result = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") == "median":
            shape = b["run_name"].split("/", 1)[1].replace("/real_time", "")
            result[shape] = (b["GFLOP/s"] / 1e9, b["real_time"], b["time_unit"])
    return data["context"], result

corename = "?"
print(f"CPU: {cpu}, nproc = {nproc}")
rows = []
for t in threads_list:
    _, ours = medians(os.path.join(out, f"ours_{t}.json"))
    context, blas = medians(os.path.join(out, f"openblas_{t}.json"))
    corename = context.get("openblas_corename", "?")
    for shape, (g, time, unit) in ours.items():
        rows.append((shape, t, g, blas[shape][0], f"{time:.1f} {unit}"))
print(f"OpenBLAS core: {corename}\n")
print("| shape (M,K,N / ops) | threads | ours GFLOP/s | OpenBLAS GFLOP/s | ours / OpenBLAS | ours time |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
order = {}
for r in rows:
    order.setdefault(r[0], len(order))
for shape, t, g, b, time in sorted(rows, key=lambda r: (order[r[0]], int(r[1]))):
    print(f"| {shape} | {t} | {g:.1f} | {b:.1f} | {g / b:.2f} | {time} |")
PY

#!/usr/bin/env bash
# The main job. Until the homework program exists (issue 5), it builds gategrad and prints the
# measured comparisons: our GEMM against OpenBLAS, and our elementwise ops against plain xsimd
# loops. Installs missing Debian packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
need_packages "${BUILD_PACKAGES[@]}"
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release
cmake --build build/release -j"$(nproc)"
echo "== Matrix multiply: gategrad vs OpenBLAS"
bash bench/compare_matmul.sh build/release
echo
echo "== Elementwise ops of an MLP step: gategrad vs a plain xsimd loop"
python3 bench/compare_elementwise.py build/release

#!/usr/bin/env bash
# Builds gategrad and runs the whole test suite twice: an optimized g++ build, then a clang 14
# build with AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer, which also builds
# the fuzz targets (GG_FUZZ) and runs each for GG_FUZZ_SECONDS (default 60). Both compilers
# build the whole project with warnings as errors. Installs missing Debian packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
need_packages "${BUILD_PACKAGES[@]}"
jobs=$(nproc)

echo "== g++: Release build and tests"
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release
cmake --build build/release -j"$jobs"
ctest --test-dir build/release --output-on-failure -j"$jobs"

echo "== clang 14: AddressSanitizer + UndefinedBehaviorSanitizer build and tests, fuzz targets"
cmake -S . -B build/clang-asan -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DGG_FUZZ=ON
cmake --build build/clang-asan -j"$jobs"
export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build/clang-asan --output-on-failure -j"$jobs"

echo "== Fuzz smoke run: each target for ${GG_FUZZ_SECONDS:-60} s"
fuzz/run_smoke.sh "${GG_FUZZ_SECONDS:-60}" build/clang-asan

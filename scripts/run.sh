#!/usr/bin/env bash
# The main job: the two-layer-net homework on Fashion-MNIST. Builds gategrad, trains the
# homework's TwoLayerNet with SGD and tests it once, then runs a small hyper-parameter grid and
# tests its best net once. About two minutes on 2 cores. Installs missing Debian packages first.
# Extra arguments go to both runs (e.g. --threads 1).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
need_packages "${BUILD_PACKAGES[@]}"
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j"$(nproc)" --target gategrad
out="runs/quickstart-$(date +%Y%m%d-%H%M%S)"

echo "== gategrad twolayer: the homework's two-layer net, SGD, 1,000 iterations of batch 200"
build/release/apps/gategrad "$@" twolayer --hidden 50 --lr 1e-3 --reg 0.25 --iters 1000 --batch 200 \
  --test --out "$out/twolayer"
echo
echo "== gategrad grid: learning rate x regularisation x hidden size, 2,000 iterations each"
build/release/apps/gategrad "$@" grid --lr 5e-4,1e-3,2e-3 --reg 0.01,0.1 --hidden 50,100 --iters 2000 \
  --out "$out/grid"
echo
echo "Plots: $out/twolayer/loss_accuracy.png, $out/twolayer/weights.png,"
echo "       $out/grid/loss_accuracy.png, $out/grid/weights.png (the best configuration)"
echo "Tables: $out/twolayer/results.md, $out/grid/results.md"

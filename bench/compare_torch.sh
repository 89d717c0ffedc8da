#!/usr/bin/env bash
# Training-step throughput of the two reference models next to PyTorch (../shared/peers/torch_fmnist.py), measured
# in one run on this machine with the same thread count. Needs python3-torch, python3-numpy, libopenblas0-openmp,
# dataset-fashion-mnist and a Release build in build/.
#   bench/compare_torch.sh [threads]
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-2}
PEER=${PEER:-../shared/peers/torch_fmnist.py}
export OMP_NUM_THREADS=$THREADS
build/bench/train_step_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true 2>/dev/null |
  grep median
for model in mlp cnn; do
  steps=$([ "$model" = mlp ] && echo 300 || echo 30)
  /usr/bin/python3 "$PEER" --model "$model" --batch 128 --steps "$steps" --threads "$THREADS" --no-eval 2>/dev/null |
    grep '^RESULT' | sed "s/^RESULT/torch $model:/"
done

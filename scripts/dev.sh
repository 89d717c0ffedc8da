#!/usr/bin/env bash
# Sets up a Debian 12 machine for this project, builds it, and runs the main job or the test suite.
#   scripts/dev.sh setup   install every package the build, the tests and the main job need (as root)
#   scripts/dev.sh build   setup + configure + build into build/
#   scripts/dev.sh main    build + run the main job
#   scripts/dev.sh test    build + run the whole test suite with ctest
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libdnnl-dev ocl-icd-opencl-dev libyaml-cpp-dev libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev nlohmann-json3-dev
  libonnx-dev libprotobuf-dev protobuf-compiler
  dataset-fashion-mnist python3-sklearn
)

setup() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

build() {
  setup
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
  cmake --build "$BUILD_DIR" -j "$JOBS"
}

# Trains the default Fashion-MNIST model (configs/fashion_mnist_mlp.yaml) from scratch with the `estimator`
# command, evaluates it on the test set and exports it for serving. One OpenMP thread: faster for this small
# MLP on a shared machine.
main_job() {
  build
  local model_dir="$BUILD_DIR/model_dir/fashion_mnist_mlp"
  rm -rf "$model_dir"
  OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} "$BUILD_DIR/cli/estimator" train_and_evaluate \
    --config configs/fashion_mnist_mlp.yaml --model_dir "$model_dir"
  # The trained model as a self-contained export (docs/EXPORT.md), ready for `estimator predict --export_dir`.
  "$BUILD_DIR/cli/estimator" export --config configs/fashion_mnist_mlp.yaml --model_dir "$model_dir" \
    --export_dir "$model_dir/export" --format onnx
}

run_tests() {
  build
  # Tests run in parallel, so each keeps to one OpenMP thread: oversubscribed OpenMP barriers spin for long.
  OMP_NUM_THREADS=1 ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS"
}

case "${1:-}" in
  setup) setup ;;
  build) build ;;
  main) main_job ;;
  test) run_tests ;;
  *)
    echo "usage: $0 {setup|build|main|test}" >&2
    exit 2
    ;;
esac

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
  dataset-fashion-mnist python3-sklearn python3-venv
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
  setup_verify_python
}

# The independent readers some tests check our files with (onnxruntime for ONNX exports, TensorBoard's event
# reader for summaries): the PyPI wheels pinned in tools/requirements-verify.txt, in a virtual environment of
# Debian's python3 at $BUILD_DIR/pyenv. Skipped when its stamp holds the requirements' hash and its python runs.
# A failed install (no network, no wheel for this machine) does not fail setup: one line says why, and the
# tests that need the readers skip with that reason.
setup_verify_python() {
  local requirements=tools/requirements-verify.txt venv="$BUILD_DIR/pyenv"
  local stamp="$venv/requirements.sha256" log="$BUILD_DIR/pyenv-install.log" hash reason network
  hash=$(sha256sum "$requirements" | cut -d' ' -f1)
  [ "$(cat "$stamp" 2> /dev/null)" = "$hash" ] && "$venv/bin/python" -c '' 2> /dev/null && return 0
  echo "installing the independent readers ($requirements) into $venv"
  mkdir -p "$BUILD_DIR"
  rm -rf "$venv"
  if /usr/bin/python3 -m venv "$venv" > "$log" 2>&1 &&
    "$venv/bin/python" -m pip install --no-input --only-binary=:all: --timeout 30 --retries 2 \
      -r "$requirements" >> "$log" 2>&1; then
    echo "$hash" > "$stamp"
  else
    reason=$(grep -m1 '^ERROR' "$log" || tail -n1 "$log")
    # pip reports an unreachable index as "no matching version"; name the connection error too.
    local unreachable="Failed to establish a new connection|Read timed out|Temporary failure in name resolution"
    unreachable+="|Name or service not known|certificate verify failed"
    network=$(grep -m1 -oE "($unreachable)[^')]*" "$log" || true)
    [ -z "$network" ] || reason="$reason (index: $network)"
    rm -rf "$venv"
    echo "setup: independent readers not installed, their tests (onnxruntime, TensorBoard) will be skipped:" \
      "${reason:-unknown error} (log: $log)"
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

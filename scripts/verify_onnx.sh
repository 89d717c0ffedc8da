#!/usr/bin/env bash
# Checks ONNX exports numerically with an independent runtime: installs npm's onnxruntime-node (CPU build,
# its postinstall download skipped) into build/onnxruntime/, builds the toolkit and runs the onnx_tests
# program, whose runtime tests then compare onnxruntime with our own outputs: small graphs covering every
# converted op family, and the built-in Fashion-MNIST MLP and CNN exported from their configs and run on the
# whole test set (f32 within 1e-4, classes exactly). Prints the measured differences.
#   bash scripts/verify_onnx.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm
fi
if [ ! -d "$BUILD_DIR/onnxruntime/node_modules/onnxruntime-node" ]; then
  mkdir -p "$BUILD_DIR/onnxruntime"
  (cd "$BUILD_DIR/onnxruntime" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-save --no-audit --no-fund \
    onnxruntime-node)
fi
bash scripts/dev.sh build
ONNXRUNTIME_NODE_PATH="$PWD/$BUILD_DIR/onnxruntime/node_modules" OMP_NUM_THREADS=1 \
  "$BUILD_DIR/tests/onnx_tests" --gtest_filter='OnnxRuntimeTest.*:CompareOnnxRuntimeScriptTest.*:*FashionMnistExport*' \
  | grep -E "onnxruntime vs|^\[  (PASSED|FAILED|SKIPPED)|^  [a-z_]+: "

#!/usr/bin/env bash
# Checks ONNX exports numerically with an independent runtime: builds the toolkit (its setup installs PyPI's
# onnxruntime wheel, pinned in tools/requirements-verify.txt, into the virtual environment $BUILD_DIR/pyenv)
# and runs the onnx_tests program, whose runtime tests then compare onnxruntime (CPU, through
# tools/onnx/compare_onnxruntime.py) with our own outputs: small graphs covering every converted op family,
# and the built-in Fashion-MNIST MLP and CNN exported from their configs and run on the whole test set (f32
# within 1e-4, classes exactly). Prints the measured differences. Fails, rather than skipping the
# comparisons, when onnxruntime could not be installed.
#   bash scripts/verify_onnx.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

bash scripts/dev.sh build
python="$(cd "$BUILD_DIR" && pwd)/pyenv/bin/python"
if ! "$python" -c 'import numpy, onnxruntime' 2> /dev/null; then
  echo "verify_onnx: $python cannot import onnxruntime: see the setup message above and" \
    "$BUILD_DIR/pyenv-install.log" >&2
  exit 1
fi
echo "onnxruntime $("$python" -c 'import onnxruntime; print(onnxruntime.__version__)')"
ESTIMATOR_VERIFY_PYTHON="$python" OMP_NUM_THREADS=1 "$BUILD_DIR/tests/onnx_tests" \
  --gtest_filter='OnnxRuntimeTest.*:CompareOnnxRuntimeScriptTest.*:*FashionMnistExport*' |
  grep -E "onnxruntime vs|^\[  (PASSED|FAILED|SKIPPED)|^  [a-z_]+: "

#!/usr/bin/env python3
"""Runs an ONNX model with onnxruntime (CPU) on given inputs and compares its outputs with expected ones.

Usage: python3 compare_onnxruntime.py MODEL.onnx MANIFEST [TOLERANCE]
  MANIFEST  a JSON file, or a directory holding manifest.json:
    {"inputs":  [{"name": "image", "dtype": "float32", "shape": [7, 28, 28], "file": "image.bin"}, ...],
     "outputs": [{"name": "logits", "dtype": "float32", "shape": [7, 10], "file": "logits.bin"}, ...]}
    Files hold the elements as raw little-endian bytes in row-major order (bool: one byte, 0 or 1);
    relative paths are relative to the manifest's directory. dtype: float32, int32, int64 or bool.
  TOLERANCE the largest accepted absolute difference per element (default 1e-4).
Prints one line per output, "output<TAB>name<TAB>dtype<TAB>max_abs_diff[<TAB>problem]", then a summary.
Exit status: 0 when every output has the expected dtype and shape and is within the tolerance, 1 when one
is not (or onnxruntime fails to load or run the model), 2 on usage errors (arguments, manifest, files, or
onnxruntime and numpy missing from this python).
The python is the virtual environment scripts/dev.sh setup makes (build/pyenv/bin/python, with the wheels
pinned in tools/requirements-verify.txt). onnxruntime uses $OMP_NUM_THREADS threads when that is set.
"""

import json
import math
import os
import sys

USAGE = "usage: compare_onnxruntime.py MODEL.onnx MANIFEST(.json|dir) [TOLERANCE]"
# dtype name -> (numpy dtype of the file's little-endian elements, bytes per element).
TYPES = {"float32": ("<f4", 4), "int32": ("<i4", 4), "int64": ("<i8", 8), "bool": ("u1", 1)}


class UsageError(Exception):
    pass


def parse_args(argv):
    if len(argv) < 2 or len(argv) > 3 or "--help" in argv or "-h" in argv:
        raise UsageError(USAGE)
    tolerance = 1e-4
    if len(argv) == 3:
        try:
            tolerance = float(argv[2])
        except ValueError:
            tolerance = math.nan
        if not math.isfinite(tolerance) or tolerance < 0:
            raise UsageError(f'tolerance "{argv[2]}" is not a non-negative number')
    if not os.path.exists(argv[0]):
        raise UsageError(f"model file {argv[0]} does not exist")
    manifest_path = argv[1]
    if os.path.isdir(manifest_path):
        manifest_path = os.path.join(manifest_path, "manifest.json")
    return argv[0], manifest_path, tolerance


def read_manifest(np, manifest_path):
    """The manifest's inputs and outputs as lists of (name, dtype name, numpy array)."""
    try:
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        raise UsageError(f"cannot read manifest {manifest_path}: {e}") from e
    if (not isinstance(manifest, dict) or not isinstance(manifest.get("inputs"), list)
            or not isinstance(manifest.get("outputs"), list) or not manifest["outputs"]):
        raise UsageError(f'{manifest_path}: needs an "inputs" list and a non-empty "outputs" list')
    directory = os.path.dirname(manifest_path)

    def load(entry, where):
        valid = (isinstance(entry, dict) and isinstance(entry.get("name"), str)
                 and entry.get("dtype") in TYPES and isinstance(entry.get("shape"), list)
                 and all(type(d) is int and d >= 0 for d in entry["shape"])
                 and isinstance(entry.get("file"), str))
        if not valid:
            raise UsageError(f"{manifest_path}: {where} needs name, dtype ({', '.join(TYPES)}), shape "
                             f"(non-negative integers) and file: {json.dumps(entry)}")
        name, dtype, shape = entry["name"], entry["dtype"], entry["shape"]
        path = os.path.join(directory, entry["file"])
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise UsageError(f"{manifest_path}: {where} '{name}': cannot read {path}: {e}") from e
        element_type, element_bytes = TYPES[dtype]
        needed = math.prod(shape) * element_bytes
        if len(data) != needed:
            raise UsageError(f"{manifest_path}: {where} '{name}': {path} has {len(data)} bytes, shape "
                             f"{shape} of {dtype} needs {needed}")
        array = np.frombuffer(data, dtype=element_type).reshape(shape)
        if dtype == "bool":
            if np.any(array > 1):
                raise UsageError(f"{manifest_path}: {where} '{name}': {path} holds bytes other than 0 and 1")
            array = array.astype(np.bool_)
        return name, dtype, array

    return ([load(e, f"inputs[{i}]") for i, e in enumerate(manifest["inputs"])],
            [load(e, f"outputs[{i}]") for i, e in enumerate(manifest["outputs"])])


def max_abs_diff(np, actual, expected):
    """Largest |actual - expected| over the elements: exact for integers; for floats NaN matches NaN, any
    other NaN gives inf, and equal infinities match."""
    if expected.size == 0:
        return 0
    if expected.dtype.kind != "f":
        differ = actual != expected
        if not np.any(differ):
            return 0
        # Python integers: int64 differences may not fit in int64 or a double.
        return max(abs(int(a) - int(e)) for a, e in zip(actual[differ].tolist(), expected[differ].tolist()))
    a = actual.astype(np.float64)
    e = expected.astype(np.float64)
    a_nan, e_nan = np.isnan(a), np.isnan(e)
    if np.any(a_nan != e_nan):
        return math.inf
    compared = ~a_nan & (a != e)  # equal values, also equal infinities, differ by 0
    if not np.any(compared):
        return 0.0
    return float(np.max(np.abs(a[compared] - e[compared])))


def dtype_name(np, array):
    for name, (element_type, _) in TYPES.items():
        if array.dtype == (np.bool_ if name == "bool" else np.dtype(element_type)):
            return name
    return str(array.dtype)


def main(argv):
    model, manifest_path, tolerance = parse_args(argv)
    try:
        import numpy as np
        import onnxruntime as ort
    except ImportError as e:
        raise UsageError(f"{e.name or e} is not installed in {sys.executable}: run `bash scripts/dev.sh setup` "
                         f"in the source tree (it installs tools/requirements-verify.txt into build/pyenv) and "
                         f"use build/pyenv/bin/python") from e
    inputs, outputs = read_manifest(np, manifest_path)
    options = ort.SessionOptions()
    threads = os.environ.get("OMP_NUM_THREADS", "")
    if threads.isdigit():
        options.intra_op_num_threads = int(threads)
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    produced = {o.name for o in session.get_outputs()}
    fetched = [name for name, _, _ in outputs if name in produced]
    results = dict(zip(fetched, session.run(fetched, {name: array for name, _, array in inputs})))
    failures = 0
    for name, dtype, expected in outputs:
        actual = results.get(name)
        diff = None
        problem = ""
        if actual is None:
            problem = "missing from the results"
        elif dtype_name(np, actual) != dtype:
            problem = f"dtype {dtype_name(np, actual)}, expected {dtype}"
        elif tuple(actual.shape) != tuple(expected.shape):
            problem = f"shape {list(actual.shape)}, expected {list(expected.shape)}"
        else:
            diff = max_abs_diff(np, actual, expected)
            if not diff <= tolerance:
                problem = f"exceeds the tolerance {tolerance}"
        print(f"output\t{name}\t{dtype}\t{'NaN' if diff is None else diff}" + (f"\t{problem}" if problem else ""))
        if problem:
            failures += 1
    if failures:
        print(f"FAILED: {failures} of {len(outputs)} outputs differ from the expected values")
        return 1
    print(f"OK: all {len(outputs)} outputs within {tolerance}")
    return 0


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
    except UsageError as e:
        print(f"compare_onnxruntime: {e}", file=sys.stderr)
        code = 2
    except Exception as e:  # onnxruntime failing to load or run the model
        print(f"compare_onnxruntime: {type(e).__name__}: {e}", file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.exit(code)

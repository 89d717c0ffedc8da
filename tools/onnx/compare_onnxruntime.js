#!/usr/bin/env node
// Runs an ONNX model with onnxruntime (CPU) on given inputs and compares its outputs with expected ones.
//
// Usage: node compare_onnxruntime.js MODEL.onnx MANIFEST [TOLERANCE]
//   MANIFEST  a JSON file, or a directory holding manifest.json:
//     {"inputs":  [{"name": "image", "dtype": "float32", "shape": [7, 28, 28], "file": "image.bin"}, ...],
//      "outputs": [{"name": "logits", "dtype": "float32", "shape": [7, 10], "file": "logits.bin"}, ...]}
//     Files hold the elements as raw little-endian bytes in row-major order (bool: one byte, 0 or 1);
//     relative paths are relative to the manifest's directory. dtype: float32, int32, int64 or bool.
//   TOLERANCE the largest accepted absolute difference per element (default 1e-4).
// Prints one line per output, "output<TAB>name<TAB>dtype<TAB>max_abs_diff", then a summary.
// Exit status: 0 when every output has the expected dtype and shape and is within the tolerance, 1 when one
// is not (or onnxruntime fails to load or run the model), 2 on usage errors (arguments, manifest, files).
// onnxruntime-node must be resolvable: install it next to this file (ONNXRUNTIME_NODE_INSTALL=skip npm
// install) or point NODE_PATH at a node_modules directory holding it.
'use strict';

const fs = require('fs');
const path = require('path');

class UsageError extends Error {}

const kTypes = {
  float32: {bytes: 4, read: (b) => new Float32Array(b)},
  int32: {bytes: 4, read: (b) => new Int32Array(b)},
  int64: {bytes: 8, read: (b) => new BigInt64Array(b)},
  bool: {bytes: 1, read: (b) => new Uint8Array(b)},
};

function parseArgs(argv) {
  if (argv.length < 2 || argv.length > 3 || argv.includes('--help') || argv.includes('-h')) {
    throw new UsageError('usage: node compare_onnxruntime.js MODEL.onnx MANIFEST(.json|dir) [TOLERANCE]');
  }
  const tolerance = argv.length === 3 ? Number(argv[2]) : 1e-4;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new UsageError(`tolerance "${argv[2]}" is not a non-negative number`);
  }
  if (!fs.existsSync(argv[0])) throw new UsageError(`model file ${argv[0]} does not exist`);
  let manifestPath = argv[1];
  if (fs.existsSync(manifestPath) && fs.statSync(manifestPath).isDirectory()) {
    manifestPath = path.join(manifestPath, 'manifest.json');
  }
  return {model: argv[0], manifestPath, tolerance};
}

function readManifest(manifestPath) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read manifest ${manifestPath}: ${e.message}`);
  }
  const dir = path.dirname(manifestPath);
  const load = (entry, where) => {
    if (typeof entry.name !== 'string' || !kTypes[entry.dtype] || !Array.isArray(entry.shape) ||
        !entry.shape.every((d) => Number.isInteger(d) && d >= 0) || typeof entry.file !== 'string') {
      const dtypes = Object.keys(kTypes).join(', ');
      throw new UsageError(`${manifestPath}: ${where} needs name, dtype (${dtypes}), shape (non-negative ` +
                           `integers) and file: ${JSON.stringify(entry)}`);
    }
    const file = path.resolve(dir, entry.file);
    let bytes;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      throw new UsageError(`${manifestPath}: ${where} '${entry.name}': cannot read ${file}: ${e.message}`);
    }
    const count = entry.shape.reduce((a, b) => a * b, 1);
    const type = kTypes[entry.dtype];
    if (bytes.length !== count * type.bytes) {
      throw new UsageError(`${manifestPath}: ${where} '${entry.name}': ${file} has ${bytes.length} bytes, ` +
                           `shape [${entry.shape}] of ${entry.dtype} needs ${count * type.bytes}`);
    }
    // Copy into an aligned buffer; typed arrays read the host's byte order, which is little-endian here.
    const data = type.read(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    return {name: entry.name, dtype: entry.dtype, shape: entry.shape, data};
  };
  if (!Array.isArray(manifest.inputs) || !Array.isArray(manifest.outputs) || manifest.outputs.length === 0) {
    throw new UsageError(`${manifestPath}: needs an "inputs" list and a non-empty "outputs" list`);
  }
  return {
    inputs: manifest.inputs.map((e, i) => load(e, `inputs[${i}]`)),
    outputs: manifest.outputs.map((e, i) => load(e, `outputs[${i}]`)),
  };
}

// Largest |a - b| over the elements (NaN matches NaN; any other NaN gives Infinity).
function maxAbsDiff(actual, expected) {
  let worst = 0;
  for (let i = 0; i < expected.length; ++i) {
    const a = Number(actual[i]);
    const e = Number(expected[i]);
    if (Number.isNaN(a) || Number.isNaN(e)) {
      if (Number.isNaN(a) !== Number.isNaN(e)) return Infinity;
      continue;
    }
    if (a === e) continue;  // also equal infinities
    worst = Math.max(worst, Math.abs(a - e));
  }
  return worst;
}

async function main(argv) {
  const args = parseArgs(argv);
  const manifest = readManifest(args.manifestPath);
  let ort;
  try {
    ort = require('onnxruntime-node');
  } catch (e) {
    const hint = `run "ONNXRUNTIME_NODE_INSTALL=skip npm install" in ${__dirname}`;
    throw new UsageError(`onnxruntime-node is not installed: ${hint} or set NODE_PATH to a node_modules ` +
                         `directory holding it (${e.message})`);
  }
  const session = await ort.InferenceSession.create(args.model, {executionProviders: ['cpu']});
  const feeds = {};
  for (const input of manifest.inputs) {
    feeds[input.name] = new ort.Tensor(input.dtype, input.data, input.shape);
  }
  const results = await session.run(feeds, manifest.outputs.map((o) => o.name));
  let failures = 0;
  for (const expected of manifest.outputs) {
    const actual = results[expected.name];
    let diff;
    let problem = '';
    if (!actual) {
      problem = 'missing from the results';
    } else if (actual.type !== expected.dtype) {
      problem = `dtype ${actual.type}, expected ${expected.dtype}`;
    } else if (actual.dims.length !== expected.shape.length ||
               actual.dims.some((d, i) => d !== expected.shape[i])) {
      problem = `shape [${actual.dims}], expected [${expected.shape}]`;
    } else {
      diff = maxAbsDiff(actual.data, expected.data);
      if (!(diff <= args.tolerance)) problem = `exceeds the tolerance ${args.tolerance}`;
    }
    console.log(`output\t${expected.name}\t${expected.dtype}\t${diff === undefined ? 'NaN' : diff}` +
                (problem ? `\t${problem}` : ''));
    if (problem) ++failures;
  }
  if (failures > 0) {
    console.log(`FAILED: ${failures} of ${manifest.outputs.length} outputs differ from the expected values`);
    return 1;
  }
  console.log(`OK: all ${manifest.outputs.length} outputs within ${args.tolerance}`);
  return 0;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`compare_onnxruntime: ${e.message}`);
      process.exit(e instanceof UsageError ? 2 : 1);
    });

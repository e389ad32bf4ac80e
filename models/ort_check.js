#!/usr/bin/env node
// models/ort_check.js — run an ONNX model on ONNX Runtime (npm onnxruntime-node, CPU) and write
// its outputs as .npy files: the outside cross-check of aorta's fp32 reference (docs/models.md).
//
//   node models/ort_check.js MODEL.onnx --input NAME=x.npy [--input NAME2=y.npy ...] --out DIR
//
// Writes DIR/<i>.npy for the model's i-th output and DIR/outputs.json, a list of
// {"name", "file", "shape"} in the model's output order. Inputs and outputs are float32 .npy
// (C order, little-endian). onnxruntime-node is loaded from $AORTA_NPM_DIR/node_modules
// (default: <repo>/.cache/npm/node_modules), where scripts/setup-deps installs it.
'use strict';

const fs = require('fs');
const path = require('path');

function die(msg) {
  process.stderr.write(`ort_check: ERROR: ${msg}\n`);
  process.exit(1);
}

function loadOrt() {
  const repo = path.resolve(__dirname, '..');
  const npmDir = process.env.AORTA_NPM_DIR || path.join(repo, '.cache', 'npm');
  const where = path.join(npmDir, 'node_modules', 'onnxruntime-node');
  try {
    return require(where);
  } catch (e) {
    die(`cannot load onnxruntime-node from ${where} (${e.message.split('\n')[0]}); ` +
        'run scripts/setup-deps (or scripts/test), which installs it from scripts/deps.txt');
  }
}

// ---- .npy (format versions 1-3, '<f4' only) ------------------------------------------------
function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') die(`${file}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) die(`${file}: malformed .npy header: ${header.trim()}`);
  if (descr[1] !== '<f4') die(`${file}: dtype ${descr[1]}, expected float32 ('<f4')`);
  if (fortran[1] !== 'False') die(`${file}: Fortran-order arrays are not supported`);
  const dims = shape[1].split(',').map(s => s.trim()).filter(s => s.length).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  if (buf.length - offset !== 4 * count) {
    die(`${file}: ${buf.length - offset} data bytes for shape (${dims}), expected ${4 * count}`);
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; ++i) data[i] = buf.readFloatLE(offset + 4 * i);
  return { dims, data };
}

function writeNpy(file, dims, data) {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad with spaces so that magic + version + length + header + '\n' is a multiple of 64.
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const buf = Buffer.alloc(10 + header.length + 4 * data.length);
  buf.write('\x93NUMPY', 0, 'latin1');
  buf[6] = 1;
  buf[7] = 0;
  buf.writeUInt16LE(header.length, 8);
  buf.write(header, 10, 'latin1');
  for (let i = 0; i < data.length; ++i) buf.writeFloatLE(data[i], 10 + header.length + 4 * i);
  fs.writeFileSync(file, buf);
}

// ---- main -----------------------------------------------------------------------------------
function parseArgs(argv) {
  const a = { model: null, inputs: [], out: null };
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    if (arg === '--input' || arg === '--out') {
      if (i + 1 >= argv.length) die(`${arg} needs a value`);
      const v = argv[++i];
      if (arg === '--out') { a.out = v; continue; }
      const eq = v.lastIndexOf('=');
      if (eq <= 0) die(`--input ${v}: expected NAME=FILE.npy`);
      a.inputs.push({ name: v.slice(0, eq), file: v.slice(eq + 1) });
    } else if (arg.startsWith('-')) {
      die(`unknown option ${arg}`);
    } else if (a.model === null) {
      a.model = arg;
    } else {
      die(`unexpected argument ${arg}`);
    }
  }
  if (!a.model || !a.out || a.inputs.length === 0) {
    die('usage: node models/ort_check.js MODEL.onnx --input NAME=x.npy [...] --out DIR');
  }
  return a;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(args.model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3,
  });
  const feeds = {};
  for (const { name, file } of args.inputs) {
    if (!session.inputNames.includes(name)) {
      die(`${args.model} has no input '${name}' (inputs: ${session.inputNames.join(', ')})`);
    }
    const { dims, data } = readNpy(file);
    feeds[name] = new ort.Tensor('float32', data, dims);
  }
  for (const name of session.inputNames) {
    if (!(name in feeds)) die(`input '${name}' of ${args.model} is not given (--input ${name}=FILE)`);
  }
  const results = await session.run(feeds);
  fs.mkdirSync(args.out, { recursive: true });
  const index = [];
  session.outputNames.forEach((name, i) => {
    const t = results[name];
    if (t.type !== 'float32') die(`output '${name}' is ${t.type}, only float32 is written`);
    const file = `${i}.npy`;
    writeNpy(path.join(args.out, file), t.dims, t.data);
    index.push({ name, file, shape: Array.from(t.dims) });
    console.log(`ort_check: ${name} ${t.dims.join('x')} -> ${path.join(args.out, file)}`);
  });
  fs.writeFileSync(path.join(args.out, 'outputs.json'), JSON.stringify(index) + '\n');
}

main().catch(e => die(e.stack || String(e)));

// worker.js is a Web Worker (a classic one: it needs importScripts) that
// runs the compute-only Go build, web/worker.wasm (wasm/worker), so that
// the reverse process never runs on the page's main thread. web/workers.js
// starts and drives a pool of them; nothing else should talk to it.
//
// Start-up: it loads wasm_exec.js beside it and the wasm named by its
// URL's ?wasm= parameter (default worker.wasm beside it; same origin
// only), then posts {ready: true}, or {ready: false, error} if it cannot.
//
// Protocol, one message each way per request, answered in order:
//   request  {id, op, args}
//   response {id, result, ms, wasmBytes, reused} | {id, error, field, fatal}
// and, unanswered, {recycle: [ArrayBuffer…]}: buffers of earlier results
// given back (transferred), which the next results of their lengths are
// written into (dissolveTakeBuffer, called by the Go side) instead of new
// ones; reused counts the results' buffers that were given-back ones.
// op is load, sets, sample, grid, loss, chain or picture (see
// wasm/worker/compute); args are the request's fields. For load,
// args.bytes (an ArrayBuffer or Uint8Array) or args.url (same origin) is
// the data set file; for picture, args.bytes is x_0's float32s. result holds
// the numbers and, as typed arrays whose ArrayBuffers are transferred, the
// pictures; ms is the worker's own time for the request, wasmBytes the
// size of its WebAssembly memory after it (Go's heap and all it ever held:
// it never shrinks). field names the
// argument an error is about; fatal says the Go program has stopped and
// this worker is useless.
'use strict';

importScripts('wasm_exec.js');

let exited = false;
let memory = null; // the Go program's WebAssembly.Memory

function sameOrigin(spec) {
  const url = new URL(spec, self.location.href);
  if (url.origin !== self.location.origin) {
    throw new Error(`worker: ${url.href} is not on this page's origin`);
  }
  return url;
}

async function start() {
  const wasm = sameOrigin(new URL(self.location.href).searchParams.get('wasm') || 'worker.wasm');
  const go = new Go();
  let instance;
  try {
    ({ instance } = await WebAssembly.instantiateStreaming(fetch(wasm), go.importObject));
  } catch (streamErr) {
    // A host that does not send application/wasm: compile from the bytes.
    const resp = await fetch(wasm);
    if (!resp.ok) throw new Error(`worker: ${wasm.pathname}: HTTP ${resp.status}`);
    ({ instance } = await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject));
  }
  // run() returns when the Go program exits, which it never should: main
  // defines dissolveCompute and then waits for calls.
  memory = instance.exports.mem || null;
  go.run(instance).then(() => { exited = true; }, () => { exited = true; });
  if (!self.dissolveCompute) throw new Error('worker: worker.wasm did not define dissolveCompute');
}

async function fileBytes(args) {
  if (args.url !== undefined) {
    const url = sameOrigin(String(args.url));
    const resp = await fetch(url);
    if (!resp.ok) throw Object.assign(new Error(`${url.pathname}: HTTP ${resp.status}`), { field: 'url' });
    return new Uint8Array(await resp.arrayBuffer());
  }
  const b = args.bytes;
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  throw Object.assign(new Error('load needs bytes (an ArrayBuffer or Uint8Array) or url'), { field: 'bytes' });
}

async function handle(msg) {
  const { id, op, args = {} } = msg || {};
  try {
    await started;
    if (exited) {
      self.postMessage({ id, error: 'the worker\'s Go program has stopped', field: '', fatal: true });
      return;
    }
    const t0 = performance.now();
    let fields = args;
    let bytes;
    if (op === 'load' || op === 'picture') {
      bytes = await fileBytes(args);
      const { url, bytes: _, ...rest } = args;
      fields = rest;
    }
    const reply = self.dissolveCompute.call(String(op), JSON.stringify(fields), bytes);
    if (reply.error !== undefined) {
      self.postMessage({ id, error: reply.error, field: reply.field });
      return;
    }
    const result = JSON.parse(reply.json);
    const transfer = [];
    for (const [name, arr] of Object.entries(reply.arrays)) {
      result[name] = arr;
      transfer.push(arr.buffer);
    }
    self.postMessage({ id, result, ms: performance.now() - t0, wasmBytes: memory ? memory.buffer.byteLength : 0, reused }, transfer);
  } catch (err) {
    self.postMessage({ id, error: String((err && err.message) || err), field: (err && err.field) || '', fatal: exited });
  }
}

// Buffers given back, by byteLength: a few of each of the latest lengths
// (a new picture size brings new lengths; the old ones are let go).
const spare = new Map();
const SPARE_EACH = 4;
const SPARE_LENGTHS = 4;

function giveBack(buffers) {
  for (const b of Array.isArray(buffers) ? buffers : []) {
    if (!(b instanceof ArrayBuffer) || b.byteLength === 0) continue;
    let list = spare.get(b.byteLength);
    if (!list) {
      if (spare.size >= SPARE_LENGTHS) spare.clear();
      spare.set(b.byteLength, list = []);
    }
    if (list.length < SPARE_EACH) list.push(b);
  }
}

// dissolveTakeBuffer(n) is an ArrayBuffer of n bytes, one given back if
// there is one (its old bytes are overwritten by the caller).
let reused = 0;
self.dissolveTakeBuffer = (n) => {
  const list = spare.get(n);
  const b = list && list.pop();
  if (b) reused++;
  return b || new ArrayBuffer(n);
};

const started = start();
started.then(
  () => self.postMessage({ ready: true }),
  (err) => self.postMessage({ ready: false, error: String((err && err.message) || err) }),
);

// Requests run one after the other, in the order they arrive, even when
// one waits (for start-up, or for a load's fetch).
let queue = Promise.resolve();
self.onmessage = (event) => {
  if (event.data && event.data.recycle) {
    giveBack(event.data.recycle);
    return;
  }
  queue = queue.then(() => handle(event.data));
};

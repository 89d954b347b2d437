// workers.js is the page's pool of compute workers (web/worker.js running
// web/worker.wasm): the reverse process off the main thread, behind
// promises.
//
//   import { createPool } from './workers.js';
//   const pool = await createPool();          // rejects with WorkersUnavailable
//   await pool.load({ name: 'train', url: 'web/data/mnist-train.bin' });
//   await pool.load({ name: 'test', url: 'web/data/mnist-test.bin' });
//   const run = await pool.sample({ seed: 7, sampler: 'ddim', steps: 50, denoiser: 'ideal' });
//   const grid = await pool.grid({ seed: 7 });  // 16 seeds split over the workers
//   const loss = await pool.loss({ denoiser: 'local', ts: [10, 100, 500] });
//   const nodes = await pool.chain({ seed: 7, width: 512, height: 512, ts: [2, 4] }, { worker: 1 });
//   const key = await pool.picture({ width: 512, height: 512, bytes }); // x_0, for chain's frames
//
// Requests' fields are wasm/worker/compute's (schedule, T, betaStart,
// betaEnd, zeroTerminalSNR, sampler, variance, eta, steps, spacing, clip,
// denoiser, dataset, datasetSize, oracle, seed, every; grid: seeds; loss:
// test, ts, m), absent ones taking its defaults. Results are its JSON with
// the pictures as typed arrays (Float32Array x_t/x̂_0 frames, Uint8Array
// training images), moved from the worker without a copy.
//
// Stale requests: sample, grid and loss each supersede the previous
// request of the same key (by default the op's name; pass {key: null} in
// the second argument to opt out, or a key of your own). A superseded
// request rejects with an Error named 'Superseded'; if it was running, its
// worker is replaced (the data sets are loaded into the new one), so a
// long local-denoiser run never delays the next request.
//
// When workers cannot start (no Worker, a CSP without worker-src 'self'
// or 'wasm-unsafe-eval', the wasm missing), createPool rejects with an
// Error named 'WorkersUnavailable' and the page computes on its main
// thread instead. Refused arguments reject with an Error named
// 'ComputeError' whose field names the argument.

const here = import.meta.url;

/** The default pool size: one worker per core but the page's own. */
export function defaultSize() {
  const cores = (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 2;
  return Math.max(1, cores - 1);
}

function namedError(name, message, extra) {
  const err = new Error(message);
  err.name = name;
  return Object.assign(err, extra);
}

/** The seeds of a grid: opts.seeds, or n consecutive seeds from opts.seed. */
export function gridSeeds(opts, n = 16) {
  if (Array.isArray(opts.seeds)) return opts.seeds.slice();
  const seed = opts.seed ?? 0;
  return Array.from({ length: n }, (_, i) => (seed + i) % 4294967296);
}

// split cuts list into at most k contiguous parts of nearly equal length.
function split(list, k) {
  const parts = [];
  k = Math.max(1, Math.min(k, list.length));
  for (let i = 0; i < k; i++) {
    parts.push(list.slice(Math.floor((i * list.length) / k), Math.floor(((i + 1) * list.length) / k)));
  }
  return parts;
}

function concat(arrays) {
  const out = new arrays[0].constructor(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

// startWorker starts one worker and resolves when its wasm is running.
function startWorker(workerURL, timeoutMs) {
  return new Promise((resolve, reject) => {
    let w;
    try {
      w = new Worker(workerURL, { name: 'dissolve-compute' });
    } catch (err) {
      reject(err);
      return;
    }
    const fail = (why) => {
      clearTimeout(timer);
      w.terminate();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    w.onerror = (ev) => {
      ev.preventDefault();
      fail(ev.message || 'the worker script could not start (refused by the Content-Security-Policy, or not found)');
    };
    w.onmessage = (ev) => {
      clearTimeout(timer);
      w.onerror = null;
      w.onmessage = null;
      if (ev.data && ev.data.ready) resolve(w);
      else fail((ev.data && ev.data.error) || 'the worker did not start');
    };
  });
}

/**
 * createPool starts size workers and resolves to a Pool once at least one
 * runs, or rejects with a WorkersUnavailable error saying why none did.
 */
export async function createPool({
  size = defaultSize(),
  workerURL = new URL('worker.js', here),
  wasmURL = new URL('worker.wasm', here),
  startTimeoutMs = 30000,
} = {}) {
  if (typeof Worker === 'undefined') {
    throw namedError('WorkersUnavailable', 'workers unavailable: this browser has no Web Workers');
  }
  const url = new URL(workerURL, document.baseURI);
  url.searchParams.set('wasm', new URL(wasmURL, document.baseURI).href);
  const started = await Promise.allSettled(
    Array.from({ length: Math.max(1, size) }, () => startWorker(url, startTimeoutMs)));
  const workers = started.filter((s) => s.status === 'fulfilled').map((s) => s.value);
  if (workers.length === 0) {
    const why = started.map((s) => String((s.reason && s.reason.message) || s.reason));
    throw namedError('WorkersUnavailable', `workers unavailable: ${[...new Set(why)].join('; ')}`);
  }
  return new Pool(workers, url, startTimeoutMs);
}

class Pool {
  constructor(workers, url, startTimeoutMs) {
    this._url = url;
    this._startTimeoutMs = startTimeoutMs;
    this._nextId = 1;
    this._queue = []; // jobs for any worker
    this._loads = new Map(); // name → load args, replayed into new workers
    this._picture = null; // the picture's args, replayed into new workers
    this._keys = new Map(); // key → the jobs of its latest request
    this._slots = [];
    this._closed = false;
    for (const w of workers) this._adopt(w);
  }

  /** The number of running workers. */
  get size() { return this._slots.length; }

  /**
   * wasmBytes lists each running worker's WebAssembly memory in bytes, as
   * its last answer reported it (0 before its first): Go's heap and all
   * it ever held, which never shrinks.
   */
  wasmBytes() { return this._slots.map((s) => s.wasmBytes); }

  /**
   * reused counts the buffers of the running workers' answers that were
   * ones given back (recycle) rather than new.
   */
  reused() { return this._slots.reduce((n, s) => n + s.reused, 0); }

  _adopt(worker) {
    const slot = { worker, job: null, own: [], wasmBytes: 0, reused: 0 };
    worker.onmessage = (ev) => this._answer(slot, ev.data);
    worker.onerror = (ev) => {
      ev.preventDefault();
      this._replace(slot, ev.message || 'the worker failed');
    };
    this._slots.push(slot);
    return slot;
  }

  // _job makes a job and its promise; slot, if given, is the only worker
  // that may run it.
  _job(op, args, key, slot) {
    let job;
    const promise = new Promise((resolve, reject) => {
      job = { id: this._nextId++, op, args, key, resolve, reject, done: false };
    });
    job.promise = promise;
    if (slot) slot.own.push(job);
    else this._queue.push(job);
    return job;
  }

  _settle(job, err, value) {
    if (job.done) return;
    job.done = true;
    if (err) job.reject(err);
    else job.resolve(value);
  }

  _pump() {
    for (const slot of this._slots) {
      if (slot.job) continue;
      const job = slot.own.shift() || this._queue.shift();
      if (!job) continue;
      slot.job = job;
      const transfer = [];
      if ((job.op === 'load' || job.op === 'picture') && job.args.bytes) {
        // Each worker gets its own copy; the caller's bytes stay usable.
        const b = job.args.bytes;
        const copy = ArrayBuffer.isView(b) ? b.slice() : new Uint8Array(b).slice();
        job.args = { ...job.args, bytes: copy };
        transfer.push(copy.buffer);
      }
      slot.worker.postMessage({ id: job.id, op: job.op, args: job.args }, transfer);
    }
  }

  _answer(slot, msg) {
    const job = slot.job;
    if (!job || !msg || msg.id !== job.id) return;
    slot.job = null;
    if (msg.error !== undefined) {
      this._settle(job, namedError('ComputeError', msg.error, { field: msg.field || '' }));
    } else {
      msg.result.ms = msg.ms;
      this._settle(job, null, msg.result);
    }
    if (msg.wasmBytes) slot.wasmBytes = msg.wasmBytes;
    if (msg.reused) slot.reused = msg.reused;
    if (msg.fatal) this._replace(slot, msg.error);
    else this._pump();
  }

  // _replace terminates slot's worker, fails the request it was running,
  // and starts a new worker with the data sets loaded; the loads waiting
  // for the old worker go to the new one.
  _replace(slot, why) {
    slot.worker.terminate();
    this._slots = this._slots.filter((s) => s !== slot);
    if (slot.job) this._settle(slot.job, namedError('ComputeError', `the worker stopped: ${why}`, { field: '' }));
    const waiting = slot.own.filter((job) => !job.done);
    if (this._closed) return;
    this._respawn(waiting);
  }

  async _respawn(waiting) {
    let w;
    try {
      w = await startWorker(this._url, this._startTimeoutMs);
    } catch (err) {
      for (const job of waiting) this._settle(job, namedError('WorkersUnavailable', `workers unavailable: ${err.message}`));
      if (this._slots.length === 0) this._failAll(`workers unavailable: ${err.message}`);
      return;
    }
    if (this._closed) {
      w.terminate();
      for (const job of waiting) this._settle(job, namedError('WorkersUnavailable', 'the pool is closed'));
      return;
    }
    const slot = this._adopt(w);
    const names = new Set(waiting.map((job) => job.args.name));
    for (const [name, args] of this._loads) {
      if (!names.has(name)) this._job('load', args, null, slot).promise.catch(() => {});
    }
    if (this._picture && !waiting.some((job) => job.op === 'picture')) {
      this._job('picture', this._picture, null, slot).promise.catch(() => {});
    }
    slot.own.push(...waiting);
    this._pump();
  }

  _failAll(message) {
    for (const job of this._queue.splice(0)) this._settle(job, namedError('WorkersUnavailable', message));
  }

  // _submit queues one request of op per args (parts of one request when
  // there are several), superseding the previous request of key.
  _submit(op, argsList, key) {
    if (this._closed) return [Promise.reject(namedError('WorkersUnavailable', 'the pool is closed'))];
    if (key !== null && key !== undefined) this.cancel(key);
    const jobs = argsList.map((args) => this._job(op, args, key));
    if (key !== null && key !== undefined) this._keys.set(key, jobs);
    this._pump();
    return jobs.map((j) => j.promise);
  }

  /**
   * cancel rejects the pending request of key with a Superseded error; a
   * worker running it is replaced.
   */
  cancel(key) {
    const jobs = this._keys.get(key);
    if (!jobs) return;
    this._keys.delete(key);
    for (const job of jobs) {
      if (job.done) continue;
      this._settle(job, namedError('Superseded', `superseded: a newer ${key} request was made`));
      const queued = this._queue.indexOf(job);
      if (queued >= 0) this._queue.splice(queued, 1);
      const slot = this._slots.find((s) => s.job === job);
      if (slot) this._replace(slot, 'superseded');
    }
  }

  /**
   * load sends a data set file to every worker: {name, url} (fetched by
   * each worker, same origin) or {name, bytes}; size keeps the first size
   * images. Workers started later get it too. Resolves to its description
   * ({name, n, w, h, c, labels}).
   */
  async load(args) {
    if (this._closed) throw namedError('WorkersUnavailable', 'the pool is closed');
    const a = { ...args };
    if (a.url !== undefined) a.url = new URL(a.url, document.baseURI).href;
    this._loads.set(a.name, a);
    const jobs = this._slots.map((slot) => this._job('load', a, null, slot));
    this._pump();
    const infos = await Promise.all(jobs.map((j) => j.promise));
    return infos[0];
  }

  /** sample runs one reverse process (see the module comment). */
  sample(args = {}, { key = 'sample' } = {}) {
    return this._submit('sample', [args], key)[0];
  }

  /**
   * grid runs 16 reverse processes (args.seeds, or 16 seeds from args.seed)
   * split over the workers, and resolves to one result: final (K·D
   * float32), nearestPix (K·D bytes), finalRGBA and nearestRGBA (the same
   * pictures as K·W·H RGBA pixels), nearest (K matches), in seed order,
   * with parts (how many requests) and partMs (each one's worker time).
   */
  async grid(args = {}, { key = 'grid', seedCount = 16 } = {}) {
    const seeds = gridSeeds(args, seedCount);
    const { seed, ...rest } = args;
    const parts = split(seeds, this._slots.length);
    const results = await Promise.all(this._submit('grid', parts.map((s) => ({ ...rest, seeds: s })), key));
    const first = results[0];
    return {
      width: first.width, height: first.height, planes: first.planes, n: first.n,
      seeds,
      nearest: results.flatMap((r) => r.nearest),
      final: concat(results.map((r) => r.final)),
      nearestPix: concat(results.map((r) => r.nearestPix)),
      finalRGBA: concat(results.map((r) => r.finalRGBA)),
      nearestRGBA: concat(results.map((r) => r.nearestRGBA)),
      ms: Math.max(...results.map((r) => r.ms || 0)),
      parts: results.length,
      partMs: results.map((r) => r.ms),
    };
  }

  /**
   * loss estimates L_simple(t) at args.ts on the training subset and the
   * held-out set args.test, the steps split over the workers; resolves to
   * {ts, trainMean, trainStdErr, testMean, testStdErr, m, n}.
   */
  async loss(args = {}, { key = 'loss' } = {}) {
    const ts = args.ts || [1, 10, 50, 100, 200, 300, 500, 700, 900, 1000];
    const parts = split(ts, this._slots.length);
    const results = await Promise.all(this._submit('loss', parts.map((p) => ({ ...args, ts: p })), key));
    const out = { m: results[0].m, n: results[0].n, parts: results.length };
    for (const f of ['ts', 'trainMean', 'trainStdErr', 'testMean', 'testStdErr']) {
      out[f] = results.flatMap((r) => r[f]);
    }
    return out;
  }

  /**
   * chain computes nodes n_t of the forward Markov chain (the compute op
   * chain: schedule fields, seed, width, height, ts) in worker number
   * worker (modulo the pool's size), so that the steps a worker is given
   * in a row share their ancestors in its trajectory. Resolves to {key,
   * width, height, ts, computed, noise (Float32Array, node k at
   * [k·D, (k+1)·D), D = 3·width·height), picture, ms}; with args.picture
   * the key of the worker's picture (see picture), also rgba (Uint8Array,
   * x_t's RGBA of step ts[k] at [k·4·W·H, (k+1)·4·W·H)) and picture is
   * that key, else picture is ''. Never superseded.
   */
  chain(args, { worker = 0 } = {}) {
    if (this._closed || this._slots.length === 0) return Promise.reject(namedError('WorkersUnavailable', 'the pool is closed'));
    const job = this._job('chain', args, null, this._slots[worker % this._slots.length]);
    this._pump();
    return job.promise;
  }

  /**
   * recycle gives ArrayBuffers of an answer back to worker number worker
   * (modulo the pool's size), which fills them with a later answer of the
   * same length instead of making new ones (they are transferred: the
   * caller's views of them become empty). The worker keeps a few of each
   * length and lets the rest go.
   */
  recycle(buffers, { worker = 0 } = {}) {
    if (this._closed || this._slots.length === 0 || buffers.length === 0) return;
    const slot = this._slots[worker % this._slots.length];
    slot.worker.postMessage({ recycle: buffers }, buffers);
  }

  /**
   * picture sends x_0 to every worker ({width, height, bytes}: 3·W·H
   * float32s, planar, as the page's core holds them; each worker gets its
   * own copy), replacing the one before; workers started later get it
   * too. A chain request naming its key (args.picture) is then answered
   * with x_t's RGBA beside each node: rgba (Uint8Array, frame k at
   * [k·4·W·H, (k+1)·4·W·H)) and picture (the key). Resolves to the key
   * (diffusion.PictureKey, 16 hex digits).
   */
  async picture(args) {
    if (this._closed) throw namedError('WorkersUnavailable', 'the pool is closed');
    this._picture = args;
    const jobs = this._slots.map((slot) => this._job('picture', args, null, slot));
    this._pump();
    const r = await Promise.all(jobs.map((j) => j.promise));
    return r[0].key;
  }

  /** close terminates the workers; pending requests reject. */
  close() {
    this._closed = true;
    const slots = this._slots;
    this._slots = [];
    for (const slot of slots) {
      slot.worker.terminate();
      for (const job of [slot.job, ...slot.own]) if (job) this._settle(job, namedError('WorkersUnavailable', 'the pool is closed'));
    }
    this._failAll('the pool is closed');
  }
}

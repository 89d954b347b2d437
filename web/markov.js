// markov.js feeds the forward Markov chain from the compute workers.
//
// A node n_t of the chain (x_t = √ᾱ_t·x_0 + n_t, diffusion.Trajectory)
// depends only on the schedule, the seed and the picture's size, so the
// workers compute the nodes of the steps the next frames will show (the
// compute op chain) and the stage's core installs them (chainInstall).
// The workers also hold x_0 (sent once per picture, keyed by its
// PictureKey: the compute op picture) and convert x_t = √ᾱ_t·x_0 + n_t to
// RGBA beside each node, so drawing a step costs the main thread a copy
// of the frame; the node still gives x_t's numbers to the statistics.
// Each animation frame asks the core which nodes its chains lack
// (chainWants: the state's chain, and a comparison's second one); the
// steps go to the workers in blocks of BLOCK consecutive steps, block b to
// worker b mod size, so each worker's own trajectory walks runs of nearby
// steps that share their ancestors, and two or more workers take turns;
// CHUNK steps a request, nearest first, so the next frame's node does not
// wait for the farther ones.
//
// The pool is started the first time a chain is on screen. When no worker
// can start, the core computes the chain itself as before (chainFeed is
// never turned on).
import { pagePool } from './pool.js';
import { call, isReady, stageView } from './bridge.js';
import { on } from './events.js';

const BLOCK = 16; // consecutive steps a worker takes in a row
const CHUNK = 2; // steps per request: the nearest nodes come back first
const PER_WORKER = 3; // requests in flight per worker

let pool = null; // the pool once it runs
let starting = false;
let unavailable = false;
const inflight = new Set(); // `${key}:${t}` of the nodes asked for
let busy = []; // requests in flight, per worker
const recent = { workerMs: [], installMs: [] }; // per node, the last 256
const counts = { requests: 0, nodes: 0, frames: 0, pictures: 0, failed: 0, recycled: 0 };
let picture = ''; // the key of the x_0 sent to the workers

function keep(list, v) {
  list.push(v);
  if (list.length > 256) list.shift();
}

function start() {
  starting = true;
  pagePool().then((p) => {
    if (!p || !p.size) {
      unavailable = true;
      return;
    }
    pool = p;
    busy = new Array(p.size).fill(0);
    call('chainFeed', true);
  }, () => { unavailable = true; });
}

// install queues the nodes of a result for the core, one node a task
// (installOne), so that a result of several nodes never holds the main
// thread for their sum; a node stays in flight (not asked for again)
// until it is installed or refused.
const pending = []; // {res, k, id}: the nodes waiting to be installed
const tick = new MessageChannel(); // a task without setTimeout's clamp
let draining = false;
tick.port1.onmessage = () => {
  draining = false;
  const next = pending.shift();
  if (next) installOne(next);
  kick();
};

function kick() {
  if (!draining && pending.length) {
    draining = true;
    tick.port2.postMessage(0);
  }
}

function install(res, ids, worker) {
  keep(recent.workerMs, res.ms / res.ts.length);
  res.left = res.ts.length;
  res.worker = worker;
  res.ts.forEach((t, k) => pending.push({ res, k, id: ids[k] }));
  kick();
}

// recycle gives a result's buffers back to the worker that made them once
// its last node is installed (the core has copied them): the worker fills
// them with its next nodes instead of making new ones, so the page does
// not leave tens of megabytes of garbage a frame for V8 to collect when it
// gets round to it (at 1024², a request's two nodes and frames are 32 MB).
function recycle(res) {
  if (--res.left > 0 || !pool) return;
  const buffers = [res.noise, res.rgba].filter((a) => a && a.buffer.byteLength > 0).map((a) => a.buffer);
  pool.recycle(buffers, { worker: res.worker });
  counts.recycled += buffers.length;
}

// installOne hands node k of a result (and its frame) to the core, which
// refuses stale ones (another picture, seed or schedule, a step already
// passed).
function installOne({ res, k, id }) {
  const d = 3 * res.width * res.height;
  const f = 4 * res.width * res.height;
  const t0 = performance.now();
  try {
    if (!isReady()) return;
    const node = stageView(res.noise.buffer, res.noise.byteOffset + 4 * k * d, 4 * d);
    if (res.picture && res.rgba) {
      call('chainInstall', res.key, res.ts[k], node, res.picture, stageView(res.rgba.buffer, res.rgba.byteOffset + k * f, f));
      counts.frames++;
    } else {
      call('chainInstall', res.key, res.ts[k], node);
    }
    counts.nodes++;
    keep(recent.installMs, performance.now() - t0);
  } catch (e) {
    // refused: the page moved on (stale), or no room in the chain's cache
  } finally {
    inflight.delete(id);
    recycle(res);
  }
}

function send(worker, key, args, ts) {
  const ids = ts.map((t) => `${key}:${t}`);
  for (const id of ids) inflight.add(id);
  busy[worker]++;
  counts.requests++;
  pool.chain({ ...args, ts }, { worker })
    .then((res) => install(res, ids, worker), () => {
      counts.failed++;
      for (const id of ids) inflight.delete(id);
    })
    .finally(() => {
      busy[worker] = Math.max(0, busy[worker] - 1);
      if (pool && pool.size === 0) {
        pool = null;
        unavailable = true;
        call('chainFeed', false);
      }
    });
}

// sendPicture sends x_0 to the workers when the chains on screen have
// another picture than the one they hold (chain requests name its key;
// until it arrives a worker answers with nodes only).
function sendPicture({ picture: key, width, height }) {
  if (!key || key === picture) return;
  const n = 12 * width * height;
  const bytes = stageView(new ArrayBuffer(n), 0, n);
  call('chainPicture', key, bytes);
  picture = key;
  counts.pictures++;
  pool.picture({ width, height, bytes: new Uint8Array(bytes.buffer) }).catch(() => {
    if (picture === key) picture = '';
  });
}

function feed() {
  if (unavailable || !isReady()) return;
  const want = call('chainWants');
  if (!want.chains.length) return;
  if (!pool) {
    if (!starting) start();
    return;
  }
  const size = pool.size;
  sendPicture(want.chains[0]);
  if (busy.length !== size) busy = Array.from({ length: size }, (_, i) => busy[i] || 0);
  for (const { key, ts, ...args } of want.chains) {
    const groups = new Map(); // worker → steps, nearest first
    for (const t of ts) {
      if (inflight.has(`${key}:${t}`)) continue;
      const wk = Math.floor(t / BLOCK) % size;
      if (!groups.has(wk)) groups.set(wk, []);
      groups.get(wk).push(t);
    }
    for (const [wk, list] of groups) {
      for (let i = 0; i < list.length && busy[wk] < PER_WORKER; i += CHUNK) send(wk, key, args, list.slice(i, i + CHUNK));
    }
  }
}

on('frame', (f) => {
  if (f.state.direction === 'reverse') return;
  try {
    feed();
  } catch (e) {
    console.error(e);
  }
});

const median = (xs) => (xs.length ? xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] : 0);

export const api = {
  // chainReady(t): whether the chains on screen hold step t's node (showing
  // it computes nothing).
  chainReady: (t) => call('chainReady', t).ready,
  // chainStats(): where the Markov chain's nodes come from: {workers (the
  // pool's size, 0 without), requests, nodes (installed from the workers),
  // frames (of them, with the worker's RGBA), pictures (x_0 sent), failed,
  // recycled (answers' buffers given back to the workers once installed),
  // reused (of them, those the running workers filled again),
  // workerMsPerNode and installMsPerNode (medians: the worker's own time
  // per node, the main thread's time to install one), installMsMax (the
  // longest the main thread spent installing one), workerWasmBytes
  // (each worker's WebAssembly memory, bytes), and the core's {on,
  // installed, frames, framesShown, stale, noRoom, held, mainNodes,
  // installMs, t, digest, frameDigest}.
  chainStats() {
    return {
      workers: pool ? pool.size : 0,
      ...counts,
      workerMsPerNode: median(recent.workerMs),
      installMsPerNode: median(recent.installMs),
      installMsMax: recent.installMs.length ? Math.max(...recent.installMs) : 0,
      workerWasmBytes: pool ? pool.wasmBytes() : [],
      reused: pool ? pool.reused() : 0,
      core: call('chainStats'),
    };
  },
};

// pool.js: the page's one pool of compute workers (web/workers.js), made
// on first use and shared by the reverse direction (reverse.js) and the
// Markov chain (markov.js). It resolves to null when no worker can start;
// the callers then compute on the main thread.
//
// window.dissolveWorkers, set before the page's scripts run (tests and
// benchmarks do it with an init script), sets the pool's size instead of
// max(1, hardwareConcurrency − 1); 0 starts no worker.
import { createPool } from './workers.js';

let pool = null; // a Promise of the pool or null

/** size is the pool size the page asks for (undefined: workers.js's default). */
function size() {
  const n = globalThis.dissolveWorkers;
  return Number.isInteger(n) && n >= 0 && n <= 64 ? n : undefined;
}

export function pagePool() {
  if (!pool) {
    const meta = document.querySelector('meta[name="dissolve-worker-wasm"]');
    const opts = meta ? { wasmURL: new URL(meta.content, document.baseURI) } : {};
    const n = size();
    if (n !== undefined) opts.size = n;
    pool = n === 0
      ? Promise.resolve(null)
      : createPool(opts).catch((e) => {
        if (e.name !== 'WorkersUnavailable') throw e;
        console.info(`compute on the main thread: ${e.message}`);
        return null;
      });
  }
  return pool;
}

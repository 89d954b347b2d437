// The pool's test page: exposes web/workers.js to the browser tests
// (web/e2e/worker_test.go, bench_worker_test.go), with a SHA-256 of typed
// arrays' bytes (to compare bits with Go) and a count of the main
// thread's long tasks.
import { createPool, defaultSize, gridSeeds } from '../../../workers.js';

const longTasks = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
} catch (err) {
  // No long-task timing in this browser: the count stays empty.
}

async function sha256(...arrays) {
  const n = arrays.reduce((s, a) => s + a.byteLength, 0);
  const all = new Uint8Array(n);
  let at = 0;
  for (const a of arrays) {
    all.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

window.workersTest = { createPool, defaultSize, gridSeeds, sha256, longTasks };

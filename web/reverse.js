// reverse.js runs the page's reverse direction: when the state asks for
// direction=reverse, it has the compute workers (web/workers.js, Go's
// wasm/worker) sample the run for the state's sampler, denoiser, data set
// and seed, and hands the frames to the stage's Go core
// (setReverseRun), which draws x_t, x̂_0 and the nearest training image
// at the cursor. Nothing heavy runs on the page's main thread.
//
// A run depends on the state's ReverseKey (schedule, sampler, denoiser,
// data set, seed; not t): a change of t is instant, a change of the key
// supersedes the run under way. window.ddpm.reverseReady() resolves once
// the run for the current state is on the canvas.
//
// When no worker can start (no Worker, a policy that forbids them, the
// worker's wasm missing), the same requests run in the stage's own core
// (core.compute, the same Go code): slower, and on the main thread, but
// the page still works.
import { gridSeeds } from './workers.js';
import { pagePool } from './pool.js';
import { $ } from './dom.js';
import { call, raw, stageBytes, stageView } from './bridge.js';
import { on, emit } from './events.js';
import { w } from './i18n.js';
import { showError } from './errors.js';
import { refreshLabels } from './panes.js';
import * as reversePlots from './reverse-plots.js';

// The data sets the workers load, by the state's dataset name.
const DATA = {
  digits: { name: 'train', url: 'web/data/mnist-train.bin' },
  photos: { name: 'photos', url: 'web/data/photos.bin' },
  uploads: { name: 'uploads' }, // the visitor's picture, from the core (uploadSubset)
};
let loadedUpload = ''; // which upload the workers hold as "uploads"
// The held-out digits the loss is measured on besides the training ones.
const HELDOUT = { name: 'test', url: 'web/data/mnist-test.bin' };

let pool = null; // a Promise of the pool, made on the first reverse state
let shownKey = ''; // the key of the run on the canvas
let wantedKey = ''; // the key of the run being computed
const waiters = []; // reverseReady() calls waiting for the current key


function status(text) {
  const el = $('reverse-status');
  if (el) el.textContent = text;
}

function getPool() {
  if (!pool) {
    pool = pagePool()
      .then((p) => p || mainThreadPool())
      .then(async (p) => {
        await Promise.all([...Object.values(DATA).filter((d) => d.url), HELDOUT].map((d) => p.load(d)));
        return p;
      });
  }
  return pool;
}

// mainThreadPool answers the pool's requests with the stage's core.
function mainThreadPool() {
  const run = (op, args, bytes) => {
    const t0 = performance.now();
    const out = raw('compute', op, JSON.stringify(args), bytes);
    if (out.error !== undefined) throw Object.assign(new Error(out.error), { name: 'ComputeError', field: out.field || '' });
    return Object.assign(JSON.parse(out.json), out.arrays, { ms: performance.now() - t0 });
  };
  return {
    size: 0,
    async load({ name, url, bytes }) {
      if (!bytes) {
        const resp = await fetch(url);
        if (!resp.ok) throw new Error(`cannot load ${url}: HTTP ${resp.status}`);
        bytes = new Uint8Array(await resp.arrayBuffer());
      }
      return run('load', { name }, stageBytes(bytes));
    },
    async sample(a) { return run('sample', a); },
    async grid(a) {
      const { seed, ...rest } = a;
      return run('grid', { ...rest, seeds: gridSeeds(a) });
    },
    async loss(a) { return run('loss', a); },
  };
}

// loadUpload gives the workers the uploaded picture as the "uploads" data
// set, once per upload (the run key names the upload).
async function loadUpload(p, s, key) {
  if (s.dataset !== 'uploads') return;
  const which = key.slice(key.lastIndexOf('|upload '));
  if (which === loadedUpload) return;
  const bytes = Uint8Array.from(atob(call('uploadSubset')), (c) => c.charCodeAt(0));
  await p.load({ name: 'uploads', bytes });
  loadedUpload = which;
}

// scheduleArgs are the state's schedule, as the workers' requests name it.
const scheduleArgs = (s) => ({ schedule: s.schedule, T: s.T, betaStart: s.betaStart, betaEnd: s.betaEnd, zeroTerminalSNR: s.zeroTerminalSNR });

// RUN_BYTES bounds a run's frames in the core (x_t and x̂_0, float32, at
// the data set's size): Go's memory never shrinks (docs/architecture.md,
// "Memory"). A longer run keeps every k-th frame (the workers' every).
const RUN_BYTES = 64 << 20;
const PICTURE_NUMBERS = { digits: 28 * 28, photos: 48 * 48 * 3, uploads: 48 * 48 * 3 };

// every is the thinning that keeps s's run within RUN_BYTES.
function every(s) {
  const visited = (s.sampler === 'ddpm' ? s.T : s.steps) + 1;
  return Math.max(1, Math.ceil((2 * 4 * PICTURE_NUMBERS[s.dataset] * visited) / RUN_BYTES));
}

// args turns the state into the workers' sample request.
function args(s) {
  return {
    ...scheduleArgs(s),
    sampler: s.sampler, variance: s.variance, eta: s.eta, steps: s.steps, spacing: 'trailing',
    denoiser: s.denoiser, dataset: DATA[s.dataset].name, datasetSize: s.datasetSize, seed: s.seed, every: every(s),
  };
}

// floatBytes is a Float32Array's bytes as a Uint8Array of the stage's
// realm (setReverseRun reads them as float32s), over the same memory: a
// 1000-step run is megabytes, which a copy took tens of milliseconds of
// the main thread to make; or null.
const floatBytes = (f) => (f ? stageView(f.buffer, f.byteOffset, f.byteLength) : null);

async function compute(s, key) {
  wantedKey = key;
  if (!DATA[s.dataset]) {
    status(w('reverseNoData', { name: s.dataset }));
    return;
  }
  status(w('reverseComputing'));
  try {
    const p = await getPool();
    await loadUpload(p, s, key);
    const run = await p.sample(args(s));
    if (key !== wantedKey) return; // a newer state took over
    const meta = {
      key, width: run.width, height: run.height, planes: run.planes, timesteps: run.timesteps,
      frames: run.frames, effectiveN: run.effectiveN, nearest: run.nearest,
    };
    call('setReverseRun', JSON.stringify(meta), floatBytes(run.xt), floatBytes(run.x0), floatBytes(run.nearestX));
    shownKey = key;
    emit('run', key);
    reversePlots.drawEffN({ timesteps: run.timesteps, effectiveN: run.effectiveN });
    // The canvas lays the run's panes out at its next draw: label them after it.
    requestAnimationFrame(() => requestAnimationFrame(() => refreshLabels(window.ddpm.getState())));
    status(w('reverseReady', { ms: Math.round(run.ms || 0), n: run.n }));
    for (const w of waiters.splice(0)) w.resolve();
  } catch (e) {
    if (e && e.name === 'Superseded') return;
    status(`${w('reverseFailed')}: ${e.message || e}`);
    showError(e, w('reverseFailed'));
    for (const w of waiters.splice(0)) w.reject(e);
  }
}

// ---- The grid: 16 samples from 16 consecutive seeds ---------------------
let grid = null; // the last grid: {width, height, nearest, finalRGBA, nearestRGBA}

function drawGrid() {
  const c = $('grid-canvas');
  if (!grid) return;
  c.hidden = false;
  const { width: w, height: h } = grid;
  const pair = $('grid-nearest').checked;
  const gap = 2; // between a sample and its nearest digit
  const cellW = pair ? 2 * w + gap : w; // one sample, or a sample and its nearest digit
  const sep = 6; // between cells
  c.width = 4 * cellW + 3 * sep;
  c.height = 4 * h + 3 * sep;
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, c.width, c.height);
  const cell = w * h * 4;
  for (let k = 0; k < 16; k++) {
    const x = (k % 4) * (cellW + sep);
    const y = Math.floor(k / 4) * (h + sep);
    const put = (rgba, dc) => ctx.putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset + k * cell, cell), w, h), x + dc * (w + gap), y);
    put(grid.finalRGBA, 0);
    if (pair) put(grid.nearestRGBA, 1);
  }
}

async function runGrid() {
  const s = window.ddpm.getState();
  if (s.direction !== 'reverse' || !DATA[s.dataset]) return null;
  $('grid-note').textContent = w('gridComputing');
  $('grid-run').disabled = true;
  try {
    const p = await getPool();
    const { every, ...a } = args(s);
    await loadUpload(p, s, call('reverseKey'));
    const g = await p.grid(a);
    grid = g;
    drawGrid();
    const nov = g.nearest.map((m) => m.novelty).sort((x, y) => x - y);
    const copies = nov.filter((v) => v < 0.05).length;
    $('grid-note').textContent = w('gridNote', { copies, median: ((nov[7] + nov[8]) / 2).toFixed(2), ms: Math.round(g.ms || 0) });
    $('grid-save').disabled = false;
    return { nearest: g.nearest, seeds: Array.from({ length: 16 }, (_, i) => (s.seed + i) % 4294967296) };
  } catch (e) {
    if (e && e.name === 'Superseded') return null;
    $('grid-note').textContent = `${w('reverseFailed')}: ${e.message || e}`;
    throw e;
  } finally {
    $('grid-run').disabled = false;
  }
}

// ---- The loss: what a perfect network reaches, and the gap -------------
// lossCurves measures L_simple(t) = E‖ε − ε̂(x_t, t)‖²/d on the training
// digits and on held-out ones, for the ideal and the local denoiser
// (compute's loss: Monte Carlo over m digits, with standard errors).
async function lossCurves({ ts, m = 32 } = {}) {
  const s = window.ddpm.getState();
  const p = await getPool();
  const base = {
    ...scheduleArgs(s),
    dataset: DATA.digits.name, datasetSize: s.datasetSize, test: HELDOUT.name, m, seed: s.seed,
  };
  if (ts) base.ts = ts;
  const out = {};
  for (const denoiser of ['ideal', 'local']) out[denoiser] = await p.loss({ ...base, denoiser }, { key: `loss-${denoiser}` });
  return out;
}

// lossTs are the steps the loss is measured at: ten, spread over 1..T
// like the lesson's 1, 10, 50, …, 1000.
function lossTs(T) {
  return [...new Set([1, 10, 50, 100, 200, 300, 500, 700, 900, 1000].map((v) => Math.max(1, Math.round((v * T) / 1000))))];
}
reversePlots.onLossRun(() => lossCurves({ ts: lossTs(window.ddpm.getState().T), m: 16 }));

// lossCSV: the curves as CSV, one row per t, every number as Go computed
// it (JavaScript's shortest form reads back as the same float64).
function lossCSV(curves) {
  const cols = ['train', 'trainStdErr', 'test', 'testStdErr'];
  const names = { train: 'trainMean', test: 'testMean', trainStdErr: 'trainStdErr', testStdErr: 'testStdErr' };
  const head = ['t', ...['ideal', 'local'].flatMap((d) => cols.map((c) => `${d}_${c.replace(/StdErr$/, '_stderr')}`))];
  const rows = curves.ideal.ts.map((t, i) => [t, ...['ideal', 'local'].flatMap((d) => cols.map((c) => curves[d][names[c]][i]))]);
  return [head, ...rows].map((r) => r.join(',')).join('\n') + '\n';
}

// gridPNG: the grid at 4× (each pixel a 4×4 square), as a PNG Blob.
function gridPNG() {
  const src = $('grid-canvas');
  const out = document.createElement('canvas');
  out.width = src.width * 4;
  out.height = src.height * 4;
  const ctx = out.getContext('2d');
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(src, 0, 0, out.width, out.height);
  return new Promise((resolve) => out.toBlob(resolve, 'image/png'));
}

$('grid-run').addEventListener('click', () => { runGrid().catch(() => {}); });
$('grid-nearest').addEventListener('change', drawGrid);
$('grid-save').addEventListener('click', async () => {
  const blob = await gridPNG();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = 'dissolve-grid.png';
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
});

// lede gives the page's first lines the direction's words.
let ledeDirection = 'forward';
function lede(direction) {
  if (direction === ledeDirection) return;
  ledeDirection = direction;
  const suffix = direction === 'reverse' ? 'Reverse' : '';
  for (const [sel, key] of [['.lede:not(.lede-2)', 'lede'], ['.lede-2', 'lede2']]) {
    const p = document.querySelector(sel);
    p.dataset.i18n = key + suffix;
    p.textContent = w(key + suffix);
  }
}

// The words are those of the URL's direction from the start (the state
// comes when the core is ready).
if (new URLSearchParams(location.search).get('direction') === 'reverse') lede('reverse');

// check starts the run the state needs, if it is not on the canvas or
// under way.
function check(s) {
  lede(s.direction);
  const el = $('reverse-status');
  if (el) el.hidden = s.direction !== 'reverse';
  $('reverse-grid').hidden = s.direction !== 'reverse';
  if (s.direction !== 'reverse') return;
  const key = call('reverseKey');
  if (key !== shownKey && key !== wantedKey) compute(s, key);
}

on('ready', check);
on('frame', (f) => check(f.state));

// api: the reverse direction's members of window.ddpm (web/api.js).
export const api = {
  // grid(): samples 16 consecutive seeds from the state's seed with the
  // state's settings, draws them, and resolves to their seeds and
  // nearest training images {index, label, distance, novelty}.
  grid: runGrid,
  // exportGridPNG(): the last grid as a PNG Blob.
  exportGridPNG: gridPNG,
  // loss({ts, m}): L_simple(t) of the ideal and the local denoiser on
  // training and held-out digits: {ideal, local}, each {ts, trainMean,
  // trainStdErr, testMean, testStdErr, m, n}.
  loss: lossCurves,
  // exportLossCSV({ts, m}): the same as CSV text.
  async exportLossCSV(opts) { return lossCSV(await lossCurves(opts)); },
  // reverseReady() resolves once the run for the current state is drawn.
  reverseReady() {
    return new Promise((resolve, reject) => {
      const s = window.ddpm.getState();
      if (s.direction === 'reverse' && call('reverseKey') === shownKey) resolve();
      else waiters.push({ resolve, reject });
    });
  },
};

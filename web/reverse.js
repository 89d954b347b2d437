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
import { createPool } from './workers.js';

const page = window.dissolvePage;
const $ = (id) => document.getElementById(id);

// The data sets the workers load, by the state's dataset name.
const DATA = { digits: { name: 'train', url: 'web/data/mnist-train.bin' } };

let pool = null; // a Promise of the pool, made on the first reverse state
let shownKey = ''; // the key of the run on the canvas
let wantedKey = ''; // the key of the run being computed
const waiters = []; // reverseReady() calls waiting for the current key

page.words({
  en: {
    reverseComputing: 'Computing the way back from noise…',
    reverseReady: (ms, n) => `The way back: computed in ${ms} ms over ${n} training images.`,
    reverseFailed: 'The reverse run could not be computed',
    reverseNoData: (name) => `The data set "${name}" is not available yet.`,
  },
  ko: {
    reverseComputing: '노이즈에서 되돌아가는 길을 계산하는 중…',
    reverseReady: (ms, n) => `되돌아가는 길: 훈련 이미지 ${n}개로 ${ms} ms에 계산했습니다.`,
    reverseFailed: '역방향 과정을 계산하지 못했습니다',
    reverseNoData: (name) => `데이터 세트 "${name}"는 아직 쓸 수 없습니다.`,
  },
});

function status(text) {
  const el = $('reverse-status');
  if (el) el.textContent = text;
}

function getPool() {
  if (!pool) {
    pool = createPool().then(async (p) => {
      await p.load(DATA.digits);
      return p;
    });
  }
  return pool;
}

// args turns the state into the workers' sample request.
function args(s) {
  return {
    schedule: s.schedule, T: s.T, betaStart: s.betaStart, betaEnd: s.betaEnd, zeroTerminalSNR: s.zeroTerminalSNR,
    sampler: s.sampler, variance: s.variance, eta: s.eta, steps: s.steps, spacing: 'trailing',
    denoiser: s.denoiser, dataset: DATA[s.dataset].name, datasetSize: s.datasetSize, seed: s.seed, every: 1,
  };
}

// stageBytes copies a Float32Array into a Uint8Array of the stage's realm
// (Go's CopyBytesToGo checks the type in its own window).
function stageBytes(f) {
  if (!f) return null;
  const win = $('stage').contentWindow;
  const out = new win.Uint8Array(f.byteLength);
  out.set(new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
  return out;
}

async function compute(s, key) {
  wantedKey = key;
  if (!DATA[s.dataset]) {
    status(page.w('reverseNoData')(s.dataset));
    return;
  }
  status(page.w('reverseComputing'));
  try {
    const p = await getPool();
    const run = await p.sample(args(s));
    if (key !== wantedKey) return; // a newer state took over
    const meta = {
      key, width: run.width, height: run.height, planes: run.planes, timesteps: run.timesteps,
      frames: run.frames, effectiveN: run.effectiveN, nearest: run.nearest,
    };
    page.call('setReverseRun', JSON.stringify(meta), stageBytes(run.xt), stageBytes(run.x0), stageBytes(run.nearestX));
    shownKey = key;
    status(page.w('reverseReady')(Math.round(run.ms || 0), run.n));
    for (const w of waiters.splice(0)) w.resolve();
  } catch (e) {
    if (e && e.name === 'Superseded') return;
    status(`${page.w('reverseFailed')}: ${e.message || e}`);
    page.showError(`${page.w('reverseFailed')}: ${e.message || e}`);
    for (const w of waiters.splice(0)) w.reject(e);
  }
}

// check starts the run the state needs, if it is not on the canvas or
// under way.
function check(s) {
  const el = $('reverse-status');
  if (el) el.hidden = s.direction !== 'reverse';
  if (s.direction !== 'reverse') return;
  const key = page.call('reverseKey');
  if (key !== shownKey && key !== wantedKey) compute(s, key);
}

page.on('ready', check);
page.on('frame', (f) => check(f.state));

page.extendAPI({
  // reverseReady() resolves once the run for the current state is drawn.
  reverseReady() {
    return new Promise((resolve, reject) => {
      const s = window.ddpm.getState();
      if (s.direction === 'reverse' && page.call('reverseKey') === shownKey) resolve();
      else waiters.push({ resolve, reject });
    });
  },
});

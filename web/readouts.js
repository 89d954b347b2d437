// readouts.js: what the page shows of each frame besides the controls:
// the schedule's numbers at t, the badge over the picture, the line of
// statistics under the readouts, the screen reader's announcements, the
// stage's shape (the picture's aspect times the panes side by side), the
// page's URL (the state, for a reload or a link) and the loading note.
import { $ } from './dom.js';
import { w, onLang } from './i18n.js';
import { call, isReady } from './bridge.js';
import { on } from './events.js';
import { schema } from './schema.js';
import { fmt } from './values.js';

let lastStatsAt = 0;
let liveTimer = 0;
let urlTimer = 0;
let lastKey = '';

// paneLabel names the pane the line under the readouts describes (the
// x_t of a comparison; web/instruments.js names the panes).
let paneLabel = () => 'x_t';
export function setPaneLabel(fn) { paneLabel = fn; }

on('show', ({ frame, force }) => {
  const { state: s, readout: r } = frame;
  $('r-t').textContent = `${s.t} / ${s.T}`;
  $('r-beta').textContent = fmt(r.beta, 4);
  $('r-alphabar').textContent = fmt(r.alphaBar, 4);
  $('r-signal').textContent = fmt(r.sqrtAlphaBar, 4);
  $('r-noise').textContent = fmt(r.sqrtOneMinusAlphaBar, 4);
  $('r-snr').textContent = fmt(r.snr, 3);
  // The badge over the picture: t and how much of the picture is left.
  $('badge-t').textContent = String(s.t);
  $('badge-signal').textContent = fmt(r.sqrtAlphaBar, 3);
  const key = JSON.stringify({ ...s, t: s.playing ? 0 : s.t });
  if (force || key !== lastKey) {
    lastKey = key;
    shapeStage(s, r);
    clearTimeout(urlTimer);
    urlTimer = setTimeout(updateURL, 300);
  }
  const now = performance.now();
  if (now - lastStatsAt > 250) {
    lastStatsAt = now;
    if (s.direction === 'reverse') { // the run at the cursor, once it is drawn
      let st = null;
      try { st = call('stats'); } catch (e) { /* still being computed */ }
      $('stats').textContent = st ? w('reverseStats', {
        visited: st.visited, mean: fmt(st.mean, 3), std: fmt(st.std, 3), ks: fmt(st.ks, 3),
        effectiveN: st.effectiveN === null ? '–' : fmt(st.effectiveN, 3), index: st.nearest.index,
        distance: fmt(st.nearest.distance, 3), novelty: fmt(st.novelty, 2),
      }) : '';
      announce(s, r, force);
      return;
    }
    const live = call('liveStats'); // sampled: never a long frame
    $('stats').textContent = w('stats', {
      name: paneLabel(live.pane, s), mean: fmt(live.mean, 3), std: fmt(live.std, 3),
      min: fmt(live.min, 3), max: fmt(live.max, 3), ks: fmt(live.ks, 3),
    });
  }
  announce(s, r, force);
});

// announce tells screen readers (the polite live region #live) where the
// picture stands when something is decided: a pause, a step, a new
// state while paused (at once for a change the page made, such as a
// button, a key or a stop; 400 ms after the last one for a drag over the
// canvas). While it plays it says nothing: t would be read out forever.
function announce(s, r, force) {
  const live = $('live');
  if (s.playing) {
    clearTimeout(liveTimer);
    liveTimer = 0;
    return;
  }
  const text = w('live', { t: r.t, T: r.T, alphaBar: fmt(r.alphaBar, 4), snr: fmt(r.snr, 3) });
  if (text === live.textContent) return;
  clearTimeout(liveTimer);
  if (force) {
    live.textContent = text;
    liveTimer = 0;
  } else {
    liveTimer = setTimeout(() => { live.textContent = text; }, 400);
  }
}

// shapeStage gives the stage box the shape of its content: the picture's
// aspect, times the number of panes a comparison puts side by side.
function shapeStage(s, r) {
  const panes = schema().panes[s.compare] || 1;
  const aspect = (panes * r.width) / Math.max(1, r.height);
  $('stage-box').style.setProperty('--stage-aspect', String(Math.min(4, Math.max(0.25, aspect))));
}

function updateURL() {
  if (!isReady()) return;
  const params = new URLSearchParams(location.search);
  let q = call('query');
  // The page's own parameters (embed, a teacher's path, parentOrigin:
  // the schema's passiveParams) stay.
  for (const name of schema().passiveParams) {
    const keep = params.get(name);
    if (keep !== null) q = `${name}=${encodeURIComponent(keep)}&${q}`;
  }
  try { history.replaceState(null, '', `${location.pathname}?${q}`); } catch (e) { /* sandboxed */ }
}

// The note over the still picture says how much is being downloaded: the
// wasm's Content-Length as web/boot.js received it (the compressed size
// when the server sends it compressed), in MB.
function showLoadingSize() {
  const n = window.dissolveWasmBytes;
  $('stage-loading').textContent = n > 0 ? w('loadingSize', { mb: (n / 1e6).toFixed(1) }) : w('loadingStill');
}
document.addEventListener('dissolve:wasm-size', showLoadingSize);
onLang(showLoadingSize);

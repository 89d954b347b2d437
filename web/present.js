// present.js: presentation mode, for a projector. One key (L) or the
// "Start the lesson" button turns the page into one full-window view of
// the teacher's path: the picture (or panes), t and the numbers that
// matter, the stop's sentence in large type and the one chart the stop
// needs. The chart is the instruments' own element (web/instruments.js),
// placed by web/present.css; only the residual view (x_T beside √ᾱ_T·x₀,
// magnified) is drawn here, from Go's pixels. ←/→ (↑/↓), Page Up/Down (a
// clicker), N/P and a sideways swipe walk the stops; Esc leaves; Tab moves
// on as everywhere.
//
// It also loads a teacher's own path: ?path=lessons/my.json (a file on the
// page's own origin) or the file picker under the teacher's path. Go
// validates it (validatePath: setState's validation, stop by stop), and a
// refused path leaves the previous one in place.
import { $, el, text, typingTarget, presenting } from './dom.js';
import { w, lang, onLang } from './i18n.js';
import { call, ready, isReady } from './bridge.js';
import { on } from './events.js';
import { showError, errorText } from './errors.js';
import { onKey, claimKeys } from './keys.js';
import * as tour from './tour.js';
import { chartElement, enableInstruments, refreshAll } from './instruments.js';
import { G, projectorFont, setProjector } from './plots.js';
import { fmt, decodeRGBA } from './values.js';

const root = document.documentElement;
const embedded = root.classList.contains('embed');

// ---- The view --------------------------------------------------------------
const numbers = el('p', { class: 'present-numbers', id: 'present-numbers' });
const count = el('p', { class: 'present-count', id: 'present-count' });
const sentence = el('p', { class: 'present-text', id: 'present-text' });
const prev = text('button', 'presentPrev', { type: 'button', id: 'present-prev', 'aria-keyshortcuts': 'ArrowLeft PageUp' });
const next = text('button', 'presentNext', { type: 'button', id: 'present-next', class: 'primary', 'aria-keyshortcuts': 'ArrowRight PageDown' });
const exit = text('button', 'presentExit', { type: 'button', id: 'present-exit', 'aria-keyshortcuts': 'Escape' });
// The stop's chart is moved into the slot while it is shown (and back to
// its place among the instruments after): the instruments keep drawing it.
const slot = el('div', { class: 'present-slot', id: 'present-slot' });
const panel = el('section', { class: 'present', id: 'present', 'aria-labelledby': 'present-count' },
  el('div', { class: 'present-side' }, numbers, slot),
  el('div', { class: 'present-band' },
    // A stop is announced whole: where it is and its sentence.
    el('div', { 'aria-live': 'polite', 'aria-atomic': 'true' }, count, sentence),
    el('div', { class: 'present-buttons' }, prev, next, exit)));
panel.hidden = true;
document.body.append(panel);

// The residual view: x_T, √ᾱ_T·x₀ as it is in x_T, and magnified.
const resCanvas = el('canvas', { class: 'residual-canvas', id: 'residual-canvas', role: 'img' });
const resLabels = el('div', { class: 'residual-labels' });
const resCaption = el('figcaption', { id: 'residual-caption' });
const residual = el('figure', { class: 'residual-view', id: 'residual-view', 'aria-labelledby': 'residual-caption' }, resCanvas, resLabels, resCaption);
document.body.append(residual);
let residualKey = '';
function drawResidual(s) {
  const key = [s.image, s.size, s.seed, s.schedule, s.T, s.betaStart, s.betaEnd, s.zeroTerminalSNR, lang()].join('|');
  if (key === residualKey) return;
  residualKey = key;
  const r = call('residual');
  const gap = Math.max(2, Math.round(r.w / 16));
  resCanvas.width = 3 * r.w + 2 * gap;
  resCanvas.height = r.h;
  const ctx = resCanvas.getContext('2d');
  ctx.clearRect(0, 0, resCanvas.width, resCanvas.height);
  decodeRGBA(r.rgba, r.w, r.h, 3).forEach((picture, k) => ctx.putImageData(picture, k * (r.w + gap), 0));
  const a = fmt(r.sqrtAlphaBarT, 3);
  resLabels.replaceChildren(...[w('residualXT'), w('residualPart'), w('residualBig', { g: r.gain })].map((t) => el('span', {}, t)));
  resCaption.textContent = w('residualCaption', { a, g: r.gain });
  resCanvas.setAttribute('aria-label', w('residualAria', { a, g: r.gain }));
}

// ---- Entering and leaving ------------------------------------------------------
let opener = null;
let chartEl = null;
let chartHome = null; // a comment where chartEl lives outside presentation mode
function placeChart(target) {
  if (chartEl === target) return;
  if (chartEl) {
    chartEl.classList.remove('present-chart');
    if (chartHome) chartHome.replaceWith(chartEl);
  }
  chartEl = target;
  chartHome = null;
  if (chartEl) {
    chartHome = document.createComment('presentation mode shows this chart');
    chartEl.replaceWith(chartHome);
    chartEl.classList.add('present-chart');
    slot.append(chartEl);
  }
}

function enter() {
  if (embedded || presenting()) return;
  if (!isReady()) {
    // Before the wasm runs: as soon as it does.
    ready.then(enter);
    return;
  }
  opener = document.activeElement;
  enableInstruments();
  root.classList.add('presenting');
  setProjector(projectorFont(1));
  panel.hidden = false;
  tour.setLesson(true);
  if (tour.index() < 0) tour.go(0);
  else show();
  next.focus();
}
function leave() {
  if (!presenting()) return;
  root.classList.remove('presenting');
  panel.hidden = true;
  tour.setLesson(false);
  placeChart(null);
  setProjector(0);
  refreshAll();
  delete root.dataset.chart;
  if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  const back = opener && document.contains(opener) && opener !== document.body ? opener : $('start-lesson');
  if (back && back.focus) back.focus();
}

function show() {
  if (!presenting()) return;
  const info = tour.info();
  const i = tour.index();
  count.textContent = w('presentCount', { i: i + 1, n: tour.count() }) + (info && info.name ? ` · ${info.name}` : '');
  sentence.textContent = info ? info.text : '';
  // A button that becomes disabled would drop the focus to the page.
  const had = document.activeElement;
  prev.disabled = i <= 0;
  next.disabled = i >= tour.count() - 1;
  if (had === next && next.disabled) prev.focus();
  else if (had === prev && prev.disabled) next.focus();
  const chart = info ? info.chart : 'none';
  const target = chart === 'residual' ? residual : chartElement(chart);
  placeChart(target || null);
  fitChart();
  root.dataset.chart = chart;
  if (chart === 'residual') { residualKey = ''; drawResidual(call('getState')); }
  if (chart !== 'none') refreshAll();
}
tour.onChange(show);

// fitChart sizes the labels of the chart in the slot for the space it
// has: 28 CSS px or more, whatever the window (plots.js projectorFont).
function fitChart() {
  const svg = slot.querySelector('svg.plot');
  if (!svg) return;
  const r = svg.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return;
  const f = projectorFont(Math.min(r.width / G.width, r.height / G.height));
  slot.style.setProperty('--chart-font', `${f}px`);
  // Drawn again in its place: legends and notes wrap by the slot's font.
  setProjector(f, true);
  refreshAll();
}
window.addEventListener('resize', () => { if (presenting()) fitChart(); });
onLang(() => { residualKey = ''; show(); });
on('frame', (frame) => {
  if (!presenting()) return;
  const s = frame.state, r = frame.readout;
  numbers.replaceChildren(
    el('span', {}, 't = ', el('b', {}, `${s.t} / ${s.T}`)),
    el('span', {}, '√ᾱ_t = ', el('b', {}, fmt(r.sqrtAlphaBar, 4))),
    el('span', {}, '√(1−ᾱ_t) = ', el('b', {}, fmt(r.sqrtOneMinusAlphaBar, 4))));
  if (root.dataset.chart === 'residual') drawResidual(s);
});

prev.addEventListener('click', () => tour.prev());
next.addEventListener('click', () => tour.next());
exit.addEventListener('click', leave);
const start = $('start-lesson');
if (start) start.addEventListener('click', enter);

// ---- Keys ---------------------------------------------------------------------------
// The page's own bindings (web/keys.js) leave the arrows to presentation
// mode while it runs.
const ARROWS = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
function ours(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || typingTarget(e)) return false;
  return presenting() && e.key in ARROWS;
}
claimKeys(ours);
onKey((e) => {
  if (embedded || e.ctrlKey || e.metaKey || e.altKey || typingTarget(e)) return;
  if (e.key === 'l' || e.key === 'L') {
    if (presenting()) leave(); else enter();
  } else if (ours(e)) {
    if (ARROWS[e.key] > 0) tour.next(); else tour.prev();
  } else if (e.key === 'Escape' && presenting()) {
    leave();
  } else {
    return;
  }
  e.preventDefault();
});

// ---- Swipe --------------------------------------------------------------------------
// A sideways swipe anywhere on the page's part of the view (the canvas
// keeps its own drag, which scrubs t): left for the next stop.
let touch = null;
document.addEventListener('touchstart', (e) => {
  if (!presenting() || e.touches.length !== 1) { touch = null; return; }
  touch = { x: e.touches[0].clientX, y: e.touches[0].clientY };
}, { passive: true });
// A sideways swipe is ours, not the browser's (whose swipe goes back in
// the history).
document.addEventListener('touchmove', (e) => {
  if (!touch || !presenting() || e.touches.length !== 1) return;
  const dx = e.touches[0].clientX - touch.x, dy = e.touches[0].clientY - touch.y;
  if (Math.abs(dx) > Math.abs(dy) && e.cancelable) e.preventDefault();
}, { passive: false });
document.addEventListener('touchend', (e) => {
  if (!touch || !presenting() || e.changedTouches.length < 1) return;
  const dx = e.changedTouches[0].clientX - touch.x;
  const dy = e.changedTouches[0].clientY - touch.y;
  touch = null;
  if (Math.abs(dx) < 50 || Math.abs(dx) < 1.5 * Math.abs(dy)) return;
  if (dx < 0) tour.next(); else tour.prev();
});

// ---- A teacher's own path ----------------------------------------------------------------
const pathFile = el('input', { type: 'file', id: 'path-file', name: 'path-file', accept: 'application/json,.json' });
const pathBuiltin = text('button', 'pathBuiltin', { type: 'button', id: 'path-builtin' });
const pathStatus = el('p', { class: 'hint', id: 'path-status', role: 'status' });
const tourBox = tour.section;
if (tourBox) {
  tourBox.append(el('div', { class: 'path-load' }, text('label', 'pathLoad', { for: 'path-file' }), pathFile, pathBuiltin), pathStatus);
}
pathBuiltin.hidden = true;

// usePath validates text with Go and walks it, or reports the fault (the
// stop and the field) and keeps the path there was.
function usePath(textOfFile, name) {
  let out;
  try {
    out = call('validatePath', textOfFile);
  } catch (e) {
    showError(e, '', true);
    pathStatus.textContent = errorText(e, true);
    pathStatus.classList.add('path-error');
    return false;
  }
  tour.use(out.stops);
  pathBuiltin.hidden = false;
  pathStatus.classList.remove('path-error');
  pathStatus.textContent = w('pathLoaded', { n: out.stops.length, name });
  return true;
}
function pathFault(msg) {
  showError(msg);
  pathStatus.textContent = msg;
  pathStatus.classList.add('path-error');
}
pathFile.addEventListener('change', async () => {
  const f = pathFile.files && pathFile.files[0];
  pathFile.value = '';
  if (!f) return;
  await ready;
  let t;
  try { t = await f.text(); } catch (e) { pathFault(w('pathNotText')); return; }
  usePath(t, f.name);
});
pathBuiltin.addEventListener('click', () => {
  tour.use(null);
  pathBuiltin.hidden = true;
  pathStatus.classList.remove('path-error');
  pathStatus.textContent = w('pathBuiltinNow', { n: tour.count() });
});

// ?path=… names a file on the page's own origin; any other is refused
// before a request is made.
async function pathFromURL() {
  const param = new URLSearchParams(location.search).get('path');
  if (param === null || embedded) return;
  let url;
  try { url = new URL(param, location.href); } catch (e) { url = null; }
  if (!url || url.origin !== location.origin || !/^https?:$/.test(url.protocol)) {
    pathFault(w('pathOrigin', { origin: location.origin, got: param }));
    return;
  }
  let body;
  try {
    const resp = await fetch(url, { credentials: 'same-origin', redirect: 'error' });
    if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
    body = await resp.text();
  } catch (e) {
    pathFault(w('pathFetch', { url: url.pathname, why: e.message || String(e) }));
    return;
  }
  usePath(body, url.pathname.split('/').pop());
}
on('ready', () => { pathFromURL(); });


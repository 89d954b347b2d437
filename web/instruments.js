// instruments.js: the instruments that make the lesson's argument
// visible, below the picture (a switch turns them off): the schedule
// plots, the histogram, the frequency view, the snapshot strip and the
// formulas (each its own module), and the per-frame scheduling of their
// refreshes. Parts off screen are not refreshed, and at most one heavy
// refresh (curves, histogram, spectrum, formulas, in that order) runs in
// a frame, so that no frame carries them all.
import { el, text, checkbox } from './dom.js';
import { lang, onLang } from './i18n.js';
import { call } from './bridge.js';
import { on } from './events.js';
import { w } from './i18n.js';
import { showError } from './errors.js';
import { setPaneLabel } from './readouts.js';
import * as schedulePlots from './schedule-plots.js';
import * as histogram from './histogram.js';
import * as spectrum from './spectrum.js';
import * as snapshots from './strip.js';
import * as formulas from './formulas.js';
import * as reversePlots from './reverse-plots.js';
import { liveLabel, refreshLabels } from './panes.js';

// ---- The section ------------------------------------------------------------
const onBox = checkbox('instruments-on', 'instOn', true);
const pair = el('div', { class: 'inst-pair' }, histogram.part, spectrum.part);
const body = el('div', { class: 'inst-body', id: 'inst-body' },
  schedulePlots.part,
  pair,
  snapshots.part,
  formulas.part,
  reversePlots.part);
const section = el('section', { class: 'instruments', id: 'instruments', 'aria-labelledby': 'inst-heading' },
  el('div', { class: 'inst-head' }, text('h2', 'instHeading', { id: 'inst-heading' }), onBox), body);
document.querySelector('main.layout').after(section);

// chartElement is the element of the chart a stop can show (wasm/app/
// path.go's Charts; "residual" is web/present.js's own), or null.
export function chartElement(name) {
  const charts = { ...schedulePlots.figures(), ...reversePlots.figures(), histogram: histogram.histSvg, spectrum: spectrum.specSvg, strip: snapshots.strip, formulas: formulas.formulas };
  return charts[name] || null;
}

// enableInstruments turns the instruments on (presentation mode needs them).
export function enableInstruments() {
  if (!enabled) onBox.querySelector('input').click();
}

setPaneLabel(liveLabel);

// ---- State kept between frames ------------------------------------------------
let enabled = true;
let curves = null;
let curvesKey = '';
let table = null; // the schedule table, for ᾱ_{t−1}
let lastT = -1;
let lastState = null;
let lastHistAt = 0;
let lastSpecAt = 0;
let lastSpecKey = '';
let stripKey = '';
let stripTimer = 0;
let lastFormulaAt = 0;
let formulasStale = false;
let histStale = false;
let cursorStale = false;
let lastPanesKey = '';
let lastDirection = '';
let relabelAll = false; // after a change of language: refresh every part once
// The std of x₀, for each pane's std by the formula; from the core, once per picture.
let x0Std = { key: '', v: null };

function scheduleKey(s) { return [s.schedule, s.T, s.betaStart, s.betaEnd, s.zeroTerminalSNR].join('|'); }

function redrawPlots() {
  if (curves && lastState) {
    schedulePlots.draw(curves, lastState.T);
    schedulePlots.moveCursor(lastState.t);
  }
}
schedulePlots.allBox.querySelector('input').addEventListener('change', redrawPlots);
schedulePlots.logBox.querySelector('input').addEventListener('change', redrawPlots);
onBox.querySelector('input').addEventListener('change', (e) => {
  enabled = e.target.checked;
  body.hidden = !enabled;
  if (enabled) { curvesKey = ''; stripKey = ''; lastSpecKey = ''; histogram.reset(); }
});

onLang(() => {
  curvesKey = ''; stripKey = ''; lastSpecKey = ''; lastPanesKey = ''; lastFormulaAt = 0;
  relabelAll = true;
  if (lastState && lastState.direction === 'reverse') histogram.drawReverse();
  else if (lastState) histogram.draw(lastState, x0Std.v);
});

// A reverse run arrived: the histogram of its x_t can be drawn.
on('run', () => { histStale = true; });

// ---- Timing, for make bench -----------------------------------------------------
// Main-thread time of the instruments per frame (ms): the test hook
// window.dissolveInstruments.timing() → {frames, p50, p95, max} over the
// last 600 frames.
const spent = [];

// refreshAll refreshes every part at the next frame, on screen or not
// (for a screenshot of the whole page, or presentation mode).
export function refreshAll() { relabelAll = histStale = formulasStale = true; lastSpecKey = ''; }

window.dissolveInstruments = {
  timing() {
    const v = spent.slice().sort((a, b) => a - b);
    const q = (f) => (v.length ? v[Math.min(v.length - 1, Math.floor(f * v.length))] : 0);
    return { frames: v.length, p50: q(0.5), p95: q(0.95), max: v.length ? v[v.length - 1] : 0 };
  },
  reset() { spent.length = 0; },
  refreshAll,
};

// reverseFormulas shows the sampler's step at the cursor with its numbers.
function reverseFormulas(s) {
  const st = call('reverseStep');
  let note = st.sampler === 'ddim'
    ? w('formulaStepDDIM', { steps: st.steps, T: s.T, eta: st.eta, from: st.from, to: st.to })
    : w('formulaStepDDPM', { steps: st.steps, from: st.from, to: st.to });
  if (s.t === 0) note += w('formulaStepLast');
  formulas.refreshReverse(st, note);
}

// ---- Each frame -------------------------------------------------------------------
// Parts off screen are not refreshed (nothing to see), and catch up when
// they come into view.
const visible = new Map();
const io = new IntersectionObserver((entries) => {
  for (const e of entries) visible.set(e.target, e.isIntersecting);
});
const seen = (node) => relabelAll || visible.get(node) !== false;
for (const node of [schedulePlots.plots, histogram.histSvg, spectrum.specSvg, formulas.formulas]) io.observe(node);

on('frame', (frame) => {
  const began = performance.now();
  try { onFrame(frame); } finally {
    spent.push(performance.now() - began);
    if (spent.length > 600) spent.shift();
  }
});

function onFrame(frame) {
  const s = frame.state;
  const r = frame.readout;
  lastState = s;

  reversePlots.show(s.direction === 'reverse');
  // The spectrum and the snapshots are the forward picture's: not shown
  // on the way back.
  spectrum.part.hidden = snapshots.part.hidden = s.direction === 'reverse';
  pair.classList.toggle('single', s.direction === 'reverse');
  if (s.direction === 'reverse') reversePlots.moveCursor(s.t);
  const panesKey = JSON.stringify([s.direction, s.compare, s.mode, s.compareSchedule, s.schedule, s.size, s.image, lang(), innerWidth, innerHeight]);
  if (panesKey !== lastPanesKey) {
    lastPanesKey = panesKey;
    // The canvas lays the panes out at its next draw: ask after it.
    requestAnimationFrame(() => requestAnimationFrame(() => { try { refreshLabels(s); } catch (e) { showError(e); } }));
  }
  if (!enabled) return;

  let heavy = false;
  const sk = scheduleKey(s);
  if (sk !== curvesKey) {
    heavy = !relabelAll;
    curvesKey = sk;
    curves = call('scheduleCurves');
    table = call('schedule');
    schedulePlots.draw(curves, s.T);
    lastT = -1;
  }
  const picKey = [s.image, s.size, s.seed].join('|');
  if (picKey !== x0Std.key || frame.changed) {
    x0Std = { key: picKey, v: call('x0Stats').std };
  }
  if (s.t !== lastT && seen(schedulePlots.plots)) schedulePlots.moveCursor(s.t);
  else if (s.t !== lastT) cursorStale = true;
  if (cursorStale && seen(schedulePlots.plots)) { cursorStale = false; schedulePlots.moveCursor(s.t); }

  const now = performance.now();
  // While playing, the readouts refresh a little less often.
  const histEvery = s.playing ? 200 : 100;
  if (frame.changed || s.t !== lastT) { histStale = formulasStale = true; histogram.stale(); }
  const reverse = s.direction === 'reverse';
  if (s.direction !== lastDirection) {
    lastDirection = s.direction;
    histStale = formulasStale = true;
    histogram.reset();
  }
  if (!heavy && histStale && seen(histogram.histSvg) && (relabelAll || now - lastHistAt > histEvery)) {
    heavy = !relabelAll;
    lastHistAt = now;
    // Stale until every pane is drawn (a paused comparison too). In
    // reverse, the run's x_t at the cursor; while the run is computed
    // nothing, until it arrives ('run').
    if (reverse) {
      histStale = false;
      histogram.refreshReverse();
    } else histStale = !histogram.refresh(s, x0Std.v);
  }
  const specKey = [s.t, s.mode, sk, picKey].join('|');
  if (!heavy && !reverse && specKey !== lastSpecKey && (relabelAll || now - lastSpecAt > 250) && seen(spectrum.specSvg)) {
    heavy = !relabelAll;
    lastSpecAt = now;
    lastSpecKey = specKey;
    spectrum.refresh();
  }
  // The strip shows the forward process: in reverse it is hidden, and
  // refreshed when the page turns forward again (80–190 ms of the main
  // thread it need not spend).
  const stKey = [sk, picKey, s.mode, lang()].join('|');
  if (stKey !== stripKey && !reverse) {
    stripKey = stKey;
    clearTimeout(stripTimer);
    stripTimer = setTimeout(() => { try { snapshots.refresh(lastState); } catch (e) { showError(e); } }, 150);
  }
  if (!heavy && formulasStale && seen(formulas.formulas) && (relabelAll || now - lastFormulaAt > (s.playing ? 250 : 100))) {
    formulasStale = false;
    lastFormulaAt = now;
    if (reverse) reverseFormulas(s);
    else formulas.refresh(s.t, r, table);
  }
  lastT = s.t;
  relabelAll = false;
}

// histogram.js: the numbers of x_t against N(0, 1): a histogram of all
// 3·H·W numbers (sampled evenly above 2¹⁷) with the N(0, 1) density and
// the predicted law q(x_t | x₀) over it, a row of readouts per pane, and
// the notes (the wrong sum's std, and at t = T what is left of x₀).
import { el, svgEl, text } from './dom.js';
import { w } from './i18n.js';
import { call } from './bridge.js';
import { G, axes, pathOf, legend, plotSvg } from './plots.js';
import { paneName } from './panes.js';
import { fmt } from './values.js';

export const histSvg = plotSvg('hist', 'histAria');
const histTable = el('table', { class: 'hist-table', id: 'hist-table' });
const histNotes = el('div', { class: 'hist-notes', id: 'hist-notes' });

// part is the instruments' section of the histogram.
export const part = el('section', { class: 'inst-part', 'aria-labelledby': 'hist-heading' },
  // The table scrolls inside its box rather than pan a phone's page.
  text('h3', 'histHeading', { id: 'hist-heading' }), histSvg, el('div', { class: 'table-scroll' }, histTable), histNotes);

// ordinal(2) = "2nd": English ordinals (11th, 12th, 13th, 21st, 22nd …).
function ordinal(n) {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] || 'th');
  return `${n}${suffix}`;
}

let panes = [];     // the latest report of each pane, by index
let kindsKey = '';  // the comparison the panes belong to
let nextPane = 0;
let fresh = new Set(); // the panes computed since the state changed
let report = null;

// stale forgets which panes are up to date (the state changed); reset
// forgets the panes too (the instruments were off).
export function stale() { fresh = new Set(); }
export function reset() { kindsKey = ''; }

// refresh computes one pane per call, in turn (see Engine.Instruments),
// draws, and says whether every pane is now up to date with the state.
// x0Std is the std of x₀, for each pane's std by the formula.
export function refresh(s, x0Std) {
  const key = JSON.stringify([s.compare, s.mode, s.compareSchedule]);
  if (key !== kindsKey) { panes = []; nextPane = 0; fresh = new Set(); kindsKey = key; }
  const r = call('instruments', nextPane);
  for (const p of r.panes) { panes[p.index] = p; fresh.add(p.index); }
  nextPane = (nextPane + 1) % r.kinds.length;
  panes.length = r.kinds.length;
  // Panes not computed yet are missing for a refresh or two.
  report = r;
  draw(s, x0Std);
  return fresh.size >= r.kinds.length;
}

// draw draws the latest report again (in a new language, say).
export function draw(s, x0Std) {
  const r = report;
  if (!r) return;
  name('histAria');
  const shown = panes.filter(Boolean);
  const svg = histSvg;
  svg.replaceChildren();
  let yMax = 0.5;
  for (const v of r.normal) yMax = Math.max(yMax, v);
  for (const p of shown) for (const v of p.density) yMax = Math.max(yMax, v);
  // On a projector the legend's rows (large type) sit over the top of the
  // plot: the bars keep below them.
  const legendRows = 2 + shown.length;
  const free = G.short ? Math.min(0.5, (legendRows * G.line + 10) / (G.y1 - G.y0)) : 0;
  yMax = Math.min(yMax * 1.08 / (1 - free), 2.5);
  const sc = axes(svg, { x: [r.lo, r.hi], y: [0, yMax], xLabel: 'x' });
  const width = (r.hi - r.lo) / r.bins;
  const centres = r.normal.map((_, i) => r.lo + (i + 0.5) * width);
  for (const p of shown) {
    let d = '';
    p.density.forEach((v, i) => {
      if (v <= 0) return;
      const x0 = sc.x(r.lo + i * width), x1 = sc.x(r.lo + (i + 1) * width);
      const y = sc.y(Math.min(v, yMax));
      d += `M${x0.toFixed(1)} ${G.y1}V${y.toFixed(1)}H${x1.toFixed(1)}V${G.y1}`;
    });
    svg.append(svgEl('path', { class: `bars pane-${p.index}`, d }));
  }
  for (const p of shown) {
    svg.append(svgEl('path', { class: `curve predicted pane-${p.index}`, d: pathOf(centres, p.predicted, sc.x, sc.y, 0, yMax) }));
  }
  svg.append(svgEl('path', { class: 'curve normal', d: pathOf(centres, r.normal, sc.x, sc.y, 0, yMax) }));
  const items = [{ cls: 'curve normal', label: w('histNormal') }, { cls: 'curve predicted pane-0', label: w('histPredicted') }];
  for (const p of shown) items.push({ cls: `bars-key pane-${p.index}`, label: r.kinds.length > 1 ? paneName(p.kind, s) : w('histData') });
  legend(svg, items, G.x0 + 10, G.y0 + G.line);

  // Readouts: one row per pane. The pane's numbers are a·x₀ + c + b·ε,
  // so its std by the formula is √(a²·var x₀ + b²).
  const head = el('tr', {}, ...['colPane', 'colMean', 'colStd', 'colPredStd', 'colKS'].map((k) => text('th', k, { scope: 'col' })));
  const rows = shown.map((p) => {
    const k = p.index;
    const pred = x0Std === null ? null : Math.sqrt(p.a * p.a * x0Std * x0Std + p.b * p.b);
    return el('tr', { class: `pane-row pane-${k}` },
      el('th', { scope: 'row' }, el('span', { class: `swatch pane-${k}` }), paneName(p.kind, s)),
      el('td', {}, fmt(p.mean, 3)), el('td', { class: 'std' }, fmt(p.std, 4)),
      el('td', {}, pred === null ? '–' : fmt(pred, 4)), el('td', { class: 'ks' }, fmt(p.ks, 3)));
  });
  histTable.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));

  const notes = [];
  notes.push(r.stride > 1 ? w('sampled', { n: shown[0].n, s: r.stride, nth: ordinal(r.stride) }) : w('allNumbers', { n: shown[0].n }));
  notes.push(w('rightWrong', { r: fmt(r.rightStd, 4), wr: fmt(r.wrongSumStd, 4) }));
  const out = Math.max(...shown.map((p) => p.outside));
  if (out > 0.001) notes.push(w('outside', { f: fmt(100 * out, 3) }));
  const atT = el('p', { class: s.t === s.T ? 'at-t emphasis' : 'at-t', id: 'at-t' });
  atT.textContent = w('atT', { s: fmt(r.residualSignal, 3), kl: fmt(r.kl, 3) });
  histNotes.replaceChildren(...notes.map((n) => { const e = el('p'); e.textContent = n; return e; }), atT);
}

// ---- The reverse direction -------------------------------------------------
// The run's x_t at the cursor against N(0, 1) (core reverseHistogram():
// Go bins every number of the frame shown; its mean, std and KS are
// stats()'s). At t = T the numbers are the prior's noise; on the way back
// they gather at the training images' values (a digit's paper and ink).
let reverseReport = null;

// name gives the plot its accessible name for the direction.
function name(key) {
  histSvg.dataset.i18nAria = key;
  histSvg.setAttribute('aria-label', w(key));
}

// refreshReverse draws the reverse run's histogram at the cursor and says
// whether it could (false while the run is being computed).
export function refreshReverse() {
  try { reverseReport = call('reverseHistogram'); } catch (e) { return false; }
  drawReverse();
  return true;
}

// drawReverse draws the latest reverse report again (in a new language).
export function drawReverse() {
  const r = reverseReport;
  if (!r) return;
  name('histAriaReverse');
  const svg = histSvg;
  svg.replaceChildren();
  let yMax = 0.5;
  for (const v of r.normal) yMax = Math.max(yMax, v);
  for (const v of r.density) yMax = Math.max(yMax, v);
  // On a projector the legend's two rows sit over the top of the plot.
  const free = G.short ? Math.min(0.5, (2 * G.line + 10) / (G.y1 - G.y0)) : 0;
  yMax = Math.min(yMax * 1.08 / (1 - free), 2.5);
  const sc = axes(svg, { x: [r.lo, r.hi], y: [0, yMax], xLabel: 'x' });
  const width = (r.hi - r.lo) / r.bins;
  const centres = r.normal.map((_, i) => r.lo + (i + 0.5) * width);
  let d = '';
  r.density.forEach((v, i) => {
    if (v <= 0) return;
    const x0 = sc.x(r.lo + i * width), x1 = sc.x(r.lo + (i + 1) * width);
    d += `M${x0.toFixed(1)} ${G.y1}V${sc.y(Math.min(v, yMax)).toFixed(1)}H${x1.toFixed(1)}V${G.y1}`;
  });
  svg.append(svgEl('path', { class: 'bars pane-0', d }));
  svg.append(svgEl('path', { class: 'curve normal', d: pathOf(centres, r.normal, sc.x, sc.y, 0, yMax) }));
  legend(svg, [{ cls: 'curve normal', label: w('histNormal') }, { cls: 'bars-key pane-0', label: w('histReverseData', { t: r.visited }) }], G.x0 + 10, G.y0 + G.line);

  const head = el('tr', {}, ...['colPane', 'colMean', 'colStd', 'colKS'].map((k) => text('th', k, { scope: 'col' })));
  const row = el('tr', { class: 'pane-row pane-0', 'data-visited': r.visited },
    el('th', { scope: 'row' }, el('span', { class: 'swatch pane-0' }), w('histReverseData', { t: r.visited })),
    el('td', { class: 'mean' }, fmt(r.mean, 3)), el('td', { class: 'std' }, fmt(r.std, 3)), el('td', { class: 'ks' }, fmt(r.ks, 3)));
  histTable.replaceChildren(el('thead', {}, head), el('tbody', {}, row));
  const notes = [w('histReverseNote', { n: r.n, t: r.visited })];
  if (r.outside > 0.001) notes.push(w('outside', { f: fmt(100 * r.outside, 3) }));
  histNotes.replaceChildren(...notes.map((n) => { const e = el('p'); e.textContent = n; return e; }));
}

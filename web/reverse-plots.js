// reverse-plots.js: the reverse direction's instruments. How many
// training images still matter at each step of the way back (the ideal
// denoiser's effective N = 1/Σw², from the run), and the loss a perfect
// network reaches: L_simple(t) of the ideal and the local denoiser on
// training and on held-out digits (measured on demand in the workers).
// The numbers all come from Go (wasm/worker/compute); this module draws.
import { $, el, svgEl, text } from './dom.js';
import { w } from './i18n.js';
import { G, axes, pathOf, htmlLegend, plotFigure, onLayout } from './plots.js';
import { fmt } from './values.js';

const lossLegend = el('ul', { class: 'html-legend', id: 'loss-legend' });
const lossButton = text('button', 'lossRun', { type: 'button', id: 'loss-run' });
const lossNote = el('p', { class: 'hint', id: 'loss-note', role: 'status' });

// part is the instruments' section of the reverse direction, shown in it.
export const part = el('section', { class: 'inst-part', id: 'reverse-part', 'aria-labelledby': 'reverse-heading', hidden: '' },
  text('h3', 'reversePlotsHeading', { id: 'reverse-heading' }),
  el('div', { class: 'plots' }, plotFigure('plot-effn', 'plotEffN'), plotFigure('plot-loss', 'plotLoss')),
  el('div', { class: 'inst-options' }, lossButton), lossLegend, lossNote);

// figures are the charts by name (wasm/app/path.go's Charts).
export function figures() {
  return { effectiven: $('plot-effn').closest('figure'), loss: $('plot-loss').closest('figure') };
}

let run = null; // {timesteps, effectiveN} of the run on the canvas
let cursor = null;
let scale = null;
let lastT = null; // the cursor's t

// show hides or shows the part with the direction.
export function show(reverse) { part.hidden = !reverse; }

// drawEffN draws the run's effective N against its visited steps.
export function drawEffN(r) {
  run = r;
  const svg = $('plot-effn');
  svg.replaceChildren();
  const ts = r.timesteps.slice(0, r.effectiveN.length);
  const top = Math.max(10, ...r.effectiveN);
  scale = axes(svg, { x: [0, r.timesteps[0]], y: [1, Math.pow(10, Math.ceil(Math.log10(top)))], yLog: true, xLabel: 't' });
  svg.append(svgEl('path', { class: 'curve main s-linear', d: pathOf(ts, r.effectiveN, scale.x, scale.y, 1, Infinity) }));
  cursor = svgEl('line', { class: 'cursor', y1: G.y0, y2: G.y1 });
  svg.append(cursor);
}

// moveCursor puts the time cursor of the effective-N plot at t.
export function moveCursor(t) {
  lastT = t;
  if (!cursor || !scale) return;
  const x = scale.x(t);
  cursor.setAttribute('x1', x);
  cursor.setAttribute('x2', x);
}

// drawLoss draws the curves of ddpm.loss(): {ideal, local}, each {ts,
// trainMean, testMean, …}, on a log axis (the ideal training loss is 0 at
// small t: the floor; shown at the axis' bottom).
export function drawLoss(curves) {
  lossCurves = curves;
  const svg = $('plot-loss');
  svg.replaceChildren();
  const all = ['ideal', 'local'].flatMap((d) => [...curves[d].trainMean, ...curves[d].testMean]).filter((v) => v > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...all, 1))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...all, 1))));
  const T = Math.max(...curves.ideal.ts);
  const sc = axes(svg, { x: [0, T], y: [lo, hi], yLog: true, xLabel: 't' });
  const lines = [
    ['ideal', 'trainMean', 'loss-ideal-train'], ['ideal', 'testMean', 'loss-ideal-test'],
    ['local', 'trainMean', 'loss-local-train'], ['local', 'testMean', 'loss-local-test'],
  ];
  for (const [d, k, cls] of lines) {
    const ys = curves[d][k].map((v) => Math.max(v, lo));
    svg.append(svgEl('path', { class: `curve ${cls}`, d: pathOf(curves[d].ts, ys, sc.x, sc.y, lo, hi) }));
  }
  htmlLegend(lossLegend, lines.map(([, , cls]) => [cls, w(cls)]));
  const i = 0; // the smallest t: the gap between training and held-out digits
  lossNote.textContent = w('lossNote', {
    t: curves.ideal.ts[i], idealTrain: fmt(curves.ideal.trainMean[i], 3), idealTest: fmt(curves.ideal.testMean[i], 3),
    localTrain: fmt(curves.local.trainMean[i], 3), localTest: fmt(curves.local.testMean[i], 3), m: curves.ideal.m,
  });
}

// onLossRun(fn): fn() measures the loss when the button is pressed.
export function onLossRun(fn) {
  lossButton.addEventListener('click', async () => {
    lossButton.disabled = true;
    lossNote.textContent = w('lossComputing');
    try { drawLoss(await fn()); } catch (e) { lossNote.textContent = String(e.message || e); } finally { lossButton.disabled = false; }
  });
}

export const lastRun = () => run;

// The plots redraw from what they keep when the layout changes
// (presentation mode's larger labels).
let lossCurves = null;
onLayout(() => {
  if (run) { drawEffN(run); if (lastT !== null) moveCursor(lastT); }
  if (lossCurves) drawLoss(lossCurves);
});

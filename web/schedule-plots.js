// schedule-plots.js: the schedule on one time cursor: ᾱ_t (the lesson's
// figure, optionally on a log axis), √ᾱ_t against √(1−ᾱ_t) with the step
// where they cross, β_t and log-SNR; all schedules overlaid on demand.
// Clicking or dragging on a plot sets t.
import { $, el, checkbox, svgEl, text } from './dom.js';
import { w } from './i18n.js';
import { call, isReady } from './bridge.js';
import { tryPatch } from './api.js';
import { G, axes, pathOf, legend, note, htmlLegend, plotFigure, onLayout } from './plots.js';
import { fmt } from './values.js';

const IDS = ['plot-alphabar', 'plot-coef', 'plot-beta', 'plot-logsnr'];

export const allBox = checkbox('all-schedules', 'allSchedules', false);
export const logBox = checkbox('log-axis', 'logAxis', false);
const schedLegend = el('ul', { class: 'html-legend', id: 'schedule-legend' });
export const plots = el('div', { class: 'plots' },
  plotFigure('plot-alphabar', 'plotAlphaBar'), plotFigure('plot-coef', 'plotCoef'),
  plotFigure('plot-beta', 'plotBeta'), plotFigure('plot-logsnr', 'plotLogSNR'));

// part is the instruments' section of the schedule plots.
export const part = el('section', { class: 'inst-part', 'aria-labelledby': 'plots-heading' },
  text('h3', 'plotsHeading', { id: 'plots-heading' }), el('div', { class: 'inst-options' }, allBox, logBox),
  schedLegend, plots, text('p', 'plotHint', { class: 'hint' }));

// figures are the plots' figures by chart name (wasm/app/path.go's Charts).
export function figures() {
  return {
    alphabar: $('plot-alphabar').closest('figure'), coef: $('plot-coef').closest('figure'),
    beta: $('plot-beta').closest('figure'), logsnr: $('plot-logsnr').closest('figure'),
  };
}

export const scheduleName = (name) => w('choices').schedule[name] || name;
const curveClass = (name) => `s-${name}`;

let plotScales = {}; // id → {x, y, cursor, cursorLabel}, for the cursor and clicks

// draw draws the four plots of curves (the core's scheduleCurves: the
// state's schedule first) for T steps.
export function draw(curves, T) {
  drawn = [curves, T];
  const shown = allBox.querySelector('input').checked ? curves : curves.slice(0, 1);
  const log = logBox.querySelector('input').checked;
  const cls = (c, i) => `curve ${curveClass(c.name)}${i === 0 ? ' main' : ''}`;

  // ᾱ_t
  let svg = $('plot-alphabar');
  svg.replaceChildren();
  let minPos = 1;
  for (const c of shown) for (const v of c.alphaBar) if (v > 0 && v < minPos) minPos = v;
  const abLo = log ? Math.max(1e-8, Math.min(0.1, Math.pow(10, Math.floor(Math.log10(minPos))))) : 0; // ᾱ = 0 at the bottom, below 1
  let sc = axes(svg, { x: [0, T], y: [abLo, 1], yLog: log, xLabel: 't' });
  shown.forEach((c, i) => svg.append(svgEl('path', { class: cls(c, i), d: pathOf(c.t, c.alphaBar, sc.x, sc.y, abLo, 1) })));
  plotScales['plot-alphabar'] = sc;
  htmlLegend(schedLegend, shown.length > 1 ? shown.map((c, i) => [`${curveClass(c.name)}${i === 0 ? ' main' : ''}`, scheduleName(c.name)]) : []);

  // √ᾱ_t against √(1−ᾱ_t), with the crossing
  svg = $('plot-coef');
  svg.replaceChildren();
  sc = axes(svg, { x: [0, T], y: [0, 1], xLabel: 't' });
  const c0 = curves[0];
  svg.append(svgEl('path', { class: 'curve signal main', d: pathOf(c0.t, c0.sqrtAlphaBar, sc.x, sc.y, 0, 1) }));
  svg.append(svgEl('path', { class: 'curve noise main', d: pathOf(c0.t, c0.sqrtOneMinusAlphaBar, sc.x, sc.y, 0, 1) }));
  for (const c of shown.slice(1)) {
    svg.append(svgEl('path', { class: `curve thin ${curveClass(c.name)}`, d: pathOf(c.t, c.sqrtAlphaBar, sc.x, sc.y, 0, 1) }));
  }
  if (c0.crossing !== null) {
    const cx = sc.x(c0.crossing), cy = sc.y(Math.SQRT1_2);
    svg.append(svgEl('line', { class: 'crossing', x1: cx, x2: cx, y1: G.y0, y2: G.y1 }));
    svg.append(svgEl('circle', { class: 'crossing-dot', cx, cy, r: 6 }));
    note(svg, w('crossing', { t: fmt(c0.crossing, 4) })).setAttribute('id', 'crossing-label');
  } else {
    note(svg, w('noCrossing'));
  }
  legend(svg, [{ cls: 'curve signal main', label: w('signal') }, { cls: 'curve noise main', label: w('noise') }], G.x1 - G.legendW, (G.y0 + G.y1) / 2);
  plotScales['plot-coef'] = sc;

  // β_t
  svg = $('plot-beta');
  svg.replaceChildren();
  let bMax = 0, bMin = 1;
  for (const c of shown) for (let i = 1; i < c.beta.length; i++) { bMax = Math.max(bMax, c.beta[i]); if (c.beta[i] > 0) bMin = Math.min(bMin, c.beta[i]); }
  const bLo = log ? Math.pow(10, Math.floor(Math.log10(bMin))) : 0;
  const bHi = log ? Math.pow(10, Math.ceil(Math.log10(bMax))) : bMax * 1.05;
  sc = axes(svg, { x: [0, T], y: [bLo, bHi], yLog: log, xLabel: 't' });
  shown.forEach((c, i) => svg.append(svgEl('path', { class: cls(c, i), d: pathOf(c.t.slice(1), c.beta.slice(1), sc.x, sc.y, bLo, bHi) })));
  plotScales['plot-beta'] = sc;

  // log-SNR
  svg = $('plot-logsnr');
  svg.replaceChildren();
  let lo = 0, hi = 0;
  for (const c of shown) for (const v of c.logSNR) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  lo = Math.floor(lo / 5) * 5; hi = Math.ceil(hi / 5) * 5;
  if (hi <= lo) { lo -= 5; hi += 5; } // no finite value (T = 1, zero terminal SNR): ±∞ at the edges
  sc = axes(svg, { x: [0, T], y: [lo, hi], xLabel: 't' });
  svg.append(svgEl('line', { class: 'zero', x1: G.x0, x2: G.x1, y1: sc.y(0), y2: sc.y(0) }));
  shown.forEach((c, i) => svg.append(svgEl('path', { class: cls(c, i), d: pathOf(c.t, c.logSNR, sc.x, sc.y, lo, hi) })));
  plotScales['plot-logsnr'] = sc;

  for (const id of Object.keys(plotScales)) {
    const line = svgEl('line', { class: 'cursor', y1: G.y0, y2: G.y1 });
    const label = svgEl('text', { class: 'cursor-label', y: G.y0 + G.labelDrop });
    $(id).append(line, label);
    plotScales[id].cursor = line;
    plotScales[id].cursorLabel = label;
  }
}

// The plots redraw at once when the layout changes (presentation mode).
let drawn = null;   // the arguments of the last draw
let cursorT = null; // the cursor's t
onLayout(() => {
  if (!drawn) return;
  draw(...drawn);
  if (cursorT !== null) moveCursor(cursorT);
});

// moveCursor puts the time cursor of every plot at t.
export function moveCursor(t) {
  cursorT = t;
  for (const sc of Object.values(plotScales)) {
    if (!sc.cursor) continue;
    const x = sc.x(t);
    sc.cursor.setAttribute('x1', x);
    sc.cursor.setAttribute('x2', x);
    const flip = x > G.x1 - 6 * G.font; // the label goes left of the cursor near the right edge
    sc.cursorLabel.setAttribute('x', x + (flip ? -6 : 6));
    sc.cursorLabel.setAttribute('text-anchor', flip ? 'end' : 'start');
    sc.cursorLabel.textContent = `t = ${t}`;
  }
}

// Clicking or dragging on a plot sets t.
function tOfPointer(svg, e, T) {
  const pt = new DOMPoint(e.clientX, e.clientY).matrixTransform(svg.getScreenCTM().inverse());
  const f = (pt.x - G.x0) / (G.x1 - G.x0);
  return Math.round(Math.min(1, Math.max(0, f)) * T);
}
for (const id of IDS) {
  const svg = plots.querySelector(`#${id}`);
  let dragging = false;
  const set = (e) => {
    if (!isReady()) return;
    tryPatch({ playing: false, t: tOfPointer(svg, e, call('getState').T) });
  };
  svg.addEventListener('pointerdown', (e) => { dragging = true; svg.setPointerCapture(e.pointerId); set(e); e.preventDefault(); });
  svg.addEventListener('pointermove', (e) => { if (dragging) set(e); });
  svg.addEventListener('pointerup', () => { dragging = false; });
  svg.addEventListener('pointercancel', () => { dragging = false; });
}

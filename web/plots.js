// plots.js: the small SVG plot library of the instruments: linear and
// log scales, nice ticks, axes with a frame and labels, polylines that
// skip missing values, legends in the plot and under it. Every plot is
// drawn in a 480×300 viewBox (480×360 on a projector) with the plot
// area G.
import { el, svgEl, text } from './dom.js';
import { fmt } from './values.js';

// A plot's layout in viewBox units. The page's: 480×300 with 15-unit
// labels (instruments.css). The projector's (presentation mode): 480×360,
// with labels of f units, f chosen so that they are drawn at 28 CSS px or
// more in the chart's column (f = ⌈28.5 / scale⌉, scale = CSS px per
// unit, between 28 and 40 units), and margins, tick drops and legend rows
// that grow with f.
const PAGE = { width: 480, height: 300, font: 15, x0: 62, x1: 466, y0: 14, y1: 250, tickGap: 6, tickDrop: 20, axisY: 294, line: 20, labelDrop: 16, legendW: 175, maxLogTicks: 7, short: false };

function projector(f) {
  const height = 360;
  return {
    width: 480, height, font: f, x0: Math.round(3.5 * f), x1: 480 - Math.round(1.4 * f), y0: Math.round(0.6 * f), y1: height - Math.round(2.7 * f),
    tickGap: Math.round(0.7 * f), tickDrop: Math.round(1.2 * f), axisY: height - Math.round(0.3 * f), line: Math.round(1.25 * f),
    labelDrop: Math.round(1.1 * f), legendW: Math.round(9 * f), maxLogTicks: 5, short: true,
  };
}

// projectorFont is the label size in viewBox units that draws at 28 CSS
// px or more at scale CSS px per unit.
export function projectorFont(scale) {
  return Math.min(40, Math.max(28, Math.ceil(28.5 / scale)));
}

// G is the layout in use: the viewBox (width × height) and label size
// (font); the plot area x0..x1, y0..y1; the gap between the frame and the
// y ticks (tickGap); below the area the ticks' baseline (tickDrop) and the
// axis label's (axisY); a text line's height (line: legend rows, tick
// centring); the cursor label's drop from the top; the room of a legend at
// the right (legendW); how many log ticks at most; and whether the
// projector's rules hold: x ticks spaced for their labels, legends
// use the short form of a name (the part before its colon).
export const G = { ...PAGE };

const layoutListeners = [];

// setProjector(f) lays every plot out for the projector with labels of f
// units (projectorFont), or for the page (f = 0). Plots drawn from data
// they keep redraw at once (onLayout); the others at their next refresh.
// redraw asks for that even when the layout stays (a chart that moved
// measures its wrapped labels again).
export function setProjector(f, redraw = false) {
  const next = f ? projector(f) : PAGE;
  if (!redraw && G.font === next.font && G.height === next.height) return;
  Object.assign(G, next);
  for (const svg of document.querySelectorAll('svg.plot')) svg.setAttribute('viewBox', `0 0 ${G.width} ${G.height}`);
  for (const fn of layoutListeners) fn();
}

// onLayout(fn): fn() runs when the layout changes.
export function onLayout(fn) { layoutListeners.push(fn); }

// plotFigure is a figure with its caption (the word key) and an empty
// plot with the given id.
export function plotFigure(id, key) {
  const svg = svgEl('svg', { id, class: 'plot', viewBox: `0 0 ${G.width} ${G.height}`, role: 'img' });
  // A figure takes no name from its caption in every browser: name it.
  const fig = el('figure', { class: 'plot-box', 'aria-labelledby': id + '-cap' }, text('figcaption', key, { id: id + '-cap' }), svg);
  svg.setAttribute('aria-labelledby', id + '-cap');
  return fig;
}

// plotSvg is a bare plot (the histogram, the spectrum), named by a word.
export function plotSvg(id, ariaKey) {
  return svgEl('svg', { id, class: 'plot', viewBox: `0 0 ${G.width} ${G.height}`, role: 'img', 'data-i18n-aria': ariaKey });
}

// span is the range [lo, hi] of an axis, widened around its value when it
// leaves no room: curves of one value, or none finite (T = 1 with zero
// terminal SNR: ᾱ is 1 then 0, the log-SNR +∞ then −∞), would otherwise
// divide by zero and draw NaN.
function span([lo, hi], log) {
  const ok = (v) => Number.isFinite(v) && (!log || v > 0);
  if (ok(lo) && ok(hi) && hi > lo) return [lo, hi];
  const mid = ok(lo) ? lo : ok(hi) ? hi : log ? 1 : 0;
  return log ? [mid / 10, mid * 10] : [mid - 1, mid + 1];
}

function scale(d0, d1, r0, r1, log) {
  if (log) {
    const l0 = Math.log10(d0), l1 = Math.log10(d1);
    return (v) => r0 + (Math.log10(Math.max(v, d0)) - l0) / (l1 - l0) * (r1 - r0);
  }
  return (v) => r0 + (v - d0) / (d1 - d0) * (r1 - r0);
}

function niceTicks(lo, hi, n) {
  const step0 = (hi - lo) / n;
  const mag = Math.pow(10, Math.floor(Math.log10(step0)));
  return ticksOf(lo, hi, [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) || 10 * mag);
}

// ticksOf are the multiples of step on [lo, hi].
function ticksOf(lo, hi, step) {
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

// roomyTicks are the most ticks of a nice step (1, 2, 2.5 or 5 × 10ᵏ) on
// [lo, hi] whose labels, G.font units tall and about 0.6 of that wide per
// character, keep a gap of one character between them on the scale x.
function roomyTicks(lo, hi, x) {
  const mag = Math.pow(10, Math.floor(Math.log10((hi - lo) / 10)));
  for (const m of [1, 2, 2.5, 5, 10, 20, 25, 50, 100]) {
    const ticks = ticksOf(lo, hi, m * mag);
    const widest = Math.max(...ticks.map((v) => tickLabel(v, false).length));
    const gap = ticks.length > 1 ? Math.abs(x(ticks[1]) - x(ticks[0])) : Infinity;
    if (gap >= (widest + 1) * 0.6 * G.font) return ticks;
  }
  return [lo, hi];
}

function logTicks(lo, hi) {
  const out = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.log10(hi) + 1e-9; e++) out.push(Math.pow(10, e));
  if (out.length > G.maxLogTicks) return out.filter((_, i) => i % 2 === (out.length - 1) % 2);
  return out;
}

function tickLabel(v, log) {
  if (log) {
    const e = Math.round(Math.log10(v));
    return e === 0 ? '1' : `10${String(e).replace('-', '⁻').replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[d])}`;
  }
  return fmt(v, 3);
}

// axes draws the frame, ticks and labels of o = {x: [lo, hi], y: [lo,
// hi], xLog, yLog, xLabel}; returns the {x, y} scales.
export function axes(svg, o) {
  o = { ...o, x: span(o.x, o.xLog), y: span(o.y, o.yLog) };
  const x = scale(o.x[0], o.x[1], G.x0, G.x1, o.xLog);
  const y = scale(o.y[0], o.y[1], G.y1, G.y0, o.yLog);
  const g = svgEl('g', { class: 'axes' });
  const xt = o.xLog ? logTicks(o.x[0], o.x[1]) : G.short ? roomyTicks(o.x[0], o.x[1], x) : niceTicks(o.x[0], o.x[1], 5);
  const yt = o.yLog ? logTicks(o.y[0], o.y[1]) : niceTicks(o.y[0], o.y[1], 4);
  for (const v of yt) {
    g.append(svgEl('line', { class: 'grid', x1: G.x0, x2: G.x1, y1: y(v), y2: y(v) }));
    const t = svgEl('text', { class: 'tick', x: G.x0 - G.tickGap, y: y(v) + 0.33 * G.font, 'text-anchor': 'end' });
    t.textContent = tickLabel(v, o.yLog);
    g.append(t);
  }
  for (const v of xt) {
    g.append(svgEl('line', { class: 'grid', x1: x(v), x2: x(v), y1: G.y0, y2: G.y1 }));
    const t = svgEl('text', { class: 'tick', x: x(v), y: G.y1 + G.tickDrop, 'text-anchor': 'middle' });
    t.textContent = tickLabel(v, o.xLog);
    g.append(t);
  }
  g.append(svgEl('rect', { class: 'frame', x: G.x0, y: G.y0, width: G.x1 - G.x0, height: G.y1 - G.y0 }));
  if (o.xLabel) {
    const t = svgEl('text', { class: 'axis-label', x: (G.x0 + G.x1) / 2, y: G.axisY, 'text-anchor': 'middle' });
    t.textContent = o.xLabel;
    g.append(t);
  }
  svg.append(g);
  return { x, y };
}

// pathOf is the path of the points (xs[i], ys[i]), clamped to [yLo, yHi];
// a null or NaN lifts the pen.
export function pathOf(xs, ys, sx, sy, yLo, yHi) {
  let d = '';
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    let v = ys[i];
    if (v === null || Number.isNaN(v)) { pen = false; continue; }
    v = Math.min(Math.max(v, yLo), yHi);
    d += `${pen ? 'L' : 'M'}${sx(xs[i]).toFixed(1)} ${sy(v).toFixed(1)}`;
    pen = true;
  }
  return d;
}

// legend draws items ({cls, label}) in the plot from (x0, y0) down, on a
// backdrop that keeps them legible over the curves. A label too wide for
// the plot wraps onto more rows; on a projector a name is cut to its part
// before the colon ("Markov chain: fresh ε each step" → "Markov chain";
// the stage's pane labels say the rest).
export function legend(svg, items, x0, y0) {
  const g = svgEl('g', { class: 'legend' });
  svg.append(g);
  const room = G.x1 - (x0 + 28) - 6;
  let row = 0;
  for (const it of items) {
    const label = G.short ? shortName(it.label) : it.label;
    const y = y0 + row * G.line;
    g.append(svgEl('line', { class: it.cls, x1: x0, x2: x0 + 22, y1: y - G.line / 4, y2: y - G.line / 4 }));
    const t = svgEl('text', { x: x0 + 28, y, class: 'legend-text' });
    t.textContent = label;
    g.append(t);
    row += wrap(t, label, room);
  }
  // The backdrop needs the drawn size: none while the plot is not shown.
  let box = null;
  try { box = g.getBBox(); } catch (e) { /* not rendered */ }
  if (box && box.width > 0) {
    g.prepend(svgEl('rect', { class: 'legend-bg', x: box.x - 4, y: box.y - 2, width: box.width + 8, height: box.height + 4, rx: 4 }));
  }
}

// note writes a sentence at the bottom left of the plot area, on a
// backdrop, wrapped to the area's width (rows grow upwards); returns it.
export function note(svg, sentence, cls = 'note-text') {
  const x = G.x0 + 8;
  const t = svgEl('text', { class: cls, x, y: G.y1 - 0.4 * G.font });
  t.textContent = sentence;
  svg.append(t);
  const rows = wrap(t, sentence, G.x1 - G.x0 - 16);
  if (rows > 1) t.setAttribute('y', G.y1 - 0.4 * G.font - (rows - 1) * G.line);
  let box = null;
  try { box = t.getBBox(); } catch (e) { /* not rendered */ }
  if (box && box.width > 0) {
    t.before(svgEl('rect', { class: 'legend-bg', x: box.x - 4, y: box.y - 2, width: box.width + 8, height: box.height + 4, rx: 4 }));
  }
  return t;
}

// shortName is a name's part before its colon.
function shortName(label) {
  const i = label.search(/[:：]\s/);
  return i > 0 ? label.slice(0, i) : label;
}

// wrap breaks the text element t of label into rows of at most room
// units (at spaces), as tspans one line apart; returns the rows. Text
// that is not rendered (no measure) stays on one row.
function wrap(t, label, room) {
  if (!(t.getComputedTextLength && t.getComputedTextLength() > room)) return 1;
  const words = label.split(' ');
  t.textContent = '';
  let rows = 0;
  let span = null;
  for (const word of words) {
    if (span) {
      const before = span.textContent;
      span.textContent = before + ' ' + word;
      if (span.getComputedTextLength() <= room) continue;
      span.textContent = before;
    }
    span = svgEl('tspan', { x: t.getAttribute('x'), dy: rows === 0 ? 0 : G.line });
    span.textContent = word;
    t.append(span);
    rows++;
  }
  return Math.max(rows, 1);
}

// htmlLegend lists [class, label] pairs under a plot, each with a sample
// of its line.
export function htmlLegend(ul, items) {
  ul.replaceChildren(...items.map(([cls, label]) => {
    const key = svgEl('svg', { viewBox: '0 0 28 10', class: 'legend-key', 'aria-hidden': 'true' });
    key.append(svgEl('line', { class: `curve ${cls}`, x1: 0, x2: 28, y1: 5, y2: 5 }));
    const li = el('li', {}, key);
    li.append(label);
    return li;
  }));
}

// plots.js: the small SVG plot library of the instruments: linear and
// log scales, nice ticks, axes with a frame and labels, polylines that
// skip missing values, legends in the plot and under it. Every plot is
// drawn in a 480×300 viewBox with the plot area G.
import { el, svgEl, text } from './dom.js';
import { fmt } from './values.js';

export const G = { x0: 62, x1: 466, y0: 14, y1: 250 }; // plot area in viewBox units

// plotFigure is a figure with its caption (the word key) and an empty
// plot with the given id.
export function plotFigure(id, key) {
  const svg = svgEl('svg', { id, class: 'plot', viewBox: '0 0 480 300', role: 'img' });
  // A figure takes no name from its caption in every browser: name it.
  const fig = el('figure', { class: 'plot-box', 'aria-labelledby': id + '-cap' }, text('figcaption', key, { id: id + '-cap' }), svg);
  svg.setAttribute('aria-labelledby', id + '-cap');
  return fig;
}

// plotSvg is a bare plot (the histogram, the spectrum), named by a word.
export function plotSvg(id, ariaKey) {
  return svgEl('svg', { id, class: 'plot', viewBox: '0 0 480 300', role: 'img', 'data-i18n-aria': ariaKey });
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
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) || 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function logTicks(lo, hi) {
  const out = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.log10(hi) + 1e-9; e++) out.push(Math.pow(10, e));
  if (out.length > 7) return out.filter((_, i) => i % 2 === (out.length - 1) % 2);
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
  const x = scale(o.x[0], o.x[1], G.x0, G.x1, o.xLog);
  const y = scale(o.y[0], o.y[1], G.y1, G.y0, o.yLog);
  const g = svgEl('g', { class: 'axes' });
  const xt = o.xLog ? logTicks(o.x[0], o.x[1]) : niceTicks(o.x[0], o.x[1], 5);
  const yt = o.yLog ? logTicks(o.y[0], o.y[1]) : niceTicks(o.y[0], o.y[1], 4);
  for (const v of yt) {
    g.append(svgEl('line', { class: 'grid', x1: G.x0, x2: G.x1, y1: y(v), y2: y(v) }));
    const t = svgEl('text', { class: 'tick', x: G.x0 - 6, y: y(v) + 5, 'text-anchor': 'end' });
    t.textContent = tickLabel(v, o.yLog);
    g.append(t);
  }
  for (const v of xt) {
    g.append(svgEl('line', { class: 'grid', x1: x(v), x2: x(v), y1: G.y0, y2: G.y1 }));
    const t = svgEl('text', { class: 'tick', x: x(v), y: G.y1 + 20, 'text-anchor': 'middle' });
    t.textContent = tickLabel(v, o.xLog);
    g.append(t);
  }
  g.append(svgEl('rect', { class: 'frame', x: G.x0, y: G.y0, width: G.x1 - G.x0, height: G.y1 - G.y0 }));
  if (o.xLabel) {
    const t = svgEl('text', { class: 'axis-label', x: (G.x0 + G.x1) / 2, y: 294, 'text-anchor': 'middle' });
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

// legend draws items ({cls, label}) in the plot from (x0, y0) down.
export function legend(svg, items, x0, y0) {
  const g = svgEl('g', { class: 'legend' });
  items.forEach((it, i) => {
    const y = y0 + i * 20;
    g.append(svgEl('line', { class: it.cls, x1: x0, x2: x0 + 22, y1: y - 5, y2: y - 5 }));
    const t = svgEl('text', { x: x0 + 28, y, class: 'legend-text' });
    t.textContent = it.label;
    g.append(t);
  });
  svg.append(g);
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

// spectrum.js: the frequency view: radially averaged power spectra
// (log-log) of x_t, x₀, the picture's part ᾱ_t·x₀ and the noise, the
// noise level, and the frequency above which the picture is under the
// noise: fine detail drowns first (Dieleman 2024).
import { el, svgEl, text } from './dom.js';
import { w } from './i18n.js';
import { call } from './bridge.js';
import { G, axes, pathOf, htmlLegend, plotSvg } from './plots.js';
import { fmt } from './values.js';

export const specSvg = plotSvg('spectrum', 'specAria');
const specNotes = el('div', { class: 'hist-notes', id: 'spec-notes' });
const specLegend = el('ul', { class: 'html-legend', id: 'spec-legend' });

// part is the instruments' section of the frequency view.
export const part = el('section', { class: 'inst-part', 'aria-labelledby': 'spec-heading' },
  text('h3', 'specHeading', { id: 'spec-heading' }), specSvg, specLegend, specNotes);

// refresh draws the core's spectrum of the current frame.
export function refresh() {
  const r = call('spectrum');
  const svg = specSvg;
  svg.replaceChildren();
  if (r.freq.length < 2) { // a side under 4 pixels: no spectrum (wasm/app/spectrum.go)
    specLegend.replaceChildren();
    const p = el('p', { id: 'drowned' });
    p.textContent = w('specTooThin');
    specNotes.replaceChildren(p);
    return;
  }
  let lo = Infinity, hi = 0;
  for (const arr of [r.xt, r.x0, r.noise]) for (const v of arr) if (v > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!(hi > 0)) { lo = 1e-6; hi = 1; }
  lo = Math.max(lo, hi * 1e-9);
  lo = Math.pow(10, Math.floor(Math.log10(lo)));
  hi = Math.pow(10, Math.ceil(Math.log10(hi)));
  const sc = axes(svg, { x: [r.freq[0], 0.5], y: [lo, hi], xLog: true, yLog: true, xLabel: w('specFreq') });
  const draw = (arr, cls) => svg.append(svgEl('path', { class: `curve ${cls}`, d: pathOf(r.freq, arr.map((v) => (v > 0 ? v : null)), sc.x, sc.y, lo, hi) }));
  draw(r.x0, 'spec-x0');
  draw(r.signalShare, 'spec-share');
  draw(r.noise, 'spec-noise');
  draw(r.xt, 'spec-xt main');
  if (r.noiseLevel > 0) {
    const y = sc.y(Math.min(Math.max(r.noiseLevel, lo), hi));
    svg.append(svgEl('line', { class: 'level', x1: G.x0, x2: G.x1, y1: y, y2: y }));
  }
  if (r.drowned !== null) {
    const x = sc.x(r.drowned);
    svg.append(svgEl('rect', { class: 'drowned', x, y: G.y0, width: G.x1 - x, height: G.y1 - G.y0 }));
  }
  htmlLegend(specLegend, [['spec-xt', w('specXt')], ['spec-x0', w('specX0')], ['spec-share', w('specShare')],
    ['spec-noise', w('specNoise')], ['level', w('specLevel')]]);
  const notes = [];
  notes.push(r.drowned !== null ? w('drowned', { f: fmt(r.drowned, 3), p: fmt(1 / r.drowned, 3) }) : w('notDrowned'));
  notes.push(w('specNote', { n: r.n }));
  specNotes.replaceChildren(...notes.map((n, i) => { const e = el('p', i === 0 ? { id: 'drowned' } : {}); e.textContent = n; return e; }));
}

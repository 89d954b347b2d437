// panes.js: the names of a comparison's panes (the core reports each
// pane's kind and rectangle) and their labels over the canvas (the
// pictures are drawn by Go; the labels are HTML over them).
import { $, el } from './dom.js';
import { w } from './i18n.js';
import { call } from './bridge.js';
import { scheduleName } from './schedule-plots.js';

const PANE_KEY = {
  closed: 'paneClosed', markov: 'paneMarkov', second: 'paneSecond', wrongsum: 'paneWrongsum', x0: 'paneX0', zscore: 'paneZscore',
  'reverse-xt': 'paneReverseXt', x0hat: 'paneX0Hat', nearest: 'paneNearest',
};

// paneName names a pane of kind in state s.
export function paneName(kind, s) {
  if (kind === 'second') return scheduleName(s.compareSchedule);
  if ((kind === 'closed' || kind === 'markov') && s.compare === 'schedules') return scheduleName(s.schedule);
  if ((kind === 'closed' || kind === 'markov') && s.compare === 'normalise') return w('paneXt');
  return w(PANE_KEY[kind]);
}

// liveLabel names the pane the line under the readouts describes (the
// one that shows x_t, Engine.LiveStats): after it beside another x_t.
export function liveLabel(kind, s) {
  return s.compare === 'none' || s.compare === 'normalise' || !kind ? 'x_t' : `x_t (${paneName(kind, s)})`;
}

const labels = el('div', { class: 'pane-labels', id: 'pane-labels', 'aria-live': 'polite' });
$('stage-box').append(labels);

// refreshLabels puts each pane's name over it.
export function refreshLabels(s) {
  if (s.compare === 'none' && s.direction !== 'reverse') { labels.replaceChildren(); return; }
  const r = call('panes');
  labels.replaceChildren(...r.kinds.map((kind, i) => {
    const rect = r.rects[i];
    const d = el('div', { class: `pane-label pane-${i}` });
    d.textContent = paneName(kind, s);
    d.style.left = `${(rect.x * 100).toFixed(3)}%`;
    d.style.top = `${(rect.y * 100).toFixed(3)}%`;
    d.style.maxWidth = `${(rect.w * 100).toFixed(3)}%`;
    return d;
  }));
}

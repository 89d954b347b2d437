// strip.js: snapshots of x_t at t = 0, T/10, …, T in one row, as in the
// DDPM paper's figures; a click on one sets t.
import { el, text } from './dom.js';
import { w } from './i18n.js';
import { call } from './bridge.js';
import { tryPatch } from './api.js';
import { decodeRGBA } from './values.js';

export const strip = el('div', { class: 'strip', id: 'strip' });
const stripNotes = el('p', { class: 'hint', id: 'strip-notes' });

// part is the instruments' section of the snapshots.
export const part = el('section', { class: 'inst-part', 'aria-labelledby': 'strip-heading' },
  text('h3', 'stripHeading', { id: 'strip-heading' }), strip, stripNotes);

// refresh draws the core's strip of eleven snapshots for state s.
export function refresh(s) {
  const r = call('strip', 11);
  const pictures = decodeRGBA(r.rgba, r.w, r.h, r.steps.length);
  const cells = r.steps.map((t, k) => {
    const c = el('canvas', { width: r.w, height: r.h, class: 'strip-frame' });
    c.getContext('2d').putImageData(pictures[k], 0, 0);
    c.setAttribute('role', 'img');
    c.setAttribute('aria-label', `x_t, t = ${t}`);
    const b = el('button', { type: 'button', class: 'strip-cell', 'aria-label': `t = ${t}` }, c, el('span', {}, `t = ${t}`));
    b.addEventListener('click', () => tryPatch({ playing: false, t }));
    return b;
  });
  strip.replaceChildren(...cells);
  stripNotes.textContent = w('stripNote') + (s.mode === 'markov' ? ' ' + w('stripMarkov') : '');
}

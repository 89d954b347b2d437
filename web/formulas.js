// formulas.js: the lesson's formulas in MathML, each in general and with
// the numbers at t substituted: q(x_t | x_{t−1}), q(x_t | x₀), ᾱ_t as a
// product, and the posterior variance β̃_t.
import { el, text } from './dom.js';
import { fmt } from './values.js';

const MML = 'http://www.w3.org/1998/Math/MathML';

export const formulas = el('div', { class: 'formulas', id: 'formulas' });

// part is the instruments' section of the formulas.
export const part = el('section', { class: 'inst-part', 'aria-labelledby': 'formula-heading' },
  text('h3', 'formulaHeading', { id: 'formula-heading' }), formulas);

function m(tag, ...kids) {
  const e = document.createElementNS(MML, tag);
  e.append(...kids);
  return e;
}
const mi = (s) => m('mi', s), mo = (s) => m('mo', s), mn = (s) => m('mn', s);
const sub = (a, b) => m('msub', typeof a === 'string' ? mi(a) : a, typeof b === 'string' ? (/^[0-9]+$/.test(b) ? mn(b) : mi(b)) : b);
const sqrt = (...k) => m('msqrt', ...k);
const bar = (s) => m('mover', mi(s), mo('¯'));
const row = (...k) => m('mrow', ...k);
const num = (v) => mn(fmt(v, 4));
const xsub = (t) => sub('x', String(t));
const tm1 = (t) => (typeof t === 'number' ? String(t - 1) : row(mi('t'), mo('−'), mn('1')));

// oneMinusAlphaBar is 1 − ᾱ_t as the core computes it (without the
// cancellation of 1 − ᾱ_t for tiny β).
const oneMinusAlphaBar = (r) => r.oneMinusAlphaBar;

// rows are [word key, general formula, formula at t] for readout r at
// step t; alphaBarPrev is ᾱ_{t−1} (1 for t < 2).
function rows(t, r, alphaBarPrev) {
  const out = [];
  const q = (a, b) => row(mi('q'), mo('('), a, mo('|'), b, mo(')'));
  const N = (mean, v) => row(mi('𝒩'), mo('('), mean, mo(','), v, mi('I'), mo(')'));
  // One step.
  out.push(['fOneStep', row(q(sub('x', 't'), sub('x', tm1('t'))), mo('='), N(row(sqrt(sub('α', 't')), sub('x', tm1('t'))), row(mo('('), mn('1'), mo('−'), sub('α', 't'), mo(')')))),
    t >= 1 ? row(q(xsub(t), sub('x', tm1(t))), mo('='), N(row(num(Math.sqrt(r.alpha)), sub('x', tm1(t))), num(r.beta))) : null]);
  // Any step at once.
  const abt = sub(bar('α'), 't');
  out.push(['fClosed', row(q(sub('x', 't'), sub('x', '0')), mo('='), N(row(sqrt(abt), sub('x', '0')), row(mo('('), mn('1'), mo('−'), sub(bar('α'), 't'), mo(')')))),
    row(q(xsub(t), sub('x', '0')), mo('='), N(row(num(r.sqrtAlphaBar), sub('x', '0')), num(oneMinusAlphaBar(r))))]);
  // ᾱ_t as a product.
  const prod = m('munderover', mo('∏'), row(mi('s'), mo('='), mn('1')), mi('t'));
  out.push(['fProduct', row(sub(bar('α'), 't'), mo('='), prod, sub('α', 's'), mo('='), row(mo('('), mn('1'), mo('−'), sub('β', 't'), mo(')')), sub(bar('α'), tm1('t'))),
    t >= 1
      ? row(sub(bar('α'), String(t)), mo('='), row(mo('('), mn('1'), mo('−'), num(r.beta), mo(')')), mo('·'), num(alphaBarPrev), mo('='), num(r.alphaBar))
      : row(sub(bar('α'), '0'), mo('='), mn('1'))]);
  // β̃_t.
  const frac = m('mfrac', row(mn('1'), mo('−'), sub(bar('α'), tm1('t'))), row(mn('1'), mo('−'), sub(bar('α'), 't')));
  out.push(['fPosterior', row(sub(m('mover', mi('β'), mo('~')), 't'), mo('='), frac, sub('β', 't')),
    t >= 1 ? row(sub(m('mover', mi('β'), mo('~')), String(t)), mo('='), m('mfrac', row(mn('1'), mo('−'), num(alphaBarPrev)), row(mn('1'), mo('−'), num(r.alphaBar))), mo('·'), num(r.beta), mo('='), num(r.posteriorVariance)) : null]);
  return out;
}

// refresh writes the formulas for step t, readout r and the schedule
// table (for ᾱ_{t−1}).
export function refresh(t, r, table) {
  const alphaBarPrev = t >= 2 && table ? table.alphaBar[t - 2] : 1;
  formulas.replaceChildren(...rows(t, r, alphaBarPrev).map(([key, general, live]) => {
    const g = m('math', general);
    g.setAttribute('display', 'block');
    const box = el('div', { class: 'formula' }, text('h4', key), g);
    if (live) {
      const l = m('math', live);
      l.setAttribute('display', 'block');
      l.setAttribute('class', 'live');
      box.append(l);
    }
    return box;
  }));
}

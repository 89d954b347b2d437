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

// ---- The reverse direction -------------------------------------------------
// The step the sampler takes at the cursor, in general and with its
// numbers (core reverseStep(): the sampler's own coefficients): for DDPM
// the posterior mean μ̃_t = C0·x̂₀ + Ct·x_t and σ_t², for DDIM Song et
// al.'s eq. 12 with ε̂ and σ. Each number carries data-name, the field of
// reverseStep() it shows.
const named = (v, name) => {
  const e = num(v);
  e.setAttribute('data-name', name);
  return e;
};
const hat = (s) => m('mover', mi(s), mo('^'));
const frac = (a, b) => m('mfrac', a, b);
const par = (...k) => row(mo('('), ...k, mo(')'));
const ab = (t) => sub(bar('α'), t);
const oneMinus = (...k) => row(mn('1'), mo('−'), ...k);

function reverseRows(st) {
  const out = [];
  const f = String(st.from), to = String(st.to);
  // Each use is a new node (a node appended twice would only move).
  const x0h = () => sub(hat('x'), '0'), eps = () => hat('ε');
  if (st.sampler === 'ddpm') {
    const mu = (t) => sub(m('mover', mi('μ'), mo('~')), t);
    const sig = (t) => m('msubsup', mi('σ'), typeof t === 'string' && /^[0-9]+$/.test(t) ? mn(t) : mi(t), mn('2'));
    out.push(['fDDPMStep', row(sub('x', tm1('t')), mo('='), mu('t'), mo('+'), sub('σ', 't'), mi('z')),
      row(xsub(st.to), mo('='), mu(f), mo('+'), named(st.sigma, 'sigma'), mo('·'), mi('z'))]);
    out.push(['fPosteriorMean', row(mu('t'), mo('='), frac(row(sqrt(ab(tm1('t'))), sub('β', 't')), oneMinus(ab('t'))), x0h(), mo('+'),
      frac(row(sqrt(sub('α', 't')), par(oneMinus(ab(tm1('t'))))), oneMinus(ab('t'))), sub('x', 't')),
    row(mu(f), mo('='), named(st.c0, 'c0'), mo('·'), x0h(), mo('+'), named(st.ct, 'ct'), mo('·'), sub('x', f))]);
    const general = st.variance === 'large'
      ? row(sig('t'), mo('='), sub('β', 't'))
      : row(sig('t'), mo('='), sub(m('mover', mi('β'), mo('~')), 't'), mo('='), frac(oneMinus(ab(tm1('t'))), oneMinus(ab('t'))), sub('β', 't'));
    // The numbers in: β̃_t from ᾱ_{t−1} (alphaBarTo: DDPM steps to t − 1),
    // ᾱ_t and β_t. The last step (t = 1) adds no noise: σ₁² = 0.
    let live = row(sig(f), mo('='), named(st.sigma2, 'sigma2'));
    if (st.from > 1 && st.variance === 'large') live = row(sig(f), mo('='), sub('β', f), mo('='), named(st.sigma2, 'sigma2'));
    else if (st.from > 1) {
      live = row(sig(f), mo('='), frac(oneMinus(named(st.alphaBarTo, 'alphaBarTo')), oneMinus(named(st.alphaBar, 'alphaBar'))), mo('·'), named(st.beta, 'beta'), mo('='), named(st.sigma2, 'sigma2'));
    }
    out.push([st.variance === 'large' ? 'fVarianceLarge' : 'fVarianceSmall', general, live]);
    return out;
  }
  // DDIM: t → t'.
  const tp = () => row(mi('t'), mo('′'));
  out.push(['fDDIMStep', row(sub('x', tp()), mo('='), sqrt(ab(tp())), x0h(), mo('+'), sqrt(oneMinus(ab(tp()), mo('−'), m('msup', mi('σ'), mn('2')))), eps(), mo('+'), mi('σ'), mi('z')),
    row(xsub(st.to), mo('='), named(st.coefX0, 'coefX0'), mo('·'), x0h(), mo('+'), named(st.coefEps, 'coefEps'), mo('·'), eps(), mo('+'), named(st.sigma, 'sigma'), mo('·'), mi('z'))]);
  out.push(['fDDIMEps', row(eps(), mo('='), frac(row(sub('x', 't'), mo('−'), sqrt(ab('t')), x0h()), sqrt(oneMinus(ab('t'))))),
    row(eps(), mo('='), frac(row(sub('x', f), mo('−'), named(st.sqrtAlphaBar, 'sqrtAlphaBar'), mo('·'), x0h()), named(st.sqrtOneMinusAlphaBar, 'sqrtOneMinusAlphaBar')))]);
  out.push(['fDDIMSigma', row(mi('σ'), mo('='), mi('η'), sqrt(frac(oneMinus(ab(tp())), oneMinus(ab('t')))), sqrt(oneMinus(frac(ab('t'), ab(tp()))))),
    row(mi('σ'), mo('='), named(st.eta, 'eta'), mo('·'), sqrt(frac(oneMinus(named(st.alphaBarTo, 'alphaBarTo')), oneMinus(named(st.alphaBar, 'alphaBar')))),
      mo('·'), sqrt(oneMinus(frac(num(st.alphaBar), num(st.alphaBarTo)))), mo('='), named(st.sigma, 'sigma'))]);
  return out;
}

// refreshReverse writes the step of reverseStep() st, under a line that
// says which step it is.
export function refreshReverse(st, note) {
  const boxes = reverseRows(st).map(([key, general, live]) => {
    const g = m('math', general);
    g.setAttribute('display', 'block');
    const l = m('math', live);
    l.setAttribute('display', 'block');
    l.setAttribute('class', 'live');
    return el('div', { class: 'formula' }, text('h4', key), g, l);
  });
  const p = el('p', { class: 'formula-step', id: 'formula-step' });
  p.textContent = note;
  formulas.replaceChildren(p, ...boxes);
}

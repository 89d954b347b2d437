// tour.js: the teacher's path: fourteen named stops of the lesson (ten
// forward, four on the way back), or a
// teacher's own path (web/present.js loads it, Go validates it). Each
// stop sets the state, says one sentence and names the one chart it needs
// (wasm/app/path.go's Charts), which presentation mode shows with it.
import { el, text, typingTarget } from './dom.js';
import { w, lang, onLang } from './i18n.js';
import { call, isReady } from './bridge.js';
import { tryPatch } from './api.js';
import { showError } from './errors.js';
import { onKey, pageKeysBound, setLessonRunning } from './keys.js';
import { specSvg } from './spectrum.js';

const STOPS = [
  { id: 't0', chart: 'histogram', patch: () => ({ direction: 'forward', compare: 'none', t: 0 }) },
  { id: 'alphabar', chart: 'alphabar', patch: (s) => ({ direction: 'forward', compare: 'none', t: Math.round(s.T / 4) }) },
  { id: 'cross', chart: 'coef', patch: (s, c) => ({ direction: 'forward', compare: 'none', t: c.crossing === null ? Math.round(s.T / 2) : Math.round(c.crossing) }) },
  { id: 'tT', chart: 'histogram', patch: (s) => ({ direction: 'forward', compare: 'none', t: s.T }) },
  { id: 'residual', chart: 'residual', patch: (s) => ({ direction: 'forward', compare: 'none', t: s.T }) },
  { id: 'modes', chart: 'histogram', patch: (s) => ({ direction: 'forward', compare: 'modes', t: Math.round(s.T / 2) }) },
  { id: 'wrong', chart: 'histogram', patch: (s) => ({ direction: 'forward', compare: 'wrongsum', t: Math.round(s.T / 5) }) },
  { id: 'norm', chart: 'histogram', patch: (s) => ({ direction: 'forward', compare: 'normalise', t: s.T }) },
  { id: 'schedules', chart: 'alphabar', patch: (s) => ({ direction: 'forward', compare: 'schedules', compareSchedule: s.schedule === 'cosine' ? 'linear' : 'cosine', t: Math.round(s.T / 2) }) },
  { id: 'spectrum', chart: 'spectrum', patch: (s) => ({ direction: 'forward', compare: 'none', t: Math.round(s.T / 5) }) },
  // The way back (the reverse direction, computed in the workers).
  { id: 'copies', chart: 'effectiven', patch: (s) => ({ direction: 'reverse', compare: 'none', denoiser: 'ideal', dataset: 'digits', sampler: 'ddim', eta: 0, steps: Math.min(50, s.T), t: 0 }) },
  { id: 'creates', chart: 'histogram', patch: (s) => ({ direction: 'reverse', compare: 'none', denoiser: 'local', dataset: 'digits', sampler: 'ddim', eta: 0, steps: Math.min(10, s.T), t: 0 }) },
  { id: 'fewer', chart: 'effectiven', patch: (s) => ({ direction: 'reverse', compare: 'none', denoiser: 'ideal', dataset: 'digits', sampler: 'ddim', eta: 0, steps: Math.min(10, s.T), t: 0 }) },
  { id: 'loss', chart: 'loss', patch: (s) => ({ direction: 'reverse', compare: 'none', denoiser: 'ideal', dataset: 'digits', sampler: 'ddim', eta: 0, steps: Math.min(50, s.T), t: 0 }) },
];

// The path's part of the page sits under the transport.
const tourName = el('p', { class: 'tour-name', id: 'tour-name' });
const tourText = el('p', { class: 'tour-text', id: 'tour-text' });
const tourPrev = text('button', 'tourPrev', { type: 'button', id: 'tour-prev', 'aria-keyshortcuts': 'P PageUp' });
const tourNext = text('button', 'tourNext', { type: 'button', id: 'tour-next', class: 'primary', 'aria-keyshortcuts': 'N PageDown' });
export const section = el('section', { class: 'tour', id: 'tour', 'aria-labelledby': 'tour-heading' },
  text('h2', 'tourHeading', { id: 'tour-heading' }),
  el('div', { class: 'tour-buttons' }, tourPrev, tourNext),
  // A stop is announced whole: its name and its sentence.
  el('div', { 'aria-live': 'polite', 'aria-atomic': 'true' }, tourName, tourText),
  text('p', 'tourKeys', { class: 'hint' }));
document.querySelector('.stage-area').append(section);

// A teacher's own path: [{state, text: {en, ko}, chart}], or null for the
// built-in one. Going to its stop i applies the patches of stops 1..i in
// one, so that a stop shows the same wherever the walk comes from.
let custom = null;
let stop = -1;
// The lesson runs from the first stop until Escape: while it runs, Page
// Up/Down walk the stops and Home/End set t wherever the focus is (a
// presenter's clicker); otherwise they do only while the stage has the
// focus, and scroll the page as usual.
let lesson = false;
setLessonRunning(() => lesson);
const listeners = [];
const embedded = document.documentElement.classList.contains('embed');

export const count = () => (custom ? custom.length : STOPS.length);
export const index = () => stop;
export const isCustom = () => custom !== null;

function stopPatch(i) {
  // The state's schedule curve carries the crossing, in either direction.
  if (!custom) return STOPS[i].patch(call('getState'), call('scheduleCurves')[0]);
  return Object.assign({}, ...custom.slice(0, i + 1).map((c) => c.state));
}

// info is the current stop's {name, text, chart, id}, or null before the
// first.
export function info() {
  if (stop < 0) return null;
  if (custom) {
    const c = custom[stop];
    return { name: '', text: c.text[lang()] || c.text.en, chart: c.chart };
  }
  const [name, sentence] = w('stops')[STOPS[stop].id];
  return { name, text: sentence, chart: STOPS[stop].chart, id: STOPS[stop].id };
}

// go walks to stop i (clamped) and starts the lesson.
export function go(i) {
  if (!isReady()) return;
  lesson = true;
  stop = Math.min(count() - 1, Math.max(0, i));
  if (tryPatch(Object.assign({ playing: false }, stopPatch(stop)))) {
    const presenting = document.documentElement.classList.contains('presenting');
    if (!custom && STOPS[stop].id === 'spectrum' && !presenting) specSvg.scrollIntoView({ block: 'nearest' });
  }
  show();
}
export const next = () => go(stop + 1);
export const prev = () => go(stop - 1);

// use(stops): walk a teacher's own path (validated by Go), from before
// its first stop; use(null): the built-in path again.
export function use(stops) { custom = stops; stop = -1; show(); }

// onChange(fn): fn() after each stop is shown.
export function onChange(fn) { listeners.push(fn); }

// The lesson runs (binds Page Up/Down and Home/End) while set.
export function setLesson(on) { lesson = on; }

function show() {
  const i = info();
  if (!i) {
    tourName.textContent = w('tourStart');
    tourText.textContent = '';
  } else {
    tourName.textContent = custom ? w('tourOfCustom', { i: stop + 1, n: count() }) : w('tourOf', { i: stop + 1, n: count(), name: i.name });
    tourText.textContent = i.text;
  }
  tourPrev.disabled = stop <= 0;
  tourNext.disabled = stop >= count() - 1;
  for (const fn of listeners) {
    try { fn(); } catch (e) { showError(e); }
  }
}
onLang(show);

tourNext.addEventListener('click', next);
tourPrev.addEventListener('click', prev);

onKey((e) => {
  // An embed shows no teacher's path: its keys are the host page's.
  if (embedded || e.ctrlKey || e.metaKey || e.altKey || typingTarget(e)) return;
  const paging = e.key === 'PageDown' || e.key === 'PageUp';
  if (paging && !pageKeysBound()) return;
  if (e.key === 'n' || e.key === 'N' || e.key === 'PageDown') next();
  else if (e.key === 'p' || e.key === 'P' || e.key === 'PageUp') prev();
  else if (e.key === 'Escape' && lesson) lesson = false; // presentation mode leaves too (web/present.js)
  else return;
  e.preventDefault();
});

show();

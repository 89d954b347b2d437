// controls.js: the labelled HTML controls of the state, built from the
// schema (web/schema.js): each field's control (the element whose id is
// the field's name; the play button for "playing") takes its options,
// min, max, step and default from there, and shows the state of each
// frame. A change patches the state (web/api.js); a refused value shows
// the message and the state's value again.
import { $, presenting } from './dom.js';
import { w, lang, onLang, setLang } from './i18n.js';
import { call, isReady, onStage } from './bridge.js';
import { tryPatch, loadImage } from './api.js';
import { on } from './events.js';
import { showError } from './errors.js';
import { schema, field, applies, onSchema } from './schema.js';
import { menuValues } from './values.js';

// The control of a field. compareSchedule's control switches the
// comparison on itself, so its "when" never disables it.
const control = (name) => (name === 'playing' ? $('play') : $(name));
const SELF_ENABLING = new Set(['compareSchedule']);

// choices(f) are the values f's menu offers, in order.
// A menu of numbers offers the schema's presets inside its range.
function choices(f) {
  return f.options || menuValues(f.presets || [], f.min, f.max, f.default);
}

// choiceLabel is the words of value v of field name; lang's values are
// the languages' own names, numbers stand for themselves.
function choiceLabel(name, v) {
  const group = w('choices')[name === 'compareSchedule' ? 'schedule' : name];
  return (group && group[v]) || String(v);
}

function fillMenu(sel, f) {
  const cur = sel.value;
  sel.replaceChildren(...choices(f).map((v) => {
    const o = document.createElement('option');
    o.value = String(v);
    o.textContent = choiceLabel(f.name, v);
    return o;
  }));
  sel.value = cur !== '' && [...sel.options].some((o) => o.value === cur) ? cur : String(f.default);
}

// build gives every field's control what the schema says of it; before
// the first frame, its default as its value.
function build(s) {
  $('upload').accept = s.upload.formats.map((f) => `image/${f.toLowerCase()}`).join(',');
  for (const f of s.fields) {
    const c = control(f.name);
    if (!c) continue;
    if (c.tagName === 'SELECT') {
      fillMenu(c, f);
    } else if (c.type === 'checkbox') {
      if (!isReady()) c.checked = Boolean(f.default);
    } else if (c.tagName === 'INPUT') {
      const max = f.maxField ? (isReady() ? call('getState')[f.maxField] : field(f.maxField).default) : f.max;
      c.min = String(f.min);
      c.max = String(max);
      c.step = f.step === undefined ? 'any' : String(f.step);
      if (!isReady()) c.value = String(f.default);
    } else if (c === $('play') && !isReady()) {
      c.textContent = f.default ? w('pause') : w('play');
      c.setAttribute('aria-pressed', String(Boolean(f.default)));
    }
  }
}
onSchema(build);

// relabel the menus' options in the new language.
onLang(() => {
  const s = schema();
  if (!s) return;
  for (const f of s.fields) {
    const c = control(f.name);
    if (c && c.tagName === 'SELECT') for (const o of c.options) o.textContent = choiceLabel(f.name, o.value);
  }
  lastPlaying = null;
});

// ---- Showing the state --------------------------------------------------
let lastPlaying = null;
let lastKey = '';

function setIfIdle(c, value) {
  if (document.activeElement !== c && c.value !== String(value)) c.value = String(value);
}

// ensureOption puts value into a menu that lacks it (a speed set by the
// API, say) and selects it.
function ensureOption(sel, f, value) {
  if (![...sel.options].some((o) => o.value === String(value))) {
    if (f.options) fillMenu(sel, f); // a new picture: the core's list has it
    if (![...sel.options].some((o) => o.value === String(value))) {
      const o = document.createElement('option');
      o.value = String(value);
      o.textContent = choiceLabel(f.name, value);
      sel.append(o);
    }
  }
  sel.value = String(value);
}

on('show', ({ frame, force }) => {
  const s = frame.state;
  const tEl = $('t');
  tEl.max = String(s.T);
  if (String(tEl.value) !== String(s.t)) tEl.value = String(s.t);
  tEl.setAttribute('aria-valuetext', `t = ${s.t} / ${s.T}`);
  if (lastPlaying !== s.playing) {
    lastPlaying = s.playing;
    $('play').textContent = s.playing ? w('pause') : w('play');
    $('play').setAttribute('aria-pressed', String(s.playing));
  }
  const key = JSON.stringify({ ...s, t: s.playing ? 0 : s.t });
  if (!force && key === lastKey) return;
  lastKey = key;
  if (lang() !== s.lang) setLang(s.lang);
  for (const f of schema().fields) {
    const c = control(f.name);
    if (!c || f.name === 't' || f.name === 'playing') continue;
    const v = s[f.name];
    if (c.tagName === 'SELECT') {
      ensureOption(c, f, v);
    } else if (c.type === 'checkbox') {
      c.checked = Boolean(v);
    } else {
      setIfIdle(c, v);
    }
    if (!SELF_ENABLING.has(f.name)) c.disabled = !applies(f, s);
  }
});

// ---- Changes --------------------------------------------------------------
function numberOf(c) {
  // An empty or unparsable number input is reported, not guessed.
  if (c.value.trim() === '') return c.validity.badInput ? 'not a number' : 'empty';
  return Number(c.value);
}

// valueOf is the value a control holds, as its field's kind.
function valueOf(f, c) {
  if (c.type === 'checkbox') return c.checked;
  if (f.kind === 'enum') return c.value;
  if (c.tagName === 'SELECT') return Number(c.value);
  return numberOf(c);
}

// The tiny picture is the lesson's 3×32×32 example: it is shown at its
// own size, so each of its 3072 numbers is one visible square. The next
// picture gets back the size the visitor had before (or the default),
// unless they chose another size meanwhile.
let sizeBeforeTiny = null;
function sizeAfterTiny() {
  if (!isReady()) return {};
  const s = call('getState');
  if (s.image !== 'tiny' || s.size !== 32) return {};
  return { size: sizeBeforeTiny || field('size').default };
}

// patchOf is the patch a change of f's control asks for.
function patchOf(f, v) {
  if (f.name === 'compareSchedule') return { compareSchedule: v, compare: 'schedules' };
  if (f.name === 'image') {
    if (v === 'tiny') {
      if (isReady()) sizeBeforeTiny = call('getState').size;
      return { image: v, size: 32 };
    }
    return { image: v, ...sizeAfterTiny() };
  }
  return { [f.name]: v };
}

function wire() {
  $('controls').addEventListener('submit', (e) => e.preventDefault());
  // One listener for every field's control: the schema names the field.
  $('controls').addEventListener('change', (e) => {
    const f = field(e.target.name);
    if (!f || f.name === 't' || f.name === 'lang' || e.target !== control(f.name)) return;
    const ok = tryPatch(patchOf(f, valueOf(f, e.target)));
    // A refused value does not stay in the field (the frame leaves a
    // focused field alone): it shows the state's value again.
    if (!ok && isReady() && e.target.tagName === 'INPUT' && e.target.type !== 'checkbox') {
      e.target.value = String(call('getState')[f.name]);
    }
  });
  // The language switch is in the page's header, outside the form.
  $('lang').addEventListener('change', (e) => {
    if (isReady()) tryPatch({ lang: e.target.value });
    else setLang(e.target.value);
  });
  $('t').addEventListener('input', (e) => tryPatch({ t: Number(e.target.value) }));
  $('play').addEventListener('click', togglePlay);
  $('back').addEventListener('click', () => stepBy(-1));
  $('forward').addEventListener('click', () => stepBy(1));
  $('fullscreen').addEventListener('click', fullscreen);
  $('new-noise').addEventListener('click', () => {
    const seed = crypto.getRandomValues(new Uint32Array(1))[0];
    tryPatch({ seed });
  });
  $('upload').addEventListener('change', (e) => {
    uploadFiles(e.target.files);
    e.target.value = '';
  });
  document.addEventListener('dragover', (e) => { e.preventDefault(); });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    if (e.dataTransfer) uploadFiles(e.dataTransfer.files);
  });
  onStage('drop', uploadFiles);
  document.addEventListener('focusin', showStageFocus);
  document.addEventListener('focusout', () => setTimeout(showStageFocus, 0));
  onStage('focus', showStageFocus);
}

async function uploadFiles(files) {
  if (!files || files.length === 0) return;
  $('stats').textContent = w('uploading');
  const size = sizeAfterTiny();
  try {
    await loadImage(files[0]);
    if (size.size) tryPatch(size);
  } catch (e) {
    showError(e);
  }
}

export function togglePlay() {
  if (!isReady()) return;
  tryPatch({ playing: !call('getState').playing });
}

export function stepBy(k) {
  if (!isReady()) return;
  const s = call('getState');
  tryPatch({ playing: false, t: Math.min(s.T, Math.max(0, s.t + k)) });
}

export function fullscreen() {
  // In presentation mode the whole window goes full screen, else the picture.
  const box = presenting() ? document.documentElement : $('stage-box');
  if (document.fullscreenElement) document.exitFullscreen();
  else if (box.requestFullscreen) box.requestFullscreen().catch((e) => showError(e));
}

// The stage has the keyboard focus when its iframe is the page's active
// element (the canvas or the frame itself inside it).
export function stageHasFocus() {
  return document.activeElement === $('stage');
}

// The stage's focus outline is the stage box's: the canvas inside the
// iframe cannot draw one that shows.
function showStageFocus() {
  $('stage-box').classList.toggle('stage-focus', stageHasFocus());
}

wire();

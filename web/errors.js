// errors.js: the page's error box (role="alert") and the words of an
// error in the page's language. The core reports every refused value
// structured (app.FieldError: its field, an error code, the kind, the
// interval or options, what was given, and the stop of a teacher's path);
// the page fills the template of that code from the schema's message
// table of its language, with the same placeholders as Go's
// FieldError.Message (wasm/app/errors.go). English templates give Go's
// own text; an error without a code (a browser failure, say) shows its
// message as is.
import { $ } from './dom.js';
import { lang, fill } from './i18n.js';
import { schema } from './schema.js';

// num prints a bound as Go's formatNumber does (4294967295, 0.0001).
const num = (x) => (x === undefined || x === null ? '' : String(x));

// interval is "0..1000", "0..T (1000)" or "(0, 1)".
function interval(e) {
  const lo = num(e.min);
  let hi = num(e.max);
  if (e.maxField) hi = e.max === undefined ? e.maxField : `${e.maxField} (${hi})`;
  if (e.minOpen || e.maxOpen) return `${e.minOpen ? '(' : '['}${lo}, ${hi}${e.maxOpen ? ')' : ']'}`;
  return `${lo}..${hi}`;
}

// params are the values of a message's placeholders for e in language l.
function params(e, l, words) {
  const options = Array.isArray(e.options) ? e.options : [];
  const n = options.length;
  return {
    ...(e.args || {}),
    field: e.field || '',
    kind: words[e.kind] || '',
    interval: interval(e),
    min: num(e.min),
    max: num(e.max),
    other: e.other || '',
    options: options.join(', '),
    optionsOr: n < 2 ? options.join('') : `${options.slice(0, -1).join(', ')} ${words.or} ${options[n - 1]}`,
    got: e.got === undefined ? '' : String(e.got),
  };
}

// errorText is e's message in the page's language. inPath: e refused a
// teacher's path (the file as a whole when it names no stop).
export function errorText(e, inPath) {
  const msg = String((e && e.message) || e);
  const s = schema();
  const l = lang();
  if (!e || !e.code || !s || l === 'en') return msg;
  const template = s.messages[l] && s.messages[l][e.code];
  if (!template) return msg;
  const text = fill(template, params(e, l, s.words[l]));
  const prefixes = s.prefixes[l];
  if (e.stop) return fill(prefixes.stop, { n: e.stop }) + text;
  return inPath ? prefixes.path + text : text;
}

// MAX_SHOWN bounds the box when errors come in a flood; a link with nine
// bad parameters still shows all nine.
const MAX_SHOWN = 24;

// showError puts e's message (after prefix, if any) at the top of the
// box and lets it go after 12 s. Beyond MAX_SHOWN the oldest go first.
export function showError(e, prefix, inPath) {
  const box = $('errors');
  const p = document.createElement('p');
  p.textContent = (prefix ? `${prefix}: ` : '') + errorText(e, inPath);
  box.prepend(p);
  while (box.children.length > MAX_SHOWN) box.lastChild.remove();
  setTimeout(() => p.remove(), 12000);
}

// refusal is a FieldError made on the page (a value refused before it
// reaches the core): an Error with Go's English message for its code and
// the same structured fields as the core's refusals.
export function refusal(e) {
  const s = schema();
  const err = new Error(fill(s.messages.en[e.code], params(e, 'en', s.words.en)));
  return Object.assign(err, e);
}

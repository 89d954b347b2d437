// errors.js: the page's error box (role="alert") and the words of an
// error in the page's language. The core reports every refused value with
// its field and an error code (and min, max, options, got where they
// apply); the page fills the template of that code from the schema's
// message table of its language. English templates give Go's own text; an
// error without a code (a browser failure, say) shows its message as is.
import { $ } from './dom.js';
import { lang, fill } from './i18n.js';
import { schema, field } from './schema.js';

// interval is "0..1000", or "(0, 1)" for an open interval.
function interval(e, f) {
  if (e.min === undefined || e.max === undefined) return '';
  if (f && (f.minOpen || f.maxOpen)) return `${f.minOpen ? '(' : '['}${e.min}, ${e.max}${f.maxOpen ? ')' : ']'}`;
  return `${e.min}..${e.max}`;
}

// errorText is e's message in the page's language.
export function errorText(e) {
  const msg = String((e && e.message) || e);
  const s = schema();
  const l = lang();
  if (!e || !e.code || !s || !s.messages || l === 'en') return msg;
  const template = s.messages[l] && s.messages[l][e.code];
  if (!template) return msg;
  const f = field(e.field);
  const words = (s.words && s.words[l]) || {};
  return fill(template, {
    field: e.field === undefined ? '' : e.field,
    kind: f ? words[f.kind] || f.kind : '',
    interval: interval(e, f),
    min: e.min === undefined ? '' : e.min,
    max: e.max === undefined ? '' : e.max,
    options: Array.isArray(e.options) ? e.options.join(', ') : '',
    got: e.got === undefined ? '' : e.got,
  });
}

// showError puts e's message (after prefix, if any) at the top of the
// box, keeps four, and lets each go after 12 s.
export function showError(e, prefix) {
  const box = $('errors');
  const p = document.createElement('p');
  p.textContent = (prefix ? `${prefix}: ` : '') + errorText(e);
  box.prepend(p);
  while (box.children.length > 4) box.lastChild.remove();
  setTimeout(() => p.remove(), 12000);
}

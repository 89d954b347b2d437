// i18n.js: the page's language and its words. Each language has one
// catalogue keyed by id (web/words-en.json, web/words-ko.json); a word
// with {name} placeholders is a template, filled by w(key, params).
// Elements carry the id of their words (data-i18n for the text,
// data-i18n-aria, -title, -alt for attributes) and are relabelled when
// the language changes. Error messages come from the core's message
// tables instead (web/errors.js).

export const LANGUAGES = ['en', 'ko'];

async function load(l) {
  try {
    const resp = await fetch(new URL(`words-${l}.json`, import.meta.url));
    if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
    return await resp.json();
  } catch (e) {
    console.error(`the ${l} words did not load: ${e.message || e}`);
    return {};
  }
}

// Every module that shows words imports this one: they all run once the
// catalogues are here.
const catalogues = Object.fromEntries(await Promise.all(LANGUAGES.map(async (l) => [l, await load(l)])));

let current = 'en';
const listeners = [];

export function lang() { return current; }

// fill puts params into a template's {name} placeholders (other braces,
// such as x_{t−1}, stay).
export function fill(template, params) {
  return template.replace(/\{(\w+)\}/g, (m, k) => (Object.hasOwn(params, k) ? String(params[k]) : m));
}

// w(key) is the word in the page's language (English where Korean has
// none); w(key, params) fills its template.
export function w(key, params) {
  let v = catalogues[current][key];
  if (v === undefined) v = catalogues.en[key];
  if (v === undefined) return key;
  return params && typeof v === 'string' ? fill(v, params) : v;
}

// relabel gives every element under root the words of its data-i18n ids.
export function relabel(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    const v = w(el.dataset.i18n);
    if (typeof v === 'string') el.textContent = v;
  }
  for (const el of root.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', w(el.dataset.i18nAria));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = w(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-alt]')) el.alt = w(el.dataset.i18nAlt);
}

// setLang makes l the page's language, relabels the page and tells the
// onLang listeners.
export function setLang(l) {
  current = LANGUAGES.includes(l) ? l : 'en';
  document.documentElement.lang = current;
  relabel();
  for (const fn of listeners) {
    try { fn(current); } catch (e) { console.error(e); }
  }
}

// onLang(fn): fn(lang) after each setLang.
export function onLang(fn) { listeners.push(fn); }

// The language before the core says (its state's lang): the URL's, else
// the browser's.
export function startLang() {
  const l = new URLSearchParams(location.search).get('lang') || ((navigator.language || '').toLowerCase().startsWith('ko') ? 'ko' : 'en');
  return LANGUAGES.includes(l) ? l : 'en';
}

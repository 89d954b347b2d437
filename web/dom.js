// dom.js: building elements. el() and svgEl() make elements from
// attributes and children; text() makes one labelled by a word id
// (web/i18n.js relabels it when the language changes).
import { w } from './i18n.js';

export const $ = (id) => document.getElementById(id);

const SVG = 'http://www.w3.org/2000/svg';

// el(tag, attrs, ...kids): attrs' class sets the class, i18n and i18nAria
// the word ids of the text and the aria-label, the rest are attributes.
export function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k === 'i18n') e.dataset.i18n = v;
    else if (k === 'i18nAria') e.dataset.i18nAria = v;
    else e.setAttribute(k, v);
  }
  e.append(...kids);
  return e;
}

export function svgEl(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

// text(tag, key, attrs): an element showing the word key.
export function text(tag, key, attrs) {
  const e = el(tag, Object.assign({ i18n: key }, attrs || {}));
  e.textContent = w(key);
  return e;
}

// checkbox(id, key, checked): a labelled checkbox, as the page's others.
export function checkbox(id, key, checked) {
  const box = el('input', { type: 'checkbox', id, name: id });
  box.checked = checked;
  return el('label', { class: 'check' }, box, ' ', text('span', key));
}

// The keys a focused control keeps for itself (typing, moving a slider).
export function typingTarget(e) {
  const tag = e.target && e.target.tagName;
  return tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA';
}

// presenting says whether presentation mode (web/present.js) shows.
export const presenting = () => document.documentElement.classList.contains('presenting');

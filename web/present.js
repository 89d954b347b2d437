// present.js: presentation mode, for a projector. One key (L) or the
// "Start the lesson" button turns the page into one full-window view of
// the teacher's path: the picture (or panes), t and the numbers that
// matter, the stop's sentence in large type and the one chart the stop
// needs. The chart is the instruments' own element (web/instruments.js),
// placed by web/present.css; only the residual view (x_T beside √ᾱ_T·x₀,
// magnified) is drawn here, from Go's pixels. ←/→ (↑/↓), Page Up/Down (a
// clicker), N/P and a sideways swipe walk the stops; Esc leaves; Tab moves
// on as everywhere.
//
// It also loads a teacher's own path: ?path=lessons/my.json (a file on the
// page's own origin) or the file picker under the teacher's path. Go
// validates it (validatePath: setState's validation, stop by stop), and a
// refused path leaves the previous one in place.
'use strict';

(function () {
  const page = window.dissolvePage;
  if (!page || !page.tour) return;
  const tour = page.tour;
  const $ = (id) => document.getElementById(id);
  const w = page.w;
  const fmt = page.fmt;
  const root = document.documentElement;
  const embedded = root.classList.contains('embed');

  page.words({
    en: {
      presentLabel: 'Presentation mode',
      presentPrev: '◀ Previous', presentNext: 'Next ▶', presentExit: 'Leave (Esc)',
      presentCount: (i, n) => `${i} / ${n}`,
      residualCaption: (a, g) => `x_T = √ᾱ_T·x₀ + √(1−ᾱ_T)·ε with √ᾱ_T = ${a}`,
      residualXT: 'x_T', residualPart: '√ᾱ_T·x₀', residualBig: (g) => `√ᾱ_T·x₀ × ${g}`,
      residualAria: (a, g) => `Three pictures: x_T; the picture's part √ᾱ_T·x₀ in it (√ᾱ_T = ${a}), almost flat grey; and that part magnified ${g} times, where the picture shows.`,
      pathLoad: 'Load a teacher\'s path (JSON)',
      pathBuiltin: 'Back to the built-in path',
      pathLoaded: (n, name) => `A path of ${n} stops from ${name}: press “Start the lesson” or L.`,
      pathBuiltinNow: (n) => `The built-in path (${n} stops).`,
      pathOrigin: (origin, got) => `path: must be a file on this page's origin (${origin}), got ${got}`,
      pathFetch: (url, why) => `path: could not load ${url} (${why})`,
      pathNotText: 'path: the file is not text',
    },
    ko: {
      presentLabel: '발표 모드',
      presentPrev: '◀ 이전', presentNext: '다음 ▶', presentExit: '나가기 (Esc)',
      presentCount: (i, n) => `${i} / ${n}`,
      residualCaption: (a, g) => `x_T = √ᾱ_T·x₀ + √(1−ᾱ_T)·ε, √ᾱ_T = ${a}`,
      residualXT: 'x_T', residualPart: '√ᾱ_T·x₀', residualBig: (g) => `√ᾱ_T·x₀ × ${g}`,
      residualAria: (a, g) => `세 그림: x_T; 그 안의 그림 몫 √ᾱ_T·x₀ (√ᾱ_T = ${a}), 거의 평평한 회색; 그 몫을 ${g}배 확대한 것, 그림이 보입니다.`,
      pathLoad: '수업 순서 파일 불러오기 (JSON)',
      pathBuiltin: '기본 수업 순서로',
      pathLoaded: (n, name) => `${name}에서 ${n}단계 순서를 불러왔습니다: “수업 시작” 또는 L을 누르세요.`,
      pathBuiltinNow: (n) => `기본 수업 순서 (${n}단계).`,
      pathOrigin: (origin, got) => `경로: 이 페이지와 같은 출처(${origin})의 파일이어야 합니다 (받은 값: ${got})`,
      pathFetch: (url, why) => `경로: ${url}을(를) 불러올 수 없습니다 (${why})`,
      pathNotText: '경로: 파일이 텍스트가 아닙니다',
    },
  });

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'i18n') e.dataset.i18n = v;
      else e.setAttribute(k, v);
    }
    e.append(...kids);
    return e;
  }
  function text(tag, key, attrs) {
    const e = el(tag, Object.assign({ i18n: key }, attrs || {}));
    e.textContent = w(key);
    return e;
  }

  // ---- The view --------------------------------------------------------------
  const numbers = el('p', { class: 'present-numbers', id: 'present-numbers' });
  const count = el('p', { class: 'present-count', id: 'present-count' });
  const sentence = el('p', { class: 'present-text', id: 'present-text' });
  const prev = text('button', 'presentPrev', { type: 'button', id: 'present-prev', 'aria-keyshortcuts': 'ArrowLeft PageUp' });
  const next = text('button', 'presentNext', { type: 'button', id: 'present-next', class: 'primary', 'aria-keyshortcuts': 'ArrowRight PageDown' });
  const exit = text('button', 'presentExit', { type: 'button', id: 'present-exit', 'aria-keyshortcuts': 'Escape' });
  // The stop's chart is moved into the slot while it is shown (and back to
  // its place among the instruments after): the instruments keep drawing it.
  const slot = el('div', { class: 'present-slot', id: 'present-slot' });
  const panel = el('section', { class: 'present', id: 'present', 'aria-labelledby': 'present-count' },
    el('div', { class: 'present-side' }, numbers, slot),
    el('div', { class: 'present-band' },
      // A stop is announced whole: where it is and its sentence.
      el('div', { 'aria-live': 'polite', 'aria-atomic': 'true' }, count, sentence),
      el('div', { class: 'present-buttons' }, prev, next, exit)));
  panel.hidden = true;
  document.body.append(panel);

  // The residual view: x_T, √ᾱ_T·x₀ as it is in x_T, and magnified.
  const resCanvas = el('canvas', { class: 'residual-canvas', id: 'residual-canvas', role: 'img' });
  const resLabels = el('div', { class: 'residual-labels' });
  const resCaption = el('figcaption', { id: 'residual-caption' });
  const residual = el('figure', { class: 'residual-view', id: 'residual-view', 'aria-labelledby': 'residual-caption' }, resCanvas, resLabels, resCaption);
  document.body.append(residual);
  let residualKey = '';
  function drawResidual(s) {
    const key = [s.image, s.size, s.seed, s.schedule, s.T, s.betaStart, s.betaEnd, s.zeroTerminalSNR, page.lang()].join('|');
    if (key === residualKey) return;
    residualKey = key;
    const r = page.call('residual');
    const gap = Math.max(2, Math.round(r.w / 16));
    resCanvas.width = 3 * r.w + 2 * gap;
    resCanvas.height = r.h;
    const ctx = resCanvas.getContext('2d');
    ctx.clearRect(0, 0, resCanvas.width, resCanvas.height);
    const bin = atob(r.rgba);
    const size = r.w * r.h * 4;
    for (let k = 0; k < 3; k++) {
      const bytes = new Uint8ClampedArray(size);
      for (let i = 0; i < size; i++) bytes[i] = bin.charCodeAt(k * size + i);
      ctx.putImageData(new ImageData(bytes, r.w, r.h), k * (r.w + gap), 0);
    }
    const a = fmt(r.sqrtAlphaBarT, 3);
    resLabels.replaceChildren(...[w('residualXT'), w('residualPart'), w('residualBig')(r.gain)].map((t) => el('span', {}, t)));
    resCaption.textContent = w('residualCaption')(a, r.gain);
    resCanvas.setAttribute('aria-label', w('residualAria')(a, r.gain));
  }

  // ---- Entering and leaving ------------------------------------------------------
  let opener = null;
  let chartEl = null;
  let chartHome = null; // a comment where chartEl lives outside presentation mode
  function placeChart(target) {
    if (chartEl === target) return;
    if (chartEl) {
      chartEl.classList.remove('present-chart');
      if (chartHome) chartHome.replaceWith(chartEl);
    }
    chartEl = target;
    chartHome = null;
    if (chartEl) {
      chartHome = document.createComment('presentation mode shows this chart');
      chartEl.replaceWith(chartHome);
      chartEl.classList.add('present-chart');
      slot.append(chartEl);
    }
  }
  const presenting = () => root.classList.contains('presenting');

  function enter() {
    if (embedded || presenting()) return;
    if (!page.isReady()) {
      // Before the wasm runs: as soon as it does.
      window.ddpm.ready.then(enter);
      return;
    }
    opener = document.activeElement;
    tour.enableInstruments();
    root.classList.add('presenting');
    panel.hidden = false;
    tour.setLesson(true);
    if (tour.index() < 0) tour.go(0);
    else show();
    next.focus();
  }
  function leave() {
    if (!presenting()) return;
    root.classList.remove('presenting');
    panel.hidden = true;
    tour.setLesson(false);
    placeChart(null);
    delete root.dataset.chart;
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    const back = opener && document.contains(opener) && opener !== document.body ? opener : $('start-lesson');
    if (back && back.focus) back.focus();
  }

  function show() {
    if (!presenting()) return;
    const info = tour.info();
    const i = tour.index();
    count.textContent = w('presentCount')(i + 1, tour.count()) + (info && info.name ? ` · ${info.name}` : '');
    sentence.textContent = info ? info.text : '';
    // A button that becomes disabled would drop the focus to the page.
    const had = document.activeElement;
    prev.disabled = i <= 0;
    next.disabled = i >= tour.count() - 1;
    if (had === next && next.disabled) prev.focus();
    else if (had === prev && prev.disabled) next.focus();
    const chart = info ? info.chart : 'none';
    const target = chart === 'residual' ? residual : tour.chartElement(chart);
    placeChart(target || null);
    root.dataset.chart = chart;
    if (chart === 'residual') { residualKey = ''; drawResidual(page.call('getState')); }
    if (chart !== 'none' && window.dissolveInstruments) window.dissolveInstruments.refreshAll();
  }
  tour.onChange(show);
  page.on('lang', () => { residualKey = ''; show(); });
  page.on('frame', (frame) => {
    if (!presenting()) return;
    const s = frame.state, r = frame.readout;
    numbers.replaceChildren(
      el('span', {}, 't = ', el('b', {}, `${s.t} / ${s.T}`)),
      el('span', {}, '√ᾱ_t = ', el('b', {}, fmt(r.sqrtAlphaBar, 4))),
      el('span', {}, '√(1−ᾱ_t) = ', el('b', {}, fmt(r.sqrtOneMinusAlphaBar, 4))));
    if (root.dataset.chart === 'residual') drawResidual(s);
  });

  prev.addEventListener('click', () => tour.prev());
  next.addEventListener('click', () => tour.next());
  exit.addEventListener('click', leave);
  const start = $('start-lesson');
  if (start) start.addEventListener('click', enter);

  // ---- Keys ---------------------------------------------------------------------------
  // The page's own bindings (web/app.js) leave the arrows to presentation
  // mode while it runs.
  const ARROWS = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
  function ours(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    const tag = e.target && e.target.tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return false;
    return presenting() && e.key in ARROWS;
  }
  page.presentation({ key: ours, active: presenting });
  function onKey(e) {
    if (embedded) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const tag = e.target && e.target.tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
    if (e.key === 'l' || e.key === 'L') {
      if (presenting()) leave(); else enter();
    } else if (ours(e)) {
      if (ARROWS[e.key] > 0) tour.next(); else tour.prev();
    } else if (e.key === 'Escape' && presenting()) {
      leave();
    } else {
      return;
    }
    e.preventDefault();
  }
  document.addEventListener('keydown', onKey);
  if (window.dissolveHost && typeof window.dissolveHost.key === 'function') {
    const relay = window.dissolveHost.key;
    window.dissolveHost.key = (e) => { relay(e); onKey(e); };
  }

  // ---- Swipe --------------------------------------------------------------------------
  // A sideways swipe anywhere on the page's part of the view (the canvas
  // keeps its own drag, which scrubs t): left for the next stop.
  let touch = null;
  document.addEventListener('touchstart', (e) => {
    if (!presenting() || e.touches.length !== 1) { touch = null; return; }
    touch = { x: e.touches[0].clientX, y: e.touches[0].clientY };
  }, { passive: true });
  // A sideways swipe is ours, not the browser's (whose swipe goes back in
  // the history).
  document.addEventListener('touchmove', (e) => {
    if (!touch || !presenting() || e.touches.length !== 1) return;
    const dx = e.touches[0].clientX - touch.x, dy = e.touches[0].clientY - touch.y;
    if (Math.abs(dx) > Math.abs(dy) && e.cancelable) e.preventDefault();
  }, { passive: false });
  document.addEventListener('touchend', (e) => {
    if (!touch || !presenting() || e.changedTouches.length < 1) return;
    const dx = e.changedTouches[0].clientX - touch.x;
    const dy = e.changedTouches[0].clientY - touch.y;
    touch = null;
    if (Math.abs(dx) < 50 || Math.abs(dx) < 1.5 * Math.abs(dy)) return;
    if (dx < 0) tour.next(); else tour.prev();
  });

  // ---- A teacher's own path ----------------------------------------------------------------
  const pathFile = el('input', { type: 'file', id: 'path-file', name: 'path-file', accept: 'application/json,.json' });
  const pathBuiltin = text('button', 'pathBuiltin', { type: 'button', id: 'path-builtin' });
  const pathStatus = el('p', { class: 'hint', id: 'path-status', role: 'status' });
  const tourBox = $('tour');
  if (tourBox) {
    tourBox.append(el('div', { class: 'path-load' }, text('label', 'pathLoad', { for: 'path-file' }), pathFile, pathBuiltin), pathStatus);
  }
  pathBuiltin.hidden = true;

  // usePath validates text with Go and walks it, or reports the fault (the
  // stop and the field) and keeps the path there was.
  function usePath(textOfFile, name) {
    let out;
    try {
      out = page.call('validatePath', textOfFile);
    } catch (e) {
      page.showError(e.message);
      pathStatus.textContent = page.translate(e.message);
      pathStatus.classList.add('path-error');
      return false;
    }
    tour.use(out.stops);
    pathBuiltin.hidden = false;
    pathStatus.classList.remove('path-error');
    pathStatus.textContent = w('pathLoaded')(out.stops.length, name);
    return true;
  }
  function pathFault(msg) {
    page.showError(msg);
    pathStatus.textContent = msg;
    pathStatus.classList.add('path-error');
  }
  pathFile.addEventListener('change', async () => {
    const f = pathFile.files && pathFile.files[0];
    pathFile.value = '';
    if (!f) return;
    await window.ddpm.ready;
    let t;
    try { t = await f.text(); } catch (e) { pathFault(w('pathNotText')); return; }
    usePath(t, f.name);
  });
  pathBuiltin.addEventListener('click', () => {
    tour.use(null);
    pathBuiltin.hidden = true;
    pathStatus.classList.remove('path-error');
    pathStatus.textContent = w('pathBuiltinNow')(tour.count());
  });

  // ?path=… names a file on the page's own origin; any other is refused
  // before a request is made.
  async function pathFromURL() {
    const param = new URLSearchParams(location.search).get('path');
    if (param === null || embedded) return;
    let url;
    try { url = new URL(param, location.href); } catch (e) { url = null; }
    if (!url || url.origin !== location.origin || !/^https?:$/.test(url.protocol)) {
      pathFault(w('pathOrigin')(location.origin, param));
      return;
    }
    let body;
    try {
      const resp = await fetch(url, { credentials: 'same-origin', redirect: 'error' });
      if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
      body = await resp.text();
    } catch (e) {
      pathFault(w('pathFetch')(url.pathname, e.message || String(e)));
      return;
    }
    usePath(body, url.pathname.split('/').pop());
  }
  page.on('ready', () => { pathFromURL(); });
})();

// app.js is the page around the canvas: labelled HTML controls, readouts,
// keyboard shortcuts, uploads, error messages, and the public window.ddpm
// API. The numbers all come from the Go core (window.dissolveCore inside
// the stage iframe); this file only shows them and forwards requests.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);

  // ---- Words, in English and Korean ------------------------------------
  const WORDS = {
    en: {
      title: 'dissolve',
      lede: 'A picture x₀ dissolves into Gaussian noise x_T, one step of DDPM\'s forward process at a time. Every number is computed in your browser.',
      language: 'Language', stageHeading: 'The picture x_t',
      stageTitle: 'The picture x_t as it dissolves into noise (drag sideways to scrub t)',
      play: 'Play', pause: 'Pause', stepBack: 'One step back', stepForward: 'One step forward',
      timeStep: 'time step t', fullscreen: 'Fullscreen',
      scheduleLegend: 'Noise schedule', schedule: 'Schedule', linear: 'linear (the lesson)',
      scaledLinear: 'scaled linear', cosine: 'cosine', sigmoid: 'sigmoid', steps: 'Steps T',
      betaStart: '(start)', betaEnd: '(end)', zeroSNR: 'zero terminal SNR (ᾱ_T = 0)',
      noiseLegend: 'Noise', mode: 'Mode', modeClosed: 'closed form: one ε for every t',
      modeMarkov: 'Markov chain: fresh ε each step', speed: 'Speed (steps per second)',
      seed: 'Seed', newNoise: 'New noise', pictureLegend: 'Picture x₀', picture: 'Picture',
      upload: 'Your own picture (stays on your device)',
      dropHint: '…or drop a picture anywhere on the page.',
      size: 'Processing size (longer side, pixels)',
      explainHeading: 'What you are looking at',
      explain1: 'An image is a vector of 3·H·W numbers in [−1, 1]. Each step of the forward process shrinks it a little and adds a little Gaussian noise: x_t = √α_t x_{t−1} + √(1−α_t) ε. After t steps the two add up to x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε, where ᾱ_t = α₁α₂…α_t.',
      explain2: 'With the lesson\'s schedule (β from 0.0001 to 0.02, T = 1000), ᾱ_T ≈ 0.0000404: x_T is close to N(0, I), but √ᾱ_T ≈ 0.00635 of the picture is still there.',
      lede2: 'Over the picture: the step t, and √ᾱ_t, how much of the picture is left (1 at t = 0, 0.006 at t = T).',
      startLesson: 'Start the lesson',
      stillAlt: 'x₀, the picture before any noise',
      loadingStill: 'Loading…',
      loadingSize: (mb) => `Loading (${mb} MB)…`,
      keys: 'Keys: Space play/pause · ←/→ one step (Shift: ten) · F fullscreen · Home/End t = 0 / T while the picture has the focus · L presentation mode (←/→, Page Up/Down or a swipe walk the stops; Esc leaves).',
      footer: 'Runs entirely in your browser: Go compiled to WebAssembly, drawn with Ebiten. Nothing you upload leaves your device.',
      images: { astronaut: 'astronaut (photo)', cat: 'cat (photo)', coffee: 'coffee (photo)', tiny: 'tiny 32×32 (like CIFAR-10)', gradient: 'gradient', checkerboard: 'checkerboard', text: 'text', upload: 'your picture' },
      stats: (s, name) => `${name}: mean ${fmt(s.mean, 3)} · std ${fmt(s.std, 3)} · min ${fmt(s.min, 3)} · max ${fmt(s.max, 3)} · KS distance to N(0,1) ${fmt(s.ks, 3)}`,
      live: (r) => `t ${r.t} of ${r.T}, alpha bar ${fmt(r.alphaBar, 4)}, signal-to-noise ratio ${fmt(r.snr, 3)}`,
      loading: 'Loading the simulation…',
      uploading: 'Decoding your picture…',
      notReady: 'the simulation is not ready yet: await window.ddpm.ready first',
      urlProblem: 'URL parameter ignored',
    },
    ko: {
      title: 'dissolve',
      lede: '그림 x₀가 DDPM 순방향 과정을 한 단계씩 거치며 가우시안 노이즈 x_T로 녹아듭니다. 모든 숫자는 브라우저에서 계산됩니다.',
      language: '언어', stageHeading: '그림 x_t',
      stageTitle: '노이즈로 녹아드는 그림 x_t (옆으로 끌어서 t 이동)',
      play: '재생', pause: '일시정지', stepBack: '한 단계 뒤로', stepForward: '한 단계 앞으로',
      timeStep: '시간 단계 t', fullscreen: '전체 화면',
      scheduleLegend: '노이즈 스케줄', schedule: '스케줄', linear: '선형 (강의)',
      scaledLinear: '스케일드 선형', cosine: '코사인', sigmoid: '시그모이드', steps: '단계 수 T',
      betaStart: '(시작)', betaEnd: '(끝)', zeroSNR: '최종 SNR 0 (ᾱ_T = 0)',
      noiseLegend: '노이즈', mode: '방식', modeClosed: '닫힌 형태: 모든 t에 같은 ε',
      modeMarkov: '마르코프 체인: 매 단계 새 ε', speed: '속도 (초당 단계)',
      seed: '시드', newNoise: '새 노이즈', pictureLegend: '그림 x₀', picture: '그림',
      upload: '내 그림 (기기 밖으로 나가지 않음)',
      dropHint: '…또는 페이지 아무 곳에나 그림을 끌어다 놓으세요.',
      size: '처리 크기 (긴 변, 픽셀)',
      explainHeading: '지금 보고 있는 것',
      explain1: '이미지는 [−1, 1] 범위의 숫자 3·H·W개로 이루어진 벡터입니다. 순방향 과정의 한 단계는 이미지를 조금 줄이고 가우시안 노이즈를 조금 더합니다: x_t = √α_t x_{t−1} + √(1−α_t) ε. t 단계를 거치면 x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε 이고, ᾱ_t = α₁α₂…α_t 입니다.',
      explain2: '강의의 스케줄(β는 0.0001에서 0.02까지, T = 1000)에서 ᾱ_T ≈ 0.0000404 입니다: x_T는 N(0, I)에 가깝지만, 그림의 √ᾱ_T ≈ 0.00635 만큼은 아직 남아 있습니다.',
      lede2: '그림 위에: 단계 t와, 그림이 얼마나 남았는지를 나타내는 √ᾱ_t (t = 0에서 1, t = T에서 0.006).',
      startLesson: '수업 시작',
      stillAlt: 'x₀, 노이즈를 더하기 전의 그림',
      loadingStill: '불러오는 중…',
      loadingSize: (mb) => `불러오는 중 (${mb} MB)…`,
      keys: '키: Space 재생/일시정지 · ←/→ 한 단계 (Shift: 열 단계) · F 전체 화면 · 그림에 포커스가 있을 때 Home/End t = 0 / T · L 발표 모드 (←/→, Page Up/Down 또는 밀기로 단계 이동, Esc로 나가기).',
      footer: '모두 브라우저에서 실행됩니다: WebAssembly로 컴파일한 Go, Ebiten으로 그립니다. 올린 그림은 기기 밖으로 나가지 않습니다.',
      images: { astronaut: '우주비행사 (사진)', cat: '고양이 (사진)', coffee: '커피 (사진)', tiny: '작은 32×32 (CIFAR-10처럼)', gradient: '그라데이션', checkerboard: '체커보드', text: '글자', upload: '내 그림' },
      stats: (s, name) => `${name}: 평균 ${fmt(s.mean, 3)} · 표준편차 ${fmt(s.std, 3)} · 최소 ${fmt(s.min, 3)} · 최대 ${fmt(s.max, 3)} · N(0,1)과의 KS 거리 ${fmt(s.ks, 3)}`,
      live: (r) => `t ${r.t} / ${r.T}, 알파 바 ${fmt(r.alphaBar, 4)}, 신호 대 잡음비 ${fmt(r.snr, 3)}`,
      loading: '시뮬레이션을 불러오는 중…',
      uploading: '그림을 해독하는 중…',
      notReady: '시뮬레이션이 아직 준비되지 않았습니다: 먼저 window.ddpm.ready를 기다리세요',
      urlProblem: 'URL 매개변수를 무시했습니다',
    },
  };
  let lang = 'en';
  const w = (key) => (WORDS[lang] && WORDS[lang][key] !== undefined ? WORDS[lang][key] : WORDS.en[key]);

  function fmt(x, digits) {
    if (x === null || x === undefined || Number.isNaN(x)) return '–';
    if (x === Infinity) return '∞';
    if (x === -Infinity) return '−∞';
    if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) return x.toExponential(digits - 1).replace(/-/g, '−');
    return Number(x.toPrecision(digits)).toString().replace('-', '−');
  }

  // Listeners of the page's extension scripts (see window.dissolvePage).
  // frame: each animation frame ({state, readout, changed}); ready: the
  // first frame (the state); lang: a new language; patch: a change of
  // state that was applied (the patch as asked, before the next frame).
  const listeners = { frame: [], ready: [], lang: [], patch: [] };
  function emit(kind, arg) {
    for (const fn of listeners[kind]) {
      try { fn(arg); } catch (e) { console.error(e); showError(String(e.message || e)); }
    }
  }

  function applyWords() {
    document.documentElement.lang = lang;
    for (const el of document.querySelectorAll('[data-i18n]')) {
      const v = w(el.dataset.i18n);
      if (typeof v === 'string') el.textContent = v;
    }
    for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', w(el.dataset.i18nAria));
    for (const el of document.querySelectorAll('[data-i18n-title]')) el.title = w(el.dataset.i18nTitle);
    for (const el of document.querySelectorAll('[data-i18n-alt]')) el.alt = w(el.dataset.i18nAlt);
    showLoadingSize();
    $('lang').value = lang;
    fillImages();
    lastPlaying = null; // relabel the play button
    emit('lang', lang);
  }

  // ---- Errors: role="alert", naming the field ---------------------------
  // translateError renders Go's (English) messages in the page's language
  // (set by web/instruments.js through dissolvePage.translateErrors).
  let translateError = (msg) => msg;
  function showError(msg) {
    const box = $('errors');
    const p = document.createElement('p');
    p.textContent = translateError(msg);
    box.prepend(p);
    while (box.children.length > 4) box.lastChild.remove();
    setTimeout(() => p.remove(), 12000);
  }

  // ---- The core, in the stage iframe -----------------------------------
  let core = null;
  let resolveReady;
  const ready = new Promise((res) => { resolveReady = res; });

  function call(name, ...args) {
    if (!core) throw new Error(w('notReady'));
    const out = JSON.parse(core[name](...args));
    if (out && typeof out === 'object' && !Array.isArray(out) && typeof out.error === 'string') throw refusal(out);
    return out;
  }

  // refusal turns a refusal of the core, {error, field, code, min, max,
  // options, got, …}, into an Error whose message is Go's English text
  // and which carries the structured fields.
  function refusal(out) {
    const err = new Error(out.error);
    for (const k of ['field', 'code', 'kind', 'min', 'max', 'minOpen', 'maxOpen', 'maxField', 'other', 'options', 'args', 'got', 'stop']) {
      if (out[k] !== undefined) err[k] = out[k];
    }
    return err;
  }

  // toJSONPatch keeps NaN and Infinity visible to Go's validation (plain
  // JSON would turn them into null).
  function toJSONPatch(patch) {
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
      throw new Error('setState takes an object such as {t: 250}');
    }
    return JSON.stringify(patch, (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
  }

  function setState(patch) {
    const out = call('setState', toJSONPatch(patch));
    emit('patch', patch);
    afterChange();
    return out.state;
  }

  async function toStageBytes(data) {
    let bytes;
    if (data instanceof Blob || (data && typeof data.arrayBuffer === 'function' && typeof data.size === 'number')) {
      bytes = new Uint8Array(await data.arrayBuffer());
    } else if (data instanceof ArrayBuffer) {
      bytes = new Uint8Array(data);
    } else if (ArrayBuffer.isView(data)) {
      bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } else {
      throw new Error('loadImage takes a Blob, File, ArrayBuffer or Uint8Array');
    }
    // Go checks instanceof Uint8Array in the stage's own realm.
    const stageWin = $('stage').contentWindow;
    const copy = new stageWin.Uint8Array(bytes.length);
    copy.set(bytes);
    return copy;
  }

  async function loadImage(data) {
    if (!core) throw new Error(w('notReady'));
    const bytes = await toStageBytes(data);
    const size = await new Promise((resolve, reject) => {
      const out = JSON.parse(core.loadImage(bytes, (json) => resolve(JSON.parse(json)), (json) => reject(refusal(JSON.parse(json)))));
      if (out && out.error) reject(refusal(out));
    });
    afterChange();
    return size;
  }

  // ---- window.ddpm: the public API --------------------------------------
  const ddpm = {
    ready,
    getState: () => call('getState'),
    setState,
    schedule: () => call('schedule'),
    schema: () => call('schema'),
    stats: () => call('stats'),
    perf: () => call('perf'),
    loadImage,
    shareURL: () => location.origin + location.pathname + '?' + call('query'),
  };
  // The page's own extension scripts (deferred, after this one) may add
  // members through dissolvePage.extendAPI; then the API is frozen.
  window.ddpm = ddpm;
  document.addEventListener('DOMContentLoaded', () => Object.freeze(ddpm), { once: true });

  // The stage calls these (web/stage.js).
  window.dissolveHost = {
    coreReady(c) {
      if (core) return;
      core = c;
      // The still picture and the loading note give way to the canvas.
      $('stage-box').classList.add('live');
      for (const e of c.startErrors || []) showError(`${w('urlProblem')}: ${e.error}`);
      const s = call('getState');
      lang = s.lang;
      applyWords();
      // The picture is on the canvas: show the readouts and resolve ready
      // now; the listeners (the instruments' first plots take a while)
      // get this frame at the next animation frame.
      render(true, true);
      resolveReady(s);
      emit('ready', s);
      requestAnimationFrame(loop);
    },
    coreError(msg) { showError(msg); },
    coreStopped(msg) {
      const box = $('stopped');
      box.textContent = msg;
      box.hidden = false;
      showError(msg);
      core = null;
    },
    key(e) { onKey(e); },
    drop(files) { uploadFiles(files); },
    stageFocus() { showStageFocus(); },
  };
  // The stage may have become ready before this script ran.
  (function catchUp() {
    try {
      const sw = $('stage').contentWindow;
      if (sw && sw.dissolveStage && sw.dissolveStage.ready) window.dissolveHost.coreReady(sw.dissolveCore);
    } catch (e) { /* not yet loaded */ }
  })();

  // ---- Showing the state ------------------------------------------------
  let lastPlaying = null;
  let lastKey = '';
  let lastStatsAt = 0;
  let liveTimer = 0;
  let urlTimer = 0;

  function setIfIdle(el, value) {
    if (document.activeElement !== el && el.value !== String(value)) el.value = String(value);
  }

  function ensureOption(select, value) {
    if (![...select.options].some((o) => o.value === String(value))) {
      const o = document.createElement('option');
      o.value = o.textContent = String(value);
      select.append(o);
    }
    select.value = String(value);
  }

  function fillImages() {
    const sel = $('image');
    let names = ['astronaut', 'cat', 'coffee', 'tiny', 'gradient', 'checkerboard', 'text'];
    if (core) names = call('images');
    const cur = sel.value;
    sel.replaceChildren(...names.map((n) => {
      const o = document.createElement('option');
      o.value = n;
      o.textContent = (w('images')[n]) || n;
      return o;
    }));
    if (cur) sel.value = cur;
  }

  // paneLabel names the pane the line under the readouts describes (the
  // x_t of a comparison; web/instruments.js names the panes).
  let paneLabel = () => 'x_t';

  let heldFrame = false; // render(…, hold) kept a changed frame from the listeners

  // render shows the state and readouts of the current frame and hands it
  // to the listeners (or, with hold, to the listeners at the next render).
  function render(force, hold) {
    const frame = call('frame');
    const { state: s, readout: r } = frame;
    const tEl = $('t');
    tEl.max = String(s.T);
    if (String(tEl.value) !== String(s.t)) tEl.value = String(s.t);
    tEl.setAttribute('aria-valuetext', `t = ${s.t} / ${s.T}`);
    $('r-t').textContent = `${s.t} / ${s.T}`;
    $('r-beta').textContent = fmt(r.beta, 4);
    $('r-alphabar').textContent = fmt(r.alphaBar, 4);
    $('r-signal').textContent = fmt(r.sqrtAlphaBar, 4);
    $('r-noise').textContent = fmt(r.sqrtOneMinusAlphaBar, 4);
    $('r-snr').textContent = fmt(r.snr, 3);
    // The badge over the picture: t and how much of the picture is left.
    $('badge-t').textContent = String(s.t);
    $('badge-signal').textContent = fmt(r.sqrtAlphaBar, 3);
    if (lastPlaying !== s.playing) {
      lastPlaying = s.playing;
      $('play').textContent = s.playing ? w('pause') : w('play');
      $('play').setAttribute('aria-pressed', String(s.playing));
    }
    const key = JSON.stringify({ ...s, t: s.playing ? 0 : s.t });
    if (force || key !== lastKey) {
      lastKey = key;
      if (lang !== s.lang) { lang = s.lang; applyWords(); }
      $('schedule').value = s.schedule;
      setIfIdle($('T'), s.T);
      setIfIdle($('betaStart'), s.betaStart);
      setIfIdle($('betaEnd'), s.betaEnd);
      $('betaStart').disabled = $('betaEnd').disabled = s.schedule === 'cosine';
      $('zeroTerminalSNR').checked = s.zeroTerminalSNR;
      $('mode').value = s.mode;
      ensureOption($('speed'), s.speed);
      setIfIdle($('seed'), s.seed);
      if (![...$('image').options].some((o) => o.value === s.image)) fillImages();
      $('image').value = s.image;
      ensureOption($('size'), s.size);
      shapeStage(s, r);
      clearTimeout(urlTimer);
      urlTimer = setTimeout(updateURL, 300);
    }
    const now = performance.now();
    if (now - lastStatsAt > 250) {
      lastStatsAt = now;
      const live = call('liveStats'); // sampled: never a long frame
      $('stats').textContent = w('stats')(live, paneLabel(live.pane, s));
    }
    announce(s, r, force);
    frame.changed = force || heldFrame;
    heldFrame = Boolean(hold);
    if (!hold) emit('frame', frame);
  }

  // announce tells screen readers (the polite live region #live) where the
  // picture stands when something is decided: a pause, a step, a new
  // state while paused (at once for a change the page made, such as a
  // button, a key or a stop; 400 ms after the last one for a drag over the
  // canvas). While it plays it says nothing: t would be read out forever.
  function announce(s, r, force) {
    const live = $('live');
    if (s.playing) {
      clearTimeout(liveTimer);
      liveTimer = 0;
      return;
    }
    const text = w('live')(r);
    if (text === live.textContent) return;
    clearTimeout(liveTimer);
    if (force) {
      live.textContent = text;
      liveTimer = 0;
    } else {
      liveTimer = setTimeout(() => { live.textContent = text; }, 400);
    }
  }

  // shapeStage gives the stage box the shape of its content: the picture's
  // aspect, times the number of panes a comparison puts side by side.
  const PANES = { none: 1, schedules: 2, modes: 2, wrongsum: 2, normalise: 3 };
  function shapeStage(s, r) {
    const panes = PANES[s.compare] || 1;
    const aspect = (panes * r.width) / Math.max(1, r.height);
    $('stage-box').style.setProperty('--stage-aspect', String(Math.min(4, Math.max(0.25, aspect))));
  }

  function updateURL() {
    if (!core) return;
    const params = new URLSearchParams(location.search);
    let q = call('query');
    // The page's own parameters (embed, a teacher's path) stay.
    for (const name of ['path', 'embed']) {
      const keep = params.get(name);
      if (keep !== null) q = `${name}=${encodeURIComponent(keep)}&${q}`;
    }
    try { history.replaceState(null, '', `${location.pathname}?${q}`); } catch (e) { /* sandboxed */ }
  }

  function loop() {
    if (!core) return;
    try {
      render(false);
    } catch (e) {
      showError(e.message);
    }
    requestAnimationFrame(loop);
  }

  function afterChange() {
    if (core) render(true);
  }

  // ---- Controls -----------------------------------------------------------
  function tryPatch(patch) {
    try {
      setState(patch);
      return true;
    } catch (e) {
      showError(e.message);
      afterChange(); // put the controls back to the valid state
      return false;
    }
  }

  function numberOf(el) {
    // An empty or unparsable number input is reported, not guessed.
    if (el.value.trim() === '') return el.validity.badInput ? 'not a number' : 'empty';
    return Number(el.value);
  }

  function wireControls() {
    const form = $('controls');
    form.addEventListener('submit', (e) => e.preventDefault());
    $('schedule').addEventListener('change', (e) => tryPatch({ schedule: e.target.value }));
    for (const id of ['T', 'betaStart', 'betaEnd', 'seed']) {
      $(id).addEventListener('change', (e) => {
        // A refused value does not stay in the field (render leaves a
        // focused field alone): it shows the state's value again.
        if (!tryPatch({ [id]: numberOf(e.target) }) && core) e.target.value = String(call('getState')[id]);
      });
    }
    $('zeroTerminalSNR').addEventListener('change', (e) => tryPatch({ zeroTerminalSNR: e.target.checked }));
    $('mode').addEventListener('change', (e) => tryPatch({ mode: e.target.value }));
    $('speed').addEventListener('change', (e) => tryPatch({ speed: Number(e.target.value) }));
    $('image').addEventListener('change', (e) => {
      const patch = { image: e.target.value };
      if (patch.image === 'tiny') {
        if (core) sizeBeforeTiny = call('getState').size;
        patch.size = 32;
      } else {
        Object.assign(patch, sizeAfterTiny());
      }
      tryPatch(patch);
    });
    $('size').addEventListener('change', (e) => tryPatch({ size: Number(e.target.value) }));
    $('lang').addEventListener('change', (e) => {
      if (core) tryPatch({ lang: e.target.value });
      else { lang = e.target.value; applyWords(); }
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
    document.addEventListener('keydown', onKey);
    document.addEventListener('focusin', showStageFocus);
    document.addEventListener('focusout', () => setTimeout(showStageFocus, 0));
  }

  // The tiny picture is the lesson's 3×32×32 example: it is shown at its
  // own size, so each of its 3072 numbers is one visible square. The next
  // picture gets back the size the visitor had before (or the default),
  // unless they chose another size meanwhile.
  let sizeBeforeTiny = null;
  function sizeAfterTiny() {
    if (!core) return {};
    const s = call('getState');
    if (s.image !== 'tiny' || s.size !== 32) return {};
    return { size: sizeBeforeTiny || call('schema').fields.find((f) => f.name === 'size').default };
  }

  async function uploadFiles(files) {
    if (!files || files.length === 0) return;
    const status = $('stats');
    status.textContent = w('uploading');
    const size = sizeAfterTiny();
    try {
      await loadImage(files[0]);
      if (size.size) tryPatch(size);
    } catch (e) {
      showError(e.message);
    }
  }

  function togglePlay() {
    if (!core) return;
    tryPatch({ playing: !call('getState').playing });
  }

  function stepBy(k) {
    if (!core) return;
    const s = call('getState');
    tryPatch({ playing: false, t: Math.min(s.T, Math.max(0, s.t + k)) });
  }

  function fullscreen() {
    // In presentation mode the whole window goes full screen, else the picture.
    const box = presenting() ? document.documentElement : $('stage-box');
    if (document.fullscreenElement) document.exitFullscreen();
    else if (box.requestFullscreen) box.requestFullscreen().catch((e) => showError(e.message));
  }

  // The stage has the keyboard focus when its iframe is the page's active
  // element (the canvas or the frame itself inside it).
  function stageHasFocus() {
    return document.activeElement === $('stage');
  }
  // The stage's focus outline is the stage box's: the canvas inside the
  // iframe cannot draw one that shows.
  function showStageFocus() {
    $('stage-box').classList.toggle('stage-focus', stageHasFocus());
  }

  // Keys that scroll the page (Page Up/Down, Home/End) belong to the demo
  // only while the stage has the focus or the lesson is running (the
  // teacher's path, web/instruments.js, says when); otherwise the page
  // scrolls as any page does.
  let lessonRunning = () => false;
  let presentationKey = () => false;
  let presenting = () => false;
  function pageKeysBound() {
    return stageHasFocus() || lessonRunning();
  }

  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    const tag = t && t.tagName;
    // Controls keep their own keys (typing a number, moving a slider, pressing a button).
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || (tag === 'BUTTON' && (e.key === ' ' || e.key === 'Enter'))) return;
    if (!core) return;
    // Presentation mode (web/present.js) takes the arrows for its stops.
    if (presentationKey(e)) return;
    const s = call('getState');
    switch (e.key) {
      case ' ': togglePlay(); break;
      case 'ArrowLeft': stepBy(e.shiftKey ? -10 : -1); break;
      case 'ArrowRight': stepBy(e.shiftKey ? 10 : 1); break;
      case 'Home': if (!pageKeysBound()) return; tryPatch({ playing: false, t: 0 }); break;
      case 'End': if (!pageKeysBound()) return; tryPatch({ playing: false, t: s.T }); break;
      case 'f': case 'F': fullscreen(); break;
      default: return;
    }
    e.preventDefault();
  }

  // window.dissolvePage is for the page's own extension scripts (the
  // instruments, the embed mode, the exports): not a public API.
  window.dissolvePage = {
    words(dicts) {
      for (const l of Object.keys(dicts)) Object.assign(WORDS[l], dicts[l]);
      if (core) applyWords();
    },
    w,
    fmt,
    lang: () => lang,
    showError,
    call: (name, ...args) => call(name, ...args),
    tryPatch,
    isReady: () => core !== null,
    on(kind, fn) { listeners[kind].push(fn); },
    translateErrors(fn) { translateError = fn; },
    translate: (msg) => translateError(msg),
    stageHasFocus,
    pageKeysBound,
    // lessonRunning(fn): fn() says whether the lesson is running (it binds
    // Page Up/Down and Home/End, see pageKeysBound).
    lessonRunning(fn) { lessonRunning = fn; },
    // presentation({key, active}): key(e) says whether presentation mode
    // takes a key from the page's own bindings; active() whether it runs.
    presentation(p) { presentationKey = p.key; presenting = p.active; },
    // paneLabel(fn): fn(kind, state) names a pane for the line under the readouts.
    paneLabel(fn) { paneLabel = fn; },
    extendAPI(members) {
      for (const [k, v] of Object.entries(members)) {
        if (Object.isFrozen(ddpm) || k in ddpm) throw new Error(`window.ddpm.${k} cannot be added`);
        ddpm[k] = v;
      }
    },
  };

  // The note over the still picture says how much is being downloaded: the
  // wasm's Content-Length as web/boot.js received it (the compressed size
  // when the server sends it compressed), in MB.
  function showLoadingSize() {
    const n = window.dissolveWasmBytes;
    $('stage-loading').textContent = n > 0 ? w('loadingSize')((n / 1e6).toFixed(1)) : w('loadingStill');
  }
  document.addEventListener('dissolve:wasm-size', showLoadingSize);

  function start() {
    const params = new URLSearchParams(location.search);
    const l = params.get('lang') || ((navigator.language || '').toLowerCase().startsWith('ko') ? 'ko' : 'en');
    lang = WORDS[l] ? l : 'en';
    applyWords();
    wireControls();
    $('stats').textContent = w('loading');
  }
  start();
})();

// export.js is the "Share and export" panel and its part of window.ddpm:
// a link that holds the whole state, an <iframe> snippet that reproduces
// it, and the exports computed by the Go core (wasm/bridge_export.go): an
// animated GIF of x_0 → x_T and the same as a WebM video, with their
// expected sizes shown before saving, a PNG of the frame on screen, a PNG strip of
// snapshots, the schedule as CSV. Every file is made in the browser; long
// ones show a progress bar and can be cancelled, and the page keeps
// running meanwhile (Go gives the event loop a turn between frames).
import { $ } from './dom.js';
import { w } from './i18n.js';
import { call, isReady } from './bridge.js';
import { shareURL } from './api.js';
import { on } from './events.js';
import { showError } from './errors.js';
import { schema, onSchema } from './schema.js';
import { isPlainObject, menuValues, toJSON } from './values.js';

// ---- The API ------------------------------------------------------------
function abortError(signal) {
  if (signal && signal.reason instanceof Error) return signal.reason;
  return new DOMException('the export was cancelled', 'AbortError');
}

// splitOptions checks the JavaScript-only options and leaves the rest
// (frames, fps, size, dither) to Go, which names a bad field and its range.
function splitOptions(name, options) {
  if (options === undefined) options = {};
  if (!isPlainObject(options)) throw new TypeError(`${name} takes an options object such as {frames: 60}`);
  const { onProgress, signal, ...rest } = options;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    const e = new TypeError('onProgress must be a function of the fraction done (0..1)');
    e.field = 'onProgress';
    throw e;
  }
  if (signal !== undefined && !(signal && typeof signal.aborted === 'boolean' && typeof signal.addEventListener === 'function')) {
    const e = new TypeError('signal must be an AbortSignal');
    e.field = 'signal';
    throw e;
  }
  const json = toJSON(rest);
  return { onProgress, signal, json };
}

// run starts an asynchronous export in the core and resolves with a Blob.
function run(coreName, apiName, options, type) {
  return new Promise((resolve, reject) => {
    const { onProgress, signal, json } = splitOptions(apiName, options);
    if (signal && signal.aborted) throw abortError(signal);
    let settled = false;
    const settle = (fn, v) => { if (!settled) { settled = true; fn(v); } };
    const progress = (f) => {
      if (settled || !onProgress) return;
      try { onProgress(f); } catch (e) { console.error(e); }
    };
    const cancelled = () => settled || Boolean(signal && signal.aborted);
    if (signal) signal.addEventListener('abort', () => settle(reject, abortError(signal)), { once: true });
    const args = coreName === 'exportPNG' ? [] : [json, progress, cancelled];
    call(coreName, ...args,
      (bytes) => settle(resolve, new Blob([bytes], { type })),
      (msg) => settle(reject, signal && signal.aborted ? abortError(signal) : new Error(msg)));
  });
}

function ready() {
  if (!isReady()) throw new Error(w('notReady'));
}

// ---- WebM ------------------------------------------------------------------
// Where there is no VideoEncoder (below), the video is recorded by the
// browser's MediaRecorder from a canvas
// (canvas.captureStream): Go writes each frame's RGBA (exportFrameInto,
// with its t label), the canvas shows it, the track is asked for a frame,
// and the next frame waits for its time (1/fps later), so the recording
// takes as long as the video. VP9 where the browser records it, else VP8.
// Bits per second, the default. VP9 through WebCodecs, 40 frames of
// 192²: 108 kB at 250 kbit/s (PSNR 18.7 dB), 150 kB at 500 kbit/s
// (18.8 dB), 276 kB at 2 Mbit/s (19.0 dB): the noise frames cap the
// PSNR (TestBenchWebMEncoders), so more bits buy little.
const WEBM_BITRATE = 500_000;
const MIN_BITRATE = 100_000;
const MAX_BITRATE = 8_000_000;

function webmType() {
  if (videoEncoderCodec) return 'video/webm';
  if (typeof MediaRecorder === 'undefined' || !HTMLCanvasElement.prototype.captureStream) return null;
  return ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t)) || null;
}

// webmOptions takes bitrate and encoder out (JavaScript-only options)
// and leaves frames, fps, size, spacing and label to Go.
function webmOptions(options) {
  if (options === undefined) options = {};
  if (!isPlainObject(options)) throw new TypeError('exportWebM takes an options object such as {frames: 40}');
  const { bitrate = WEBM_BITRATE, encoder = videoEncoderCodec ? 'webcodecs' : 'mediarecorder', ...rest } = options;
  if (encoder !== 'webcodecs' && encoder !== 'mediarecorder') {
    const e = new TypeError(`encoder must be "webcodecs" or "mediarecorder", got ${String(encoder).slice(0, 40)}`);
    e.field = 'encoder';
    throw e;
  }
  if (!Number.isInteger(bitrate) || bitrate < MIN_BITRATE || bitrate > MAX_BITRATE) {
    const e = new RangeError(`bitrate must be an integer in ${MIN_BITRATE}..${MAX_BITRATE} (bits per second), got ${bitrate}`);
    e.field = 'bitrate';
    throw e;
  }
  if ('dither' in rest || 'colors' in rest) {
    const e = new TypeError(`${'dither' in rest ? 'dither' : 'colors'} must be left out (the video has every colour)`);
    e.field = 'dither' in rest ? 'dither' : 'colors';
    throw e;
  }
  return { bitrate, encoder, rest };
}

// ---- WebM through WebCodecs ---------------------------------------------
// VideoEncoder encodes each frame with its exact timestamp (k/fps), as
// fast as the machine goes, and Go writes the WebM file around the
// encoded frames (app.MuxWebM: with its duration in the header). Used
// where the browser has a VP9 (or VP8) VideoEncoder; else MediaRecorder.
let videoEncoderCodec = null; // [WebCodecs codec string, Matroska codec ID], found at start
async function findVideoEncoder() {
  if (typeof VideoEncoder === 'undefined' || typeof VideoFrame === 'undefined') return;
  for (const [codec, id] of [['vp09.00.10.08', 'V_VP9'], ['vp8', 'V_VP8']]) {
    try {
      const s = await VideoEncoder.isConfigSupported({ codec, width: 192, height: 192, bitrate: WEBM_BITRATE, framerate: 16 });
      if (s.supported) { videoEncoderCodec = [codec, id]; return; }
    } catch (e) { /* try the next */ }
  }
}
const videoEncoderFound = findVideoEncoder();

async function encodeWebM(json, bitrate, fps, onProgress, signal) {
  await videoEncoderFound;
  if (!videoEncoderCodec) throw new Error('this browser has no VP9 or VP8 VideoEncoder');
  const { width, height, steps } = call('exportFrameInto', json, 0, null);
  const chunks = [];
  let failure = null;
  const enc = new VideoEncoder({
    output: (chunk) => {
      const data = new Uint8Array(chunk.byteLength);
      chunk.copyTo(data);
      chunks.push({ data, timestamp: chunk.timestamp, key: chunk.type === 'key' });
    },
    error: (e) => { failure = e; },
  });
  const report = (f) => { if (onProgress) { try { onProgress(f); } catch (e) { console.error(e); } } };
  const us = 1e6 / fps;
  const holder = {};
  try {
    enc.configure({ codec: videoEncoderCodec[0], width, height, bitrate, framerate: fps, latencyMode: 'quality' });
    for (let k = 0; k < steps.length; k++) {
      if (signal && signal.aborted) throw abortError(signal);
      report(k / steps.length);
      call('exportFrameInto', json, k, holder);
      const frame = new VideoFrame(holder.pix, {
        format: 'RGBA', codedWidth: width, codedHeight: height, timestamp: Math.round(k * us), duration: Math.round(us),
      });
      enc.encode(frame, { keyFrame: k === 0 });
      frame.close();
      // A turn for the page (painting, a cancel click) and a short queue.
      do await new Promise((r) => setTimeout(r, 0)); while (enc.encodeQueueSize > 2 && !failure);
      if (failure) throw failure;
    }
    await enc.flush();
    if (failure) throw failure;
  } finally {
    if (enc.state !== 'closed') enc.close();
  }
  if (signal && signal.aborted) throw abortError(signal);
  call('exportWebMMux', JSON.stringify({ codec: videoEncoderCodec[1], width, height, durationUS: Math.round(steps.length * us) }), chunks, holder);
  report(1);
  return new Blob([holder.webm], { type: 'video/webm' });
}

async function recordWebM(options) {
  await videoEncoderFound;
  const { bitrate, encoder, rest } = webmOptions(options);
  if (encoder === 'webcodecs') {
    const { onProgress, signal, json } = splitOptions('exportWebM', rest);
    if (signal && signal.aborted) throw abortError(signal);
    const fps = JSON.parse(json).fps || schema().export.gif.fps;
    return encodeWebM(json, bitrate, fps, onProgress, signal);
  }
  const { onProgress, signal, json } = splitOptions('exportWebM', rest);
  if (signal && signal.aborted) throw abortError(signal);
  const type = typeof MediaRecorder !== 'undefined' && HTMLCanvasElement.prototype.captureStream &&
    ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t));
  if (!type) throw new Error('this browser cannot record video (no MediaRecorder for WebM)');
  const fps = JSON.parse(json).fps || schema().export.gif.fps;
  const info = call('exportFrameInto', json, 0, null); // validates the options
  const { width, height, steps } = info;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  const stream = canvas.captureStream(0);
  const track = stream.getVideoTracks()[0];
  const rec = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: bitrate });
  const chunks = [];
  rec.ondataavailable = (e) => { if (e.data && e.data.size) chunks.push(e.data); };
  const stopped = new Promise((res) => { rec.onstop = res; });
  const holder = {}; // Go puts the frame's RGBA in holder.pix
  const report = (f) => { if (onProgress) { try { onProgress(f); } catch (e) { console.error(e); } } };
  const frameMs = 1000 / fps;
  const finish = () => { if (rec.state !== 'inactive') rec.stop(); track.stop(); };
  try {
    // The recorder's encoder starts up slowly the first time: frames sent
    // before it runs are lost (a first recording came out empty). Frame
    // 0 goes in first, and the recording waits for the start event
    // (at most a second).
    call('exportFrameInto', json, 0, holder);
    ctx.putImageData(new ImageData(holder.pix, width, height), 0, 0);
    const started = new Promise((res) => { rec.onstart = res; setTimeout(res, 1000); });
    rec.start();
    track.requestFrame();
    await started;
    const t0 = performance.now();
    for (let k = 0; k < steps.length; k++) {
      if (signal && signal.aborted) throw abortError(signal);
      report(k / steps.length);
      call('exportFrameInto', json, k, holder);
      ctx.putImageData(new ImageData(holder.pix, width, height), 0, 0);
      track.requestFrame();
      const wait = t0 + (k + 1) * frameMs - performance.now();
      await new Promise((r) => setTimeout(r, Math.max(0, wait)));
    }
    if (signal && signal.aborted) throw abortError(signal);
    finish();
    await stopped;
  } catch (e) {
    finish();
    throw e;
  }
  report(1);
  return new Blob(chunks, { type: 'video/webm' });
}

// estimate(options) → {gif, webm, steps, width, height}: the expected
// sizes in bytes. GIF: Go encodes five of the frames and scales their
// mean size to the frame count (app.EstimateGIFSize; within 15% of the
// real size). WebM through WebCodecs: half the bitrate times the
// duration (frames/fps), plus 0.045 bytes a pixel of every frame (VP9's
// floor for noisy frames, which a low bitrate does not get under); 0.96
// to 1.37 times the real size in TestBenchWebMEncoders' measurements.
// Through MediaRecorder: half the bitrate times the duration (its files
// came out at 0.27–0.67 of the bitrate). Both within a factor 2.
function estimate(options) {
  ready();
  if (options === undefined) options = {};
  if (!isPlainObject(options)) throw new TypeError('estimateExport takes an options object such as {frames: 40}');
  const { bitrate = WEBM_BITRATE, encoder = videoEncoderCodec ? 'webcodecs' : 'mediarecorder', ...rest } = options;
  const { json } = splitOptions('estimateExport', rest);
  const g = call('exportEstimate', json);
  const o = JSON.parse(json);
  const fps = o.fps || schema().export.gif.fps;
  const floor = encoder === 'webcodecs' ? 0.045 * g.width * g.height * g.frames : 0;
  return { gif: g.bytes, webm: Math.round(0.5 * bitrate / 8 * g.frames / fps + floor), steps: g.steps, width: g.width, height: g.height };
}

export const api = {
  // exportGIF({frames, fps, size, dither, onProgress, signal}) → Promise<Blob> (image/gif)
  exportGIF(options) { return Promise.resolve().then(() => { ready(); return run('exportGIF', 'exportGIF', options, 'image/gif'); }); },
  // exportPNG() → Promise<Blob> (image/png): the frame on screen at the processing size
  exportPNG() { return Promise.resolve().then(() => { ready(); return run('exportPNG', 'exportPNG', undefined, 'image/png'); }); },
  // exportStripPNG({frames, size, onProgress, signal}) → Promise<Blob> (image/png)
  exportStripPNG(options) { return Promise.resolve().then(() => { ready(); return run('exportStripPNG', 'exportStripPNG', options, 'image/png'); }); },
  // exportWebM({frames, fps, size, spacing, label, bitrate, encoder, onProgress, signal}) → Promise<Blob> (video/webm)
  exportWebM(options) { return Promise.resolve().then(() => { ready(); return recordWebM(options); }); },
  // estimateExport({frames, fps, size, spacing, label, colors, dither, bitrate, encoder}) → {gif, webm, steps, width, height}
  estimateExport: estimate,
  // exportCSV() → string: t, β, α, ᾱ, √ᾱ, √(1−ᾱ), SNR, β̃ for t = 0..T
  exportCSV() { ready(); return call('exportCSV').csv; },
  // embedHTML() → string: an <iframe> snippet that reproduces the state
  embedHTML,
};

// ---- Share ----------------------------------------------------------------
function escapeAttr(s) {
  return String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function embedURL() {
  const u = new URL(shareURL());
  return `${u.origin}${u.pathname}?embed=1&${u.search.slice(1)}`;
}

// embedHTML needs no inline style (a blog may forbid it): the class
// dissolve-embed is sized by the blog's stylesheet (the README's rules:
// full column width up to 640 px, aspect-ratio 8 / 9); without them the
// width and height attributes give 640×720. A comparison of n panes side
// by side adds the class dissolve-embed-n, whose aspect ratio gives each
// pane a cell of nearly its own shape, so the panes fill the frame
// (app.PaneLayout) in a 640 px column as on a phone.
const embedShapes = { 1: ['', 720], 2: [' dissolve-embed-2', 384], 3: [' dissolve-embed-3', 284] };
function embedHTML() {
  ready();
  const s = call('getState');
  const n = s.direction === 'reverse' ? 1 : (schema().panes || {})[s.compare] || 1;
  const [cls, height] = embedShapes[n] || embedShapes[1];
  return `<iframe src="${escapeAttr(embedURL())}" class="dissolve-embed${cls}" title="${escapeAttr(w('embedTitle'))}" ` +
    `width="640" height="${height}" loading="lazy" allow="fullscreen"></iframe>`;
}

async function copy(text) {
  const box = $('share-text');
  box.value = text;
  box.hidden = false;
  const status = $('share-status');
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = w('copied');
  } catch (e) {
    box.focus();
    box.select();
    status.textContent = w('copyByHand');
  }
}

// ---- Exports in the panel --------------------------------------------------
let running = null; // the AbortController of the export under way

function baseName() {
  const s = call('getState');
  return `dissolve-${s.image}-${s.schedule}${s.zeroTerminalSNR ? '-zsnr' : ''}-T${s.T}-${s.mode}-seed${s.seed}`;
}

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  $('export-status').textContent = w('exported', { name, kb: Math.max(1, Math.round(blob.size / 1024)) });
}

function busy(on, what) {
  for (const id of ['export-gif', 'export-webm', 'export-png', 'export-strip', 'export-csv']) $(id).disabled = on;
  $('export-progress').hidden = !on;
  $('export-bar').value = 0;
  if (on) $('export-status').textContent = w('exporting', { what, percent: 0 });
}

async function exportWith(what, start, name) {
  if (running || !isReady()) return;
  running = new AbortController();
  busy(true, what);
  try {
    // The bar moves with every frame; the status, a live region, is
    // told in quarters (a screen reader would read every change).
    let told = 0;
    const blob = await start(running.signal, (p) => {
      $('export-bar').value = p;
      const quarter = Math.floor(4 * p) / 4;
      if (quarter > told) {
        told = quarter;
        $('export-status').textContent = w('exporting', { what, percent: Math.round(100 * quarter) });
      }
    });
    download(blob, name);
  } catch (e) {
    if (e && e.name === 'AbortError') $('export-status').textContent = w('exportCancelled');
    else { $('export-status').textContent = ''; showError(e); }
  } finally {
    running = null;
    busy(false);
  }
}

function selectedInt(id) { return Number($(id).value); }

// The panel's settings, shared by the GIF and the video.
function panelOptions() {
  return {
    frames: selectedInt('gif-frames'), fps: selectedInt('gif-fps'), size: selectedInt('gif-size'),
    spacing: $('gif-spacing').value, label: $('gif-label').checked,
  };
}

function formatBytes(n) {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1e3))} kB`;
}

// The expected sizes, next to the buttons: when a setting changes, and
// when the picture, schedule, seed or mode change (at most every 250 ms),
// from the first time the panel is on screen: an estimate encodes five
// GIF frames (50–60 ms of the main thread), which a visitor who never
// scrolls to the panel need not pay for, least of all while the page
// starts or samples.
let estimateTimer = null;
let estimateKey = '';
let estimateSeen = false; // the panel's GIF button has been on screen
let estimateWanted = false; // an estimate waits for it to be
new IntersectionObserver((entries, io) => {
  if (!entries.some((e) => e.isIntersecting)) return;
  estimateSeen = true;
  io.disconnect();
  if (estimateWanted) showEstimate();
}).observe($('export-gif')); // the line itself has no height while empty
function showEstimate() {
  clearTimeout(estimateTimer);
  estimateWanted = !estimateSeen;
  if (estimateWanted) return;
  estimateTimer = setTimeout(() => {
    if (!isReady() || running) return;
    try {
      const e = estimate(panelOptions());
      const box = $('export-estimate');
      box.dataset.gif = String(e.gif);
      box.dataset.webm = String(e.webm);
      box.textContent = w('estimate', { gif: formatBytes(e.gif), webm: formatBytes(e.webm) });
    } catch (err) {
      $('export-estimate').textContent = '';
    }
  }, 100);
}
on('frame', (f) => {
  const s = f.state;
  const key = [s.image, s.size, s.seed, s.mode, s.schedule, s.T, s.zeroTerminalSNR, s.betaStart, s.betaEnd].join('|');
  if (key !== estimateKey) {
    estimateKey = key;
    showEstimate();
  }
});

function wire() {
  $('share-link').addEventListener('click', () => { if (isReady()) copy(shareURL()); });
  $('share-embed').addEventListener('click', () => { if (isReady()) copy(embedHTML()); });
  $('export-gif').addEventListener('click', () => exportWith('GIF', (signal, onProgress) => api.exportGIF({
    ...panelOptions(), signal, onProgress,
  }), `${baseName()}.gif`));
  $('export-webm').addEventListener('click', () => exportWith('WebM', (signal, onProgress) => api.exportWebM({
    ...panelOptions(), signal, onProgress,
  }), `${baseName()}.webm`));
  for (const id of ['gif-frames', 'gif-fps', 'gif-size', 'gif-spacing', 'gif-label']) $(id).addEventListener('change', showEstimate);
  $('export-png').addEventListener('click', () => exportWith('PNG', () => api.exportPNG(),
    `${baseName()}-t${call('getState').t}.png`));
  $('export-strip').addEventListener('click', () => exportWith('PNG', (signal, onProgress) => api.exportStripPNG({ signal, onProgress }),
    `${baseName()}-strip.png`));
  $('export-csv').addEventListener('click', () => {
    if (!isReady()) return;
    const s = call('getState');
    download(new Blob([api.exportCSV()], { type: 'text/csv' }),
      `dissolve-schedule-${s.schedule}${s.zeroTerminalSNR ? '-zsnr' : ''}-T${s.T}.csv`);
  });
  $('export-cancel').addEventListener('click', () => { if (running) running.abort(); });
}

// The panel's menus offer these of the schema's export limits, and the
// default (the schema's export defaults, app.DefaultGIFOptions).
const PRESETS = {
  'gif-frames': [20, 30, 40, 60, 90, 120],
  'gif-fps': [10, 16, 20, 25, 30, 50],
  'gif-size': [64, 128, 192, 256, 512],
};
let sizeTouched = false;
let filled = false;
function fillPanel(sc) {
  const { gif, limits } = sc.export;
  const menus = {
    'gif-frames': [limits.minFrames, limits.maxGIFFrames, gif.frames],
    'gif-fps': [limits.minFPS, limits.maxFPS, gif.fps],
    'gif-size': [limits.minSize, limits.maxSize, gif.size],
  };
  for (const [id, [min, max, def]] of Object.entries(menus)) {
    const sel = $(id);
    const cur = sel.value;
    sel.replaceChildren(...menuValues(PRESETS[id], min, max, def).map((v) => {
      const o = document.createElement('option');
      o.value = o.textContent = String(v);
      return o;
    }));
    // The export's size follows the page's processing size (the core's
    // default for it) until the visitor picks one.
    sel.value = cur && (id !== 'gif-size' || sizeTouched) ? cur : String(def);
  }
  if (!filled) {
    $('gif-spacing').value = gif.spacing;
    $('gif-label').checked = gif.label;
    filled = true;
  }
}
onSchema(fillPanel);

on('ready', () => {
  videoEncoderFound.then(() => { if (!webmType()) $('export-webm').hidden = true; });
  showEstimate();
});

wire();
$('gif-size').addEventListener('change', () => { sizeTouched = true; });

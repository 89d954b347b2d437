// stage.js runs the WebAssembly build inside web/stage.html (an iframe of the
// page) and relays its signals to the page that hosts it (web/app.js).
'use strict';

(function () {
  // The page that hosts the stage, if it is ours (same origin).
  function host() {
    try {
      if (window.parent !== window && window.parent.dissolveHost) return window.parent.dissolveHost;
    } catch (e) { /* another origin: no host */ }
    return null;
  }

  // The state starts from the page's URL (the stage has none of its own).
  let query = location.search;
  try {
    if (window.parent !== window && window.parent.location.search) query = window.parent.location.search;
  } catch (e) { /* another origin */ }
  window.dissolveStartQuery = query;

  window.dissolveStage = {
    ready: false,
    firstFrame() {
      performance.mark('first-frame');
      this.ready = true;
      const h = host();
      if (h) h.coreReady(window.dissolveCore);
    },
    error(msg) {
      console.error(msg);
      const h = host();
      if (h) h.coreError(String(msg));
    },
  };

  // A stop before the page's modules ran is kept in stoppedWith, for the
  // page to catch up with (web/bridge.js).
  function stopped(msg) {
    window.dissolveStage.stoppedWith = msg;
    const h = host();
    if (h) h.coreStopped(msg);
    else console.error(msg);
  }

  // Keys pressed while the stage has focus are the page's (web/app.js
  // binds them); the game itself reads no key. Ebiten's canvas would call
  // preventDefault on every key, which traps Tab and Shift+Tab in the
  // canvas and keeps Page Down from scrolling a blog post around an embed,
  // so no key event reaches it: this listener runs first (capture, on the
  // window) and stops each one. A key the page handles is prevented there;
  // any other keeps its default action (Tab moves the focus on, Page Down
  // scrolls).
  for (const type of ['keydown', 'keyup', 'keypress']) {
    window.addEventListener(type, (e) => {
      e.stopImmediatePropagation();
      if (type !== 'keydown') return;
      const h = host();
      if (h) h.key(e);
    }, true);
  }
  // The wheel scrolls the page (and a blog post around an embed) even
  // over the picture: the game reads no wheel, and Ebiten's canvas would
  // call preventDefault on every wheel event. Dragging on the picture (a
  // mouse button or a finger) still scrubs t.
  window.addEventListener('wheel', (e) => e.stopImmediatePropagation(), { capture: true, passive: true });

  // The page draws the stage's focus outline (the canvas is in this frame,
  // its outline would be clipped).
  const tellFocus = () => {
    const h = host();
    if (h && h.stageFocus) h.stageFocus();
  };
  window.addEventListener('focus', tellFocus);
  window.addEventListener('blur', tellFocus);
  document.addEventListener('focusin', tellFocus);
  document.addEventListener('focusout', () => setTimeout(tellFocus, 0));

  // A picture dropped on the canvas is the page's upload too.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    const h = host();
    if (h && e.dataTransfer) h.drop(e.dataTransfer.files);
  });

  // The module the page compiled while it loaded (web/boot.js), or null.
  async function earlyModule() {
    try {
      if (window.parent !== window && window.parent.dissolveWasmModule) return await window.parent.dissolveWasmModule;
    } catch (e) { /* another origin, or it failed: load it here */ }
    return null;
  }

  async function instantiate(go) {
    const early = await earlyModule();
    if (early) {
      try {
        return { instance: await WebAssembly.instantiate(early, go.importObject) };
      } catch (e) {
        console.warn(`the page's compiled module did not instantiate: ${e.message || e}`);
      }
    }
    // make dist gives the wasm a content-hashed name, written into
    // stage.html's <meta name="dissolve-wasm">.
    const meta = document.querySelector('meta[name="dissolve-wasm"]');
    const url = (meta && meta.content) || 'dissolve.wasm';
    if (WebAssembly.instantiateStreaming) {
      try {
        return await WebAssembly.instantiateStreaming(fetch(url), go.importObject);
      } catch (e) {
        // A host that serves .wasm without application/wasm: fall back below.
      }
    }
    const resp = await fetch(url);
    if (!resp.ok) throw new Error(`cannot load ${url}: HTTP ${resp.status}`);
    return WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject);
  }

  // The built-in pictures (wasm/app/images.go, Builtins) load in parallel
  // with the WebAssembly; Go reads them from window.dissolveBuiltinFiles.
  // Their files are named by the build's copy of the schema
  // (data/schema.json, scripts/schemajson).
  async function pictureFiles() {
    try {
      const resp = await fetch('data/schema.json');
      if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
      return (await resp.json()).builtinFiles;
    } catch (e) {
      console.warn(`the list of built-in pictures did not load: ${e.message || e}`);
      return [];
    }
  }
  async function fetchPictures() {
    const entries = await Promise.all((await pictureFiles()).map(async (name) => {
      try {
        const resp = await fetch(`images/${name}`);
        if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
        return [name, new Uint8Array(await resp.arrayBuffer())];
      } catch (e) {
        console.warn(`picture ${name} did not load: ${e.message || e}`);
        return null;
      }
    }));
    return Object.fromEntries(entries.filter(Boolean));
  }

  // The page's modules and Go share one main thread (the stage is a
  // same-origin iframe), and Go's start (package inits, Ebiten's shader
  // compiler, the first frame) runs as one long task. Started first, it
  // kept the page's modules waiting behind it: the first frame was on the
  // canvas well before the page could show it and resolve ready (1.9 s on
  // a cold load). So Go starts once the page is connected (web/bridge.js
  // connect fires 'dissolve:host' on its window), or after HOST_WAIT_MS
  // in any case; a stage without a page of ours starts at once.
  const HOST_WAIT_MS = 3000;
  function pageConnected() {
    let page = null;
    try {
      if (window.parent !== window && !window.parent.dissolveHost) page = window.parent;
    } catch (e) { /* another origin: no page of ours */ }
    if (!page) return Promise.resolve();
    return new Promise((resolve) => {
      page.addEventListener('dissolve:host', () => resolve(), { once: true });
      setTimeout(resolve, HOST_WAIT_MS);
    });
  }

  async function main() {
    const go = new Go();
    const pictures = fetchPictures();
    let result;
    try {
      result = await instantiate(go);
      // Go's linear memory, for ddpm.perf().wasmBytes (it never shrinks).
      window.dissolveStage.memory = result.instance.exports.mem;
      // Marks for the browser's performance panel: where start-up time goes.
      performance.mark('instantiated');
      window.dissolveBuiltinFiles = await pictures;
      performance.mark('pictures');
      await pageConnected();
      performance.mark('page-connected');
    } catch (e) {
      stopped(`The simulation could not start: ${e.message || e}`);
      return;
    }
    try {
      await go.run(result.instance);
      stopped('The simulation stopped: the Go runtime exited. Reload the page to start again.');
    } catch (e) {
      stopped(`The simulation stopped: ${e.message || e}. Reload the page to start again.`);
    }
  }
  main();
})();

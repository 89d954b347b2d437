// boot.js is the one classic script of the page: it runs in <head>,
// before the first paint and before the stage iframe (web/stage.html)
// exists, which the page's modules (deferred, web/app.js and what it
// imports) cannot. It does what must come first:
//   - it starts fetching and compiling the WebAssembly as soon as the page
//     starts loading; web/stage.js instantiates the compiled module from
//     window.dissolveWasmModule, or loads the wasm itself when this did
//     not work. The wasm's address is the page's <meta name="dissolve-wasm">
//     (make dist writes its hashed name there);
//   - embed mode (index.html?embed=1, web/embed.js): the html.embed class
//     (web/embed.css) before the first paint, and play=0 in the URL before
//     the core reads its start state from it (web/stage.js), so that an
//     embed starts paused; whether it plays once seen goes to
//     <html data-start-playing>;
//   - in <iframe sandbox> without allow-same-origin the page has an opaque
//     origin ("null"): it can load neither its modules nor its stage, so it
//     would never start. It says what it needs instead.
'use strict';

(function () {
  const params = new URLSearchParams(location.search);
  const root = document.documentElement;
  // embed=1 (or true) only: another value is refused by the core, which
  // names embed in the page's error box (app.ParseQuery).
  const embed = params.get('embed');
  if (embed === '1' || embed === 'true') {
    root.classList.add('embed');
    const play = params.get('play');
    const reduce = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    root.dataset.startPlaying = String(play === null ? !reduce : play === '1' || play === 'true');
    if (play !== '0') {
      params.set('play', '0');
      try { history.replaceState(history.state, '', `${location.pathname}?${params}${location.hash}`); } catch (e) { /* sandboxed */ }
    }
  }

  if (self.origin === 'null') {
    document.addEventListener('DOMContentLoaded', () => {
      const box = document.getElementById('stopped');
      box.textContent = document.getElementById('sandbox-note').textContent;
      box.hidden = false;
    });
    return;
  }

  const meta = document.querySelector('meta[name="dissolve-wasm"]');
  if (!meta || !WebAssembly.compileStreaming) return;
  // A failure here is not an error: the stage loads the wasm itself and
  // reports what goes wrong then.
  const response = fetch(meta.content);
  // The size on the wire, for the page's "Loading (N MB)…" (web/readouts.js):
  // the Content-Length of the response, which is the compressed size when
  // the server sends the precompressed file.
  response.then((r) => {
    const n = Number(r.headers.get('Content-Length'));
    if (r.ok && n > 0) {
      window.dissolveWasmBytes = n;
      document.dispatchEvent(new Event('dissolve:wasm-size'));
    }
  }, () => {});
  window.dissolveWasmModule = WebAssembly.compileStreaming(response).catch(() => null);
})();

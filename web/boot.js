// boot.js starts fetching and compiling the WebAssembly as soon as the page
// starts loading, in parallel with the rest of the page and before the
// stage iframe (web/stage.html) exists; web/stage.js instantiates the
// compiled module from window.dissolveWasmModule, or loads the wasm itself
// when this did not work. The wasm's address is the page's
// <meta name="dissolve-wasm"> (make dist writes its hashed name there).
'use strict';

(function () {
  const meta = document.querySelector('meta[name="dissolve-wasm"]');
  if (!meta || !WebAssembly.compileStreaming) return;
  // A failure here is not an error: the stage loads the wasm itself and
  // reports what goes wrong then.
  const response = fetch(meta.content);
  // The size on the wire, for the page's "Loading (N MB)…" (web/app.js):
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

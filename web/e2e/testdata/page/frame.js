// Clears its canvas with WebGL2 (as Ebiten draws) and tells the parent.
"use strict";
const params = new URLSearchParams(location.search);
const gl = document.getElementById("c").getContext("webgl2");
if (gl) {
  gl.clearColor(0.2, 0.4, 0.8, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
} else {
  console.error("harness self-test: no WebGL2");
}
if (params.get("bad") === "1") {
  console.error("harness self-test: console.error in the iframe");
  fetch("http://offorigin.invalid/from-iframe.json").catch(() => {});
}
requestAnimationFrame(() => parent.postMessage("drawn", "*"));

// A stand-in for the page's window.ddpm: ready resolves once the iframe
// has drawn a frame. With ?bad=1 the page misbehaves in each way the
// harness must notice.
"use strict";
const bad = new URLSearchParams(location.search).get("bad") === "1";

window.ddpm = {
  ready: new Promise((resolve) => {
    window.addEventListener("message", (e) => {
      if (e.origin === location.origin && e.data === "drawn") {
        resolve({t: 0, mode: "closed", bad});
      }
    });
  }),
};
console.warn("harness self-test: a warning is recorded, not an error");

// Set here, not in the HTML, so that the bad iframe is the only one and
// ready waits for it.
document.getElementById("stage").src = bad ? "frame.html?bad=1" : "frame.html";

if (bad) {
  console.error("harness self-test: console.error");
  console.log("panic: harness self-test: Go runtime crash");
  fetch("http://offorigin.invalid/data.json").catch(() => {}); // refused by the CSP
  const inline = document.createElement("script");
  inline.textContent = "window.inlineRan = true;"; // refused by the CSP
  document.head.appendChild(inline);
  setTimeout(() => { throw new Error("harness self-test: uncaught"); }, 0);
}

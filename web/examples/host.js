// host.js drives the embedded demo of host.html through postMessage: the
// text's buttons send ddpm:setState (their data-state), ddpm:play or
// ddpm:pause, and the caption shows the state the demo reports. It works
// across origins: point the iframe's src at wherever dissolve is hosted.
'use strict';

(function () {
  const frame = document.getElementById('demo');
  const caption = document.getElementById('demo-state');
  // Messages go to, and are accepted from, the demo's origin only.
  const demoOrigin = new URL(frame.src, location.href).origin;
  const target = demoOrigin === 'null' ? '*' : demoOrigin;
  let ready = false;
  const queue = [];

  function send(msg) {
    if (ready) frame.contentWindow.postMessage(msg, target);
    else queue.push(msg); // sent once the demo says ddpm:ready
  }

  for (const button of document.querySelectorAll('button[data-state], button[data-message]')) {
    button.addEventListener('click', () => {
      if (button.dataset.state) send({ type: 'ddpm:setState', state: JSON.parse(button.dataset.state) });
      else send({ type: button.dataset.message });
    });
  }

  window.addEventListener('message', (event) => {
    if (event.source !== frame.contentWindow || (target !== '*' && event.origin !== demoOrigin)) return;
    const msg = event.data;
    if (!msg || typeof msg.type !== 'string') return;
    if (msg.type === 'ddpm:ready') {
      ready = true;
      while (queue.length) frame.contentWindow.postMessage(queue.shift(), target);
    }
    if (msg.type === 'ddpm:ready' || msg.type === 'ddpm:state') {
      const s = msg.state;
      caption.textContent = `t = ${s.t} of ${s.T}, ${s.schedule} schedule, ${s.playing ? 'playing' : 'paused'}`;
    } else if (msg.type === 'ddpm:error') {
      caption.textContent = `The demo refused: ${msg.message}`;
    }
  });
})();

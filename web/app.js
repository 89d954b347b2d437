// app.js is the page's entry module (index.html loads it as
// <script type="module">). Each job is a module of its own:
//   bridge.js          the client of the Go core in the stage iframe
//   api.js             window.ddpm, the public API, on top of it
//   schema.js          the state schema Go owns: fields, limits, messages
//   i18n.js            the page's language and words (words-en/ko.json)
//   errors.js          the error box, messages from the schema's tables
//   events.js          frame, ready and patch listeners
//   scheduler.js       the per-frame loop
//   controls.js        the controls, built from the schema
//   readouts.js        the numbers, badge, statistics line and URL
//   keys.js            the keyboard
//   instruments.js     the instruments and the scheduling of their refreshes,
//                      with plots.js, schedule-plots.js, histogram.js,
//                      spectrum.js, strip.js, formulas.js and panes.js
//   tour.js            the teacher's path
//   present.js         presentation mode and a teacher's own path
//   export.js          share and export
//   embed.js           embed mode
//   messages.js        the postMessage protocol
//   offline.js         the service worker (sw.js) that keeps the page's
//                      files for a reload without a network
//   reverse.js         the reverse direction: runs, grid and loss from the
//                      compute workers (workers.js, pool.js)
//   markov.js          the Markov chain's nodes from the same workers
// This module wires the start: the API, the language, the schema, and
// what happens when the core's first frame is on screen.
import { $ } from './dom.js';
import { w, setLang, startLang } from './i18n.js';
import { call, coreError, connect, onStage, markReady } from './bridge.js';
import { publish } from './api.js';
import { emit } from './events.js';
import { render, start } from './scheduler.js';
import { showError } from './errors.js';
import { setSchema, loadBuilt } from './schema.js';
import './controls.js';
import './readouts.js';
import './keys.js';
import './instruments.js';
import './present.js';
import { api as exportAPI } from './export.js';
import { api as reverseAPI } from './reverse.js';
import { api as markovAPI } from './markov.js';
import './embed.js';
import './messages.js';
import './offline.js';

publish({ ...exportAPI, ...reverseAPI, ...markovAPI });
// The build's schema gives the controls their defaults while the
// WebAssembly loads (the core's replaces it at the first frame).
const built = await loadBuilt();
if (built) setSchema(built);
setLang(startLang());
$('stats').textContent = w('loading');

onStage('ready', (core) => {
  // The still picture and the loading note give way to the canvas.
  $('stage-box').classList.add('live');
  // The export panel's defaults and limits come with the schema.
  setSchema(call('schema'));
  for (const e of core.startErrors || []) showError(coreError(e), w('urlProblem'));
  const s = call('getState');
  setLang(s.lang);
  // The picture is on the canvas: show the readouts and resolve ready
  // now; the listeners (the instruments' first plots take a while) get
  // this frame at the next animation frame.
  render(true, true);
  markReady(s);
  emit('ready', s);
  start();
});
onStage('error', (msg) => showError(msg));
onStage('stopped', (msg) => {
  const box = $('stopped');
  box.textContent = msg;
  box.hidden = false;
  showError(msg);
});

connect();

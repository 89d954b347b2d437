// scheduler.js: the page's per-frame loop. Once the core runs, each
// animation frame reads the core's frame ({state, readout}) once and
// hands it to the modules: first to the "show" listeners (the readouts
// and controls), then to the "frame" listeners (the instruments, the
// embed mode, the postMessage notices). A change the page makes (a
// control, a key, the API) renders at once, without waiting for the
// next frame.
import { call, isReady } from './bridge.js';
import { emit } from './events.js';
import { showError } from './errors.js';

let heldFrame = false; // render(…, hold) kept a changed frame from the listeners

// render shows the current frame (force: as changed, whatever it is) and
// hands it to the frame listeners, or with hold to the frame listeners at
// the next render.
export function render(force, hold) {
  const frame = call('frame');
  emit('show', { frame, force });
  frame.changed = Boolean(force || heldFrame);
  heldFrame = Boolean(hold);
  if (!hold) emit('frame', frame);
}

// afterChange renders at once after a change of state.
export function afterChange() {
  if (isReady()) render(true);
}

function loop() {
  if (!isReady()) return;
  try {
    render(false);
  } catch (e) {
    showError(e);
  }
  requestAnimationFrame(loop);
}

// start runs the loop from the next animation frame.
export function start() { requestAnimationFrame(loop); }

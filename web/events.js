// events.js: what happens on the page, for the modules that follow it.
//   show:  every render of a frame ({state, readout}), held or not
//   frame: each animation frame ({state, readout, changed})
//   ready: the first frame (the state)
//   patch: a change of state that was applied (the patch as asked,
//          before the next frame)
//   run:   a reverse run was put on the canvas (web/reverse.js; its key)
import { showError } from './errors.js';

const listeners = { show: [], frame: [], ready: [], patch: [], run: [] };

export function on(kind, fn) { listeners[kind].push(fn); }

// emit calls each listener; one that throws is reported and the others
// still run.
export function emit(kind, arg) {
  for (const fn of listeners[kind]) {
    try { fn(arg); } catch (e) { console.error(e); showError(e); }
  }
}

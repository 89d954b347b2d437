// bridge.js: the client of the Go core. The core runs in the stage
// iframe (web/stage.html) and defines window.dissolveCore there; every
// function of it answers with a JSON string, {"error": …, "field", "code",
// "min", "max", "options", "got", …: app.FieldError, and the "stop" of a
// teacher's path} when it refuses. call() parses the
// answer and throws an Error carrying those fields.
//
// The stage reaches the page through window.dissolveHost (web/stage.js
// calls it): coreReady(core) at the first frame, coreError(msg),
// coreStopped(msg), key(event) for keys pressed on the canvas, drop(files)
// for pictures dropped on it, stageFocus() when the canvas gains or loses
// the focus. Modules register for these with onStage(kind, fn); connect()
// installs the host once every module has.
import { $ } from './dom.js';
import { w } from './i18n.js';
import { isPlainObject } from './values.js';

let core = null;
let resolveReady;

// ready resolves with the state at the first frame (markReady).
export const ready = new Promise((res) => { resolveReady = res; });
export function markReady(state) { resolveReady(state); }

export const isReady = () => core !== null;

// coreError turns a refusal into an Error with the core's English message
// and its structured fields.
export function coreError(out) {
  const err = new Error(out.error);
  for (const k of ['field', 'code', 'kind', 'min', 'max', 'minOpen', 'maxOpen', 'maxField', 'other', 'options', 'args', 'got', 'stop']) {
    if (out[k] !== undefined && out[k] !== null) err[k] = out[k];
  }
  return err;
}

// call(name, ...args) calls the core's function name and returns its
// parsed answer, or throws its refusal.
export function call(name, ...args) {
  if (!core) throw new Error(w('notReady'));
  const out = JSON.parse(core[name](...args));
  if (isPlainObject(out) && typeof out.error === 'string') throw coreError(out);
  return out;
}

// raw(name, ...args) calls a core function that answers with JavaScript
// objects rather than JSON (compute: typed arrays).
export function raw(name, ...args) {
  if (!core) throw new Error(w('notReady'));
  return core[name](...args);
}

// callAsync(name, ...args, resolve, reject) for the core's functions that
// answer later through callbacks (a picture, an export): an immediate
// refusal goes to reject as well.
export function callAsync(name, ...args) {
  if (!core) throw new Error(w('notReady'));
  const reject = args[args.length - 1];
  const out = JSON.parse(core[name](...args));
  if (isPlainObject(out) && typeof out.error === 'string') reject(coreError(out));
}

// wasmBytes is the size of the core's WebAssembly memory in bytes (Go's
// heap and everything it ever held: it grows and never shrinks), or null.
export function wasmBytes() {
  try {
    const mem = $('stage').contentWindow.dissolveStage.memory;
    return mem ? mem.buffer.byteLength : null;
  } catch (e) {
    return null;
  }
}

// stageBytes copies bytes into a Uint8Array of the stage's own realm
// (Go checks instanceof Uint8Array there).
export function stageBytes(bytes) {
  const copy = new ($('stage').contentWindow.Uint8Array)(bytes.length);
  copy.set(bytes);
  return copy;
}

// stageView is a Uint8Array of the stage's realm over bytes of buffer (an
// ArrayBuffer of this realm: a worker's result), without a copy.
export function stageView(buffer, byteOffset, length) {
  return new ($('stage').contentWindow.Uint8Array)(buffer, byteOffset, length);
}

const hooks = { ready: [], error: [], stopped: [], key: [], drop: [], focus: [] };

// onStage(kind, fn): ready(core), error(msg), stopped(msg), key(event),
// drop(files), focus().
export function onStage(kind, fn) { hooks[kind].push(fn); }

function tell(kind, arg) {
  for (const fn of hooks[kind]) fn(arg);
}

// connect installs window.dissolveHost and catches up with a stage that
// became ready, or stopped, before the page's modules ran.
export function connect() {
  window.dissolveHost = {
    coreReady(c) {
      if (core) return;
      core = c;
      tell('ready', c);
    },
    coreError(msg) { tell('error', msg); },
    coreStopped(msg) {
      core = null;
      tell('stopped', msg);
    },
    key(e) { tell('key', e); },
    drop(files) { tell('drop', files); },
    stageFocus() { tell('focus'); },
  };
  // The stage starts Go once the page is here (web/stage.js).
  window.dispatchEvent(new Event('dissolve:host'));
  try {
    const sw = $('stage').contentWindow;
    const stage = sw && sw.dissolveStage;
    if (stage && stage.ready) window.dissolveHost.coreReady(sw.dissolveCore);
    if (stage && stage.stoppedWith) window.dissolveHost.coreStopped(stage.stoppedWith);
  } catch (e) { /* not yet loaded */ }
}

// api.js: window.ddpm, the public API (the README's reference). It wraps
// the core (web/bridge.js): a refused call throws an Error whose message
// is Go's English text, which programs can match, with .field and .code
// (and .min, .max, .options, .got where they apply).
import { call, ready, isReady, wasmBytes } from './bridge.js';
import { upload } from './upload.js';
import { emit } from './events.js';
import { afterChange } from './scheduler.js';
import { showError, refusal } from './errors.js';
import { schema } from './schema.js';
import { w } from './i18n.js';
import { toJSON, isPlainObject } from './values.js';

// setState applies patch (a part of the state) whole or not at all and
// returns the new state. patch is an object literal ({t: 250}) of any
// realm (values.js isPlainObject): a Map, a Set, a class instance or an
// object whose fields sit on its prototype would reach Go as {} and change
// nothing without a word, and so would a field whose value JSON leaves out
// (undefined, a function, a symbol) or cannot write (a bigint).
export function setState(patch) {
  if (!isPlainObject(patch)) {
    throw Object.assign(new Error('setState takes an object such as {t: 250}: a plain one, not a Map, a Set or a class instance'), { code: 'object' });
  }
  for (const [key, v] of Object.entries(patch)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') {
      const name = key.slice(0, 64);
      throw Object.assign(new Error(`${name} is ${typeof v}: give it a value (a number, string or boolean), or leave it out`), { field: name });
    }
  }
  refuseLong(patch);
  const out = call('setState', toJSON(patch));
  emit('patch', patch);
  afterChange();
  return out.state;
}

// perf reports the page's frame rate and memory (the README's reference).
// perf({collect: true}) first runs Go's garbage collector, so that
// heapLiveBytes is what Go keeps now rather than at its last collection,
// and Go lets go of the JavaScript values it no longer holds (syscall/js
// releases them only when it collects): for measuring memory.
function perf(opts) {
  let collect = false;
  if (opts !== undefined) {
    if (!isPlainObject(opts)) {
      throw Object.assign(new Error('perf takes nothing or an object such as {collect: true}'), { code: 'object' });
    }
    for (const [key, v] of Object.entries(opts)) {
      if (key !== 'collect') throw refusal({ field: key.slice(0, 64), code: 'unknown', got: JSON.stringify(key.slice(0, 64)), options: ['collect'] });
      if (typeof v !== 'boolean') {
        throw Object.assign(new Error(`collect is ${typeof v}: give true or false`), { field: 'collect', code: 'type' });
      }
      collect = v;
    }
  }
  return { ...call('perf', collect), wasmBytes: wasmBytes() };
}

// refuseLong refuses, before the core sees it, a name or a string value
// longer than any field takes (the schema's maxString): the core would
// refuse it too, but only after copying it into Go's memory, which never
// shrinks (a 50-million-character string cost 407 MiB and 6 s).
function refuseLong(patch) {
  if (!schema()) return; // not started: call() refuses
  const max = schema().maxString;
  const clip = (str) => JSON.stringify(str.slice(0, max) + '…');
  for (const [key, v] of Object.entries(patch)) {
    if (key.length > max) {
      throw refusal({ field: key.slice(0, max), code: 'unknown', got: clip(key), options: schema().fields.map((f) => f.name) });
    }
    if (typeof v === 'string' && v.length > max) throw refusal({ field: key, code: 'length', max, got: clip(v) });
  }
}

// tryPatch is setState for the page's own controls: a refusal is shown
// in the error box and the controls show the valid state again.
export function tryPatch(patch) {
  try {
    setState(patch);
    return true;
  } catch (e) {
    showError(e);
    afterChange();
    return false;
  }
}

// loadImage makes a picture x₀ (web/upload.js: a large one is decoded off
// the main thread); it resolves with the file's {width, height}.
export async function loadImage(data) {
  if (!isReady()) throw new Error(w('notReady'));
  const size = await upload(data);
  afterChange();
  return size;
}

// shareURL is the page's address with the whole state in its query.
export function shareURL() {
  return location.origin + location.pathname + '?' + call('query');
}

// publish makes window.ddpm of the core's members and extra (the
// exports' members, web/export.js), frozen.
export function publish(extra) {
  window.ddpm = Object.freeze({
    ready,
    getState: () => call('getState'),
    setState,
    schedule: () => call('schedule'),
    stats: () => call('stats'),
    reverseStep: () => call('reverseStep'),
    perf,
    schema: () => call('schema'),
    loadImage,
    shareURL,
    ...extra,
  });
}

// api.js: window.ddpm, the public API (the README's reference). It wraps
// the core (web/bridge.js): a refused call throws an Error whose message
// is Go's English text, which programs can match, with .field and .code
// (and .min, .max, .options, .got where they apply).
import { call, callAsync, coreError, stageBytes, ready, isReady } from './bridge.js';
import { emit } from './events.js';
import { afterChange } from './scheduler.js';
import { showError } from './errors.js';
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
  const out = call('setState', toJSON(patch));
  emit('patch', patch);
  afterChange();
  return out.state;
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

async function bytesOf(data) {
  if (data instanceof Blob || (data && typeof data.arrayBuffer === 'function' && typeof data.size === 'number')) {
    return new Uint8Array(await data.arrayBuffer());
  }
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new Error('loadImage takes a Blob, File, ArrayBuffer or Uint8Array');
}

// loadImage decodes a picture in Go and makes it x₀; it resolves with its
// {width, height}.
export async function loadImage(data) {
  if (!isReady()) throw new Error(w('notReady'));
  const bytes = stageBytes(await bytesOf(data));
  const size = await new Promise((resolve, reject) => {
    callAsync('loadImage', bytes, (json) => resolve(JSON.parse(json)), (e) => reject(e instanceof Error ? e : coreError(JSON.parse(e))));
  });
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
    perf: () => call('perf'),
    schema: () => call('schema'),
    loadImage,
    shareURL,
    ...extra,
  });
}

// upload.js loads a visitor's picture into the core without freezing the
// page or growing Go's memory for good (Go's WebAssembly memory never
// shrinks: a 7000×7000 PNG decoded in Go took 196 MiB for ever, and 3.5 s
// of the main thread). Three steps:
//
//  1. the header: the core reads the file's first bytes (uploadHeader,
//     app.UploadHeader: the format, the size, the documented limits) and
//     answers with a plan (app.UploadPlan);
//  2. a picture the core keeps whole (a side of at most app.MaxKeptSide =
//     1024 pixels, a file of at most 8 MiB) is decoded by the core, as
//     before (loadImage, app.DecodeUpload);
//  3. a larger one is decoded by the browser in a one-shot Web Worker
//     (web/upload-worker.js), reduced there to the kept size, and only
//     that RGBA enters the core (loadPixels). Where the browser has no
//     createImageBitmap or OffscreenCanvas in workers, step 2 does it.
import { call, callAsync, coreError, stageBytes } from './bridge.js';

const HEAD = 64 << 10; // bytes read for the header first (4× more while it goes on)

// blobOf gives data (a Blob, File, ArrayBuffer or typed array) as a Blob.
export function blobOf(data) {
  if (data instanceof Blob || (data && typeof data.arrayBuffer === 'function' && typeof data.slice === 'function' && typeof data.size === 'number')) return data;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return new Blob([data]);
  throw new Error('loadImage takes a Blob, File, ArrayBuffer or Uint8Array');
}

// uploadPlan reads blob's header in the core; a refusal (empty, too big,
// not a picture, too many pixels) throws the core's Error.
async function uploadPlan(blob) {
  for (let n = HEAD; ; n *= 4) {
    const head = new Uint8Array(await blob.slice(0, n).arrayBuffer());
    const plan = call('uploadHeader', stageBytes(head), blob.size);
    if (!plan.more) return plan;
  }
}

function inCore(bytes) {
  return new Promise((resolve, reject) => {
    callAsync('loadImage', stageBytes(bytes), (json) => resolve(JSON.parse(json)), (e) => reject(e instanceof Error ? e : coreError(JSON.parse(e))));
  });
}

// decodeInWorker resolves with {width, height, rgba}, or {unavailable}.
function decodeInWorker(blob, plan) {
  return new Promise((resolve) => {
    let worker;
    try {
      worker = new Worker(new URL('upload-worker.js', import.meta.url), { name: 'dissolve-upload' });
    } catch (err) {
      resolve({ unavailable: String(err.message || err) });
      return;
    }
    worker.onmessage = (ev) => {
      worker.terminate();
      resolve(ev.data || { unavailable: 'no answer' });
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      worker.terminate();
      resolve({ unavailable: ev.message || 'the worker could not start' });
    };
    worker.postMessage({ blob, width: plan.rwidth, height: plan.rheight, fileWidth: plan.width, fileHeight: plan.height });
  });
}

// upload makes data the picture named "upload"; it resolves with the
// file's own {width, height}, or rejects with the core's refusal.
export async function upload(data) {
  const blob = blobOf(data);
  const plan = await uploadPlan(blob);
  if (plan.browser) {
    const out = await decodeInWorker(blob, plan);
    if (out.error !== undefined) call('uploadCorrupt', plan.format, out.error); // throws the refusal
    if (out.rgba) return call('loadPixels', out.width, out.height, stageBytes(new Uint8Array(out.rgba.buffer)), plan.width, plan.height);
    console.warn(`the picture is decoded on the main thread: ${out.unavailable}`);
  }
  return inCore(new Uint8Array(await blob.arrayBuffer()));
}

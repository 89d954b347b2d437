// upload-worker.js is a one-shot Web Worker (web/upload.js starts one per
// large upload and terminates it after the answer): the browser's own
// decoder turns a picture file into RGBA reduced to at most the size the
// core keeps, off the page's main thread and outside Go's memory, which
// never shrinks (docs/architecture.md, "Uploads").
//
//   request  {blob, width, height,       the file, the size to reduce to
//            fileWidth, fileHeight}      (app.UploadPlan's rwidth × rheight)
//                                        and its header's size
//   response {width, height, rgba}       straight (not premultiplied) RGBA,
//                                        its ArrayBuffer transferred
//          | {error}                     the file could not be decoded
//          | {unavailable}               this browser lacks createImageBitmap
//                                        or OffscreenCanvas: decode elsewhere
//
// Colours are the file's own numbers (colorSpaceConversion 'none', as Go's
// decoders, which ignore colour profiles). The browser applies a JPEG's
// EXIF orientation, which Go ignores: a turned picture is reduced to the
// turned size.
'use strict';

self.onmessage = async (event) => {
  const { blob, width, height, fileWidth, fileHeight } = event.data || {};
  if (typeof createImageBitmap !== 'function' || typeof OffscreenCanvas !== 'function') {
    self.postMessage({ unavailable: 'createImageBitmap or OffscreenCanvas is missing' });
    return;
  }
  let full;
  try {
    full = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (err) {
    self.postMessage({ error: String((err && err.message) || err) });
    return;
  }
  try {
    // The plan's size is for the stored orientation; a picture the browser
    // turned by a quarter is reduced to the turned size.
    const turned = fileWidth !== fileHeight && full.width === fileHeight && full.height === fileWidth;
    const w = turned ? height : width;
    const h = turned ? width : height;
    const small = await createImageBitmap(full, { resizeWidth: w, resizeHeight: h, resizeQuality: 'high', premultiplyAlpha: 'none' });
    full.close();
    const ctx = new OffscreenCanvas(w, h).getContext('2d', { willReadFrequently: true });
    ctx.drawImage(small, 0, 0);
    small.close();
    const rgba = ctx.getImageData(0, 0, w, h).data;
    self.postMessage({ width: w, height: h, rgba }, [rgba.buffer]);
  } catch (err) {
    self.postMessage({ unavailable: String((err && err.message) || err) });
  }
};

// values.js: small helpers on plain values, shared by the modules that
// check what a caller hands them (the API, the exports, postMessage) and
// by everything that prints a number.

// isPlainObject says whether x is an object literal of any realm (or has
// no prototype): not null, an array, a Map, a Set or a class instance.
export function isPlainObject(x) {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  // Null, or an Object.prototype of any realm (a same-origin page may
  // hand an embed its own objects): a prototype whose prototype is null.
  const proto = Object.getPrototypeOf(x);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

// toJSON is JSON.stringify that keeps NaN and ±Infinity visible to Go's
// validation as the strings "NaN", "Infinity", "-Infinity" (plain JSON
// would turn them into null, which Go could not tell from a missing value).
export function toJSON(value) {
  return JSON.stringify(value, (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

// fmt prints x with the given significant digits, in exponent form when
// it is very small or large, with a true minus sign; '–' for no number.
export function fmt(x, digits) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) return x.toExponential(digits - 1).replace(/-/g, '−');
  return Number(x.toPrecision(digits)).toString().replace('-', '−');
}

// decodeRGBA turns the core's base64 RGBA of count pictures of w×h into
// ImageData, one a picture.
export function decodeRGBA(base64, w, h, count) {
  const bin = atob(base64);
  const size = w * h * 4;
  const out = [];
  for (let k = 0; k < count; k++) {
    const bytes = new Uint8ClampedArray(size);
    for (let i = 0; i < size; i++) bytes[i] = bin.charCodeAt(k * size + i);
    out.push(new ImageData(bytes, w, h));
  }
  return out;
}

// menuValues are the values a menu of numbers offers: the presets inside
// [min, max], and the default, in order.
export function menuValues(presets, min, max, def) {
  return [...new Set([...presets.filter((v) => v >= min && v <= max), def])].sort((a, b) => a - b);
}

// schema.js: the state schema the Go core owns (wasm/app, served as
// ddpm.schema()): every field's name, kind, range or options, step,
// default and when it applies, the error codes and their message tables
// per language, the pane counts and the upload and export limits. The
// page takes all of these from here and restates none of them.
//
// Two copies of the same table: the build's (web/data/schema.json,
// written by scripts/build.sh from the same Go code), which lets the
// controls show their defaults while the WebAssembly loads, and the
// running core's, which replaces it at the first frame (its picture list
// is the pictures available now, t's maximum the current T).

let current = null;
const listeners = [];

export function schema() { return current; }

// field(name) is the schema's entry for a state field, or null.
export function field(name) {
  return (current && current.fields.find((f) => f.name === name)) || null;
}

// setSchema makes s the schema and tells the onSchema listeners.
export function setSchema(s) {
  current = s;
  for (const fn of listeners) fn(s);
}

export function onSchema(fn) { listeners.push(fn); }

// loadBuilt fetches the build's copy; without one (an old build) the
// controls wait for the core's.
export async function loadBuilt() {
  try {
    const resp = await fetch(new URL('data/schema.json', import.meta.url));
    if (!resp.ok) return null;
    return await resp.json();
  } catch (e) {
    return null;
  }
}

// applies says whether f applies in state s (its "when": e.g. the betas
// do not apply to the cosine schedule).
export function applies(f, s) {
  const c = f && f.when;
  if (!c || !s) return true;
  const v = s[c.field];
  if (c.in) return c.in.includes(v);
  if (c.not) return !c.not.includes(v);
  return true;
}

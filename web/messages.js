// messages.js lets the page that embeds the demo drive it with
// window.postMessage, across origins. The README documents the protocol:
//
//   host → demo   {type: "ddpm:setState", state: {t: 250, schedule: "cosine"}, id?}
//                 {type: "ddpm:getState", id?}
//                 {type: "ddpm:play", id?}      {type: "ddpm:pause", id?}
//   demo → host   {type: "ddpm:ready", state}                 once, when the first frame is on screen
//                 {type: "ddpm:state", state, id?, merged?}   the answer to a request (merged: how many
//                                                             requests the one change that answers it took),
//                                                             and on every change (changes of t alone at
//                                                             most 4 times a second)
//                 {type: "ddpm:error", field, message, id?, code?}
//                                                             a request that was refused; nothing changed
//                                                             (code "sender": not from the embedding page)
//
// State changes (setState, play, pause) are taken only from the embedding
// page (see refusal below); a burst of them is merged (see flush).
// A message is handled only if it is a plain object whose type is one of
// the four requests; anything else is junk and ignored without a word.
// A request with a bad shape (unknown keys, a state field of the wrong
// type, as the schema's kinds say) is answered with ddpm:error naming the field; the values are then
// checked by the same code as window.ddpm.setState (ranges, names). Nothing
// received is ever evaluated, used as a URL, or put into the page as HTML.
// Answers go to the sender's window and origin; the notices (ready, state)
// go to the parent window, on parentOrigin if the URL names one.
import { call, ready } from './bridge.js';
import { setState } from './api.js';
import { on } from './events.js';
import { schema, field } from './schema.js';
import { isPlainObject } from './values.js';

const REQUESTS = new Set(['ddpm:setState', 'ddpm:getState', 'ddpm:play', 'ddpm:pause']);
// The JavaScript type each kind of state field must have (the schema's
// kinds), in words for the error.
const TYPES = {
  integer: [Number.isInteger, () => 'an integer'],
  number: [(v) => typeof v === 'number' && Number.isFinite(v), () => 'a finite number'],
  enum: [(v) => typeof v === 'string' && v.length <= maxString(), () => `a string of at most ${maxString()} characters`],
  boolean: [(v) => typeof v === 'boolean', () => 'true or false'],
};
// The longest string any field accepts: ids and names are cut to it.
const maxString = () => schema().maxString;
const T_INTERVAL = 250; // ms between notices of t alone

class ShapeError extends Error {
  constructor(field, message) { super(message); this.field = field; }
}

// checkRequest throws a ShapeError for a request of the wrong shape and
// returns a clean copy of it (only known keys, only primitive values).
function checkRequest(data) {
  const req = { type: data.type };
  for (const key of Object.keys(data)) {
    if (key === 'type') continue;
    if (key === 'id') {
      const id = data.id;
      if (!((typeof id === 'string' && id.length <= maxString()) || (typeof id === 'number' && Number.isFinite(id)))) {
        throw new ShapeError('id', `id must be a string of at most ${maxString()} characters or a finite number`);
      }
      req.id = id;
    } else if (key === 'state' && data.type === 'ddpm:setState') {
      req.state = checkState(data.state);
    } else {
      throw new ShapeError(key.slice(0, maxString()), `${data.type} has no field "${key.slice(0, maxString())}"; its fields are type${data.type === 'ddpm:setState' ? ', state' : ''} and id`);
    }
  }
  if (data.type === 'ddpm:setState' && !req.state) {
    throw new ShapeError('state', 'ddpm:setState needs state, an object such as {t: 250}');
  }
  return req;
}

function checkState(state) {
  if (!isPlainObject(state)) throw new ShapeError('state', 'state must be an object such as {t: 250}');
  const keys = Object.keys(state);
  if (keys.length === 0) throw new ShapeError('state', 'state is empty: give at least one field, such as {t: 250}');
  const clean = {};
  for (const key of keys) {
    const f = field(key);
    const v = state[key];
    const name = key.slice(0, maxString());
    if (!f) throw new ShapeError(name, `unknown state field "${name}"; the fields are ${schema().fields.map((g) => g.name).join(', ')}`);
    const [ok, what] = TYPES[f.kind];
    if (!ok(v)) throw new ShapeError(name, `${name} must be ${what()}`);
    clean[key] = v;
  }
  return clean;
}

function reply(event, msg) {
  // An opaque origin ("null", a sandboxed host) can only be addressed with "*".
  const target = event.origin && event.origin !== 'null' ? event.origin : '*';
  try { event.source.postMessage(msg, target); } catch (e) { /* the sender is gone */ }
}

function withId(msg, req) {
  if (req && req.id !== undefined) msg.id = req.id;
  return msg;
}

// ---- Who may change the state --------------------------------------------
// Only the page that embeds the demo (window.parent) may change its state;
// with ?parentOrigin=https://blog.example in the embed's URL, only if that
// page is on that origin. A page that is not embedded takes no state
// changes at all (not from itself, its opener or a popup). getState is
// answered to anyone: the state is in every share link, not a secret.
const embedded = window.parent !== window;

// readOrigin reads parentOrigin by app.ParseOrigin's rule: undefined when
// the URL names none, null when it is not an origin (then no page may
// change the state: a typo must not open the demo to every page), else
// the origin as event.origin spells it.
function readOrigin(v) {
  if (v === null) return undefined;
  try {
    const u = new URL(v);
    const ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.origin !== 'null' &&
      v.replace(/\/$/, '').toLowerCase() === u.origin;
    return ok ? u.origin : null;
  } catch (e) {
    return null;
  }
}
const allowedOrigin = readOrigin(new URLSearchParams(location.search).get('parentOrigin'));

// refusal says why event's sender may not send a request of this type, or
// is null when it may.
function refusal(event, type) {
  if (type === 'ddpm:getState') return null;
  if (!embedded) return `${type} is accepted only from the page that embeds the demo in an <iframe>; this page is not embedded`;
  if (event.source !== window.parent) return `${type} is accepted only from the page that embeds the demo (window.parent), not from another window`;
  if (allowedOrigin === null) return `${type} is refused: the demo's URL names a parentOrigin that is not an origin`;
  if (allowedOrigin !== undefined && event.origin !== allowedOrigin) return `${type} is accepted only from ${allowedOrigin} (the demo's parentOrigin), not from ${event.origin}`;
  return null;
}

window.addEventListener('message', (event) => {
  const data = event.data;
  if (!isPlainObject(data) || typeof data.type !== 'string' || !REQUESTS.has(data.type)) return; // junk
  if (!event.source || typeof event.source.postMessage !== 'function') return;
  // The fields are the schema's: without the build's copy, the core's.
  if (schema()) receive(event, data);
  else ready.then(() => receive(event, data));
});

// cleanId is a request's id if it is one the answer may carry.
function cleanId(data) {
  const id = data.id;
  return (typeof id === 'string' && id.length <= maxString()) || (typeof id === 'number' && Number.isFinite(id)) ? id : undefined;
}

function receive(event, data) {
  const why = refusal(event, data.type);
  if (why) {
    enqueue({ event, req: { id: cleanId(data) }, error: { type: 'ddpm:error', field: null, code: 'sender', message: why } });
    return;
  }
  let req;
  try {
    req = checkRequest(data);
  } catch (e) {
    if (!(e instanceof ShapeError)) return;
    enqueue({ event, req: { id: cleanId(data) }, error: { type: 'ddpm:error', field: e.field, message: e.message } });
    return;
  }
  enqueue({ event, req });
}

// ---- Bursts ----------------------------------------------------------------
// Requests wait in a queue for the next animation frame (or 100 ms, when
// frames do not come: a hidden tab). Then the state changes among them are
// merged in order (a field's last value wins) and applied as one setState,
// and every request is answered, in order, with the state after that one
// change. A change the merged patch refuses is taken out (the last
// request that set the refused field gets the error) and the rest is tried
// again; so 1,000 requests cost one change, not 1,000.
const queue = [];
let flushRaf = 0;
let flushTimer = 0;

let started = false; // ready has resolved: requests before wait for it

function enqueue(item) {
  queue.push(item);
  if (started) schedule();
}
ready.then(() => {
  started = true;
  if (queue.length) schedule();
});

function schedule() {
  if (flushRaf || flushTimer) return;
  flushRaf = requestAnimationFrame(flush);
  flushTimer = setTimeout(flush, 100);
}

function patchOf(req) {
  switch (req.type) {
    case 'ddpm:play': return { playing: true };
    case 'ddpm:pause': return { playing: false };
    default: return req.state;
  }
}

// applyAll applies the merged patch of changes and returns the requests
// it applied; refused maps each refused request to its error.
function applyAll(changes, refused) {
  let left = changes.slice();
  while (left.length) {
    try {
      setState(Object.assign({}, ...left.map((it) => patchOf(it.req))));
      return left;
    } catch (e) {
      let culprit = -1;
      for (let i = left.length - 1; i >= 0 && e.field; i--) {
        if (Object.hasOwn(patchOf(left[i].req), e.field)) { culprit = i; break; }
      }
      if (culprit < 0) break; // not one request's field: one by one, below
      refused.set(left[culprit], e);
      left.splice(culprit, 1);
    }
  }
  const applied = [];
  for (const it of left) {
    try {
      setState(patchOf(it.req));
      applied.push(it);
    } catch (e) {
      refused.set(it, e);
    }
  }
  return applied;
}

function flush() {
  cancelAnimationFrame(flushRaf);
  clearTimeout(flushTimer);
  flushRaf = 0;
  flushTimer = 0;
  const batch = queue.splice(0);
  const changes = batch.filter((it) => !it.error && it.req.type !== 'ddpm:getState');
  const refused = new Map();
  const applied = new Set(changes.length ? applyAll(changes, refused) : []);
  let state;
  try {
    state = call('getState');
  } catch (e) {
    for (const it of batch) reply(it.event, withId({ type: 'ddpm:error', field: null, message: String(e.message || e) }, it.req));
    return;
  }
  noteSent(state);
  for (const it of batch) {
    const e = it.error ? null : refused.get(it);
    if (it.error) reply(it.event, withId({ ...it.error }, it.req));
    else if (e) reply(it.event, withId({ type: 'ddpm:error', field: e.field || null, message: String(e.message || e) }, it.req));
    else if (applied.has(it)) reply(it.event, withId({ type: 'ddpm:state', state, merged: applied.size }, it.req));
    else reply(it.event, withId({ type: 'ddpm:state', state }, it.req));
  }
}

let lastKey = null;
let lastT = null;
let lastTAt = 0;
let pendingT = 0;

// ---- Notices to the parent page -----------------------------------------
const parent = window.parent !== window ? window.parent : null;

// The notices go to the parent on parentOrigin when the URL names one
// (to none when it names something else), else whatever its origin.
function post(msg) {
  if (!parent || allowedOrigin === null) return;
  try { parent.postMessage(msg, allowedOrigin || '*'); } catch (e) { /* gone */ }
}

function keyOf(s) { return JSON.stringify({ ...s, t: 0 }); }

function noteSent(s) {
  lastKey = keyOf(s);
  lastT = s.t;
  lastTAt = performance.now();
}

function notice(s) {
  noteSent(s);
  post({ type: 'ddpm:state', state: s });
}

on('ready', () => {
  // Read the state again: the embed mode may have paused it meanwhile.
  const s = call('getState');
  noteSent(s);
  post({ type: 'ddpm:ready', state: s });
});

on('frame', (f) => {
  const s = f.state;
  if (lastKey === null) return; // before ready
  if (keyOf(s) !== lastKey) {
    clearTimeout(pendingT);
    pendingT = 0;
    notice(s);
    return;
  }
  if (s.t === lastT) return;
  const wait = T_INTERVAL - (performance.now() - lastTAt);
  if (wait <= 0) {
    clearTimeout(pendingT);
    pendingT = 0;
    notice(s);
  } else if (!pendingT) {
    // The last t of a burst is always told, a little later.
    pendingT = setTimeout(() => {
      pendingT = 0;
      try { notice(call('getState')); } catch (e) { /* stopped */ }
    }, wait);
  }
});


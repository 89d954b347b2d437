// messages.js lets the page that embeds the demo drive it with
// window.postMessage, across origins. The README documents the protocol:
//
//   host → demo   {type: "ddpm:setState", state: {t: 250, schedule: "cosine"}, id?}
//                 {type: "ddpm:getState", id?}
//                 {type: "ddpm:play", id?}      {type: "ddpm:pause", id?}
//   demo → host   {type: "ddpm:ready", state}                 once, when the first frame is on screen
//                 {type: "ddpm:state", state, id?}            the answer to a request, and on every change
//                                                             (changes of t alone at most 4 times a second)
//                 {type: "ddpm:error", field, message, id?}   a request that was refused; nothing changed
//
// A message is handled only if it is a plain object whose type is one of
// the four requests; anything else is junk and ignored without a word.
// A request with a bad shape (unknown keys, a state field of the wrong
// type, as the schema's kinds say) is answered with ddpm:error naming the field; the values are then
// checked by the same code as window.ddpm.setState (ranges, names). Nothing
// received is ever evaluated, used as a URL, or put into the page as HTML.
// Answers go to the sender's window and origin; the notices (ready, state)
// go to the parent window, whatever its origin: the state is not secret.
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

let lastKey = null;
let lastT = null;
let lastTAt = 0;
let pendingT = 0;

function handle(event, req) {
  let state;
  try {
    switch (req.type) {
      case 'ddpm:setState': state = setState(req.state); break;
      case 'ddpm:play': state = setState({ playing: true }); break;
      case 'ddpm:pause': state = setState({ playing: false }); break;
      default: state = call('getState');
    }
  } catch (e) {
    reply(event, withId({ type: 'ddpm:error', field: e.field || null, message: String(e.message || e) }, req));
    return;
  }
  noteSent(state);
  reply(event, withId({ type: 'ddpm:state', state }, req));
}

window.addEventListener('message', (event) => {
  const data = event.data;
  if (!isPlainObject(data) || typeof data.type !== 'string' || !REQUESTS.has(data.type)) return; // junk
  if (!event.source || typeof event.source.postMessage !== 'function') return;
  // The fields are the schema's: without the build's copy, the core's.
  if (schema()) receive(event, data);
  else ready.then(() => receive(event, data));
});

function receive(event, data) {
  let req;
  try {
    req = checkRequest(data);
  } catch (e) {
    if (!(e instanceof ShapeError)) return;
    const msg = { type: 'ddpm:error', field: e.field, message: e.message };
    if (data.id !== undefined && (typeof data.id === 'string' || typeof data.id === 'number') && String(data.id).length <= maxString()) msg.id = data.id;
    reply(event, msg);
    return;
  }
  // Requests that arrive before the first frame wait for it, in order.
  ready.then(() => handle(event, req));
}

// ---- Notices to the parent page -----------------------------------------
const parent = window.parent !== window ? window.parent : null;

function post(msg) {
  if (!parent) return;
  try { parent.postMessage(msg, '*'); } catch (e) { /* gone */ }
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


// keys.js: the page's keyboard. Keys pressed on the page and on the
// canvas (the stage relays them, web/stage.js) go to the handlers in the
// order they were added: the page's own (Space, ←/→, Home/End, F) first,
// then the teacher's path's and presentation mode's. Controls keep their
// own keys (typing a number, moving a slider, pressing a button).
import { call, isReady, onStage } from './bridge.js';
import { tryPatch } from './api.js';
import { typingTarget } from './dom.js';
import { togglePlay, stepBy, fullscreen, stageHasFocus } from './controls.js';

const handlers = [];
const claims = [];
let lessonRunning = () => false;

// onKey(fn): fn(event) for each key, after the handlers added before.
export function onKey(fn) { handlers.push(fn); }

// claimKeys(fn): fn(event) says whether a mode (presentation) takes the
// key from the page's own bindings.
export function claimKeys(fn) { claims.push(fn); }

// Keys that scroll the page (Page Up/Down, Home/End) belong to the demo
// only while the stage has the focus or the lesson is running (the
// teacher's path says when: setLessonRunning); otherwise the page
// scrolls as any page does.
export function setLessonRunning(fn) { lessonRunning = fn; }
export function pageKeysBound() {
  return stageHasFocus() || lessonRunning();
}

function pageKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (typingTarget(e) || (e.target && e.target.tagName === 'BUTTON' && (e.key === ' ' || e.key === 'Enter'))) return;
  if (!isReady()) return;
  if (claims.some((claim) => claim(e))) return;
  const s = call('getState');
  switch (e.key) {
    case ' ': togglePlay(); break;
    case 'ArrowLeft': stepBy(e.shiftKey ? -10 : -1); break;
    case 'ArrowRight': stepBy(e.shiftKey ? 10 : 1); break;
    case 'Home': if (!pageKeysBound()) return; tryPatch({ playing: false, t: 0 }); break;
    case 'End': if (!pageKeysBound()) return; tryPatch({ playing: false, t: s.T }); break;
    case 'f': case 'F': fullscreen(); break;
    default: return;
  }
  e.preventDefault();
}
onKey(pageKey);

function dispatch(e) {
  for (const fn of handlers) {
    try { fn(e); } catch (err) { console.error(err); }
  }
}
document.addEventListener('keydown', dispatch);
onStage('key', dispatch);

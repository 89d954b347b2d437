// embed.js is the page's embed mode, for an <iframe> in someone else's
// page: index.html?embed=1. web/boot.js has already set the html.embed
// class (web/embed.css) before the first paint and started an embed
// paused (see there); this module does the rest:
//   - it plays only while at least a quarter of it is on screen and the tab
//     is visible, and it resumes only if the visitor had not paused it;
//   - a transparent shield lies over the canvas until the visitor taps or
//     clicks it, so a finger dragging over the embed scrolls the host page
//     (Ebiten's touch handlers would call preventDefault); the shield
//     returns when the embed leaves the screen or loses the focus;
//   - nothing takes the keyboard focus until the visitor clicks;
//   - a link opens the full demo in a new tab with the same state.
import { $, text } from './dom.js';
import { w } from './i18n.js';
import { call, isReady } from './bridge.js';
import { shareURL, tryPatch } from './api.js';
import { on } from './events.js';

const root = document.documentElement;

// Whether the embed plays once seen: web/boot.js read it from the URL
// before it started the core paused.
const startPlaying = root.dataset.startPlaying === 'true';

function embedMode() {
  const stageBox = $('stage-box');

  // "Open the full demo": the same state, without embed=1.
  const open = text('a', 'embedOpen', { id: 'embed-open', class: 'embed-open', target: '_blank', rel: 'noopener', href: 'index.html' });
  document.querySelector('.transport').append(open);
  const refreshLink = () => {
    if (isReady()) open.href = shareURL();
  };
  open.addEventListener('pointerdown', refreshLink);
  open.addEventListener('focus', refreshLink);

  // The shield over the canvas.
  const shield = document.createElement('button');
  shield.type = 'button';
  shield.id = 'embed-shield';
  shield.className = 'embed-shield';
  shield.tabIndex = -1; // not a tab stop: keyboard users reach the controls below
  shield.dataset.i18nAria = 'embedShieldLabel';
  shield.setAttribute('aria-label', w('embedShieldLabel'));
  shield.append(text('span', 'embedShield'));
  stageBox.append(shield);
  const raise = () => { shield.hidden = false; };
  shield.addEventListener('click', () => {
    shield.hidden = true;
    // The visitor chose to interact: now the canvas may take the keys.
    $('stage').focus({ preventScroll: true });
  });
  window.addEventListener('blur', () => {
    // Focus moving into our own stage iframe is not leaving.
    setTimeout(() => { if (!document.hasFocus()) raise(); }, 0);
  });

  // Playing only while seen. wantPlaying is the visitor's (or the host
  // page's) choice; autoPaused marks a pause that is ours.
  let onScreen = false;
  let tabVisible = document.visibilityState !== 'hidden';
  let wantPlaying = null; // unknown until the first frame
  let autoPaused = false;
  let lastPlaying = null;
  let ours = false; // apply() is patching

  function seen() { return onScreen && tabVisible; }

  function apply() {
    if (!isReady() || wantPlaying === null) return;
    const playing = call('getState').playing;
    ours = true;
    try {
      if (!seen() && playing) {
        autoPaused = true;
        lastPlaying = false;
        tryPatch({ playing: false });
      } else if (seen() && autoPaused && wantPlaying && !playing) {
        autoPaused = false;
        lastPlaying = true;
        tryPatch({ playing: true });
      }
    } finally {
      ours = false;
    }
  }

  // An explicit play or pause (the host, the API, a key) is the new
  // choice, even when it changes nothing on screen: a pause asked for
  // while we had paused must not be undone when the demo comes into view.
  on('patch', (p) => {
    if (ours || wantPlaying === null || !p || typeof p !== 'object' || !('playing' in p)) return;
    wantPlaying = Boolean(p.playing);
    autoPaused = false;
    lastPlaying = call('getState').playing;
    if (wantPlaying && !seen()) apply(); // asked to play while unseen: wait until seen
  });

  on('frame', (f) => {
    const p = f.state.playing;
    if (wantPlaying === null) {
      wantPlaying = startPlaying;
      lastPlaying = p;
      autoPaused = startPlaying && !p;
      apply();
      return;
    }
    if (p !== lastPlaying) { // a change we did not make
      lastPlaying = p;
      wantPlaying = p;
      autoPaused = false;
      if (p && !seen()) apply(); // asked to play while unseen: wait until seen
    }
  });

  if ('IntersectionObserver' in window) {
    new IntersectionObserver((entries) => {
      const e = entries[entries.length - 1];
      onScreen = e.isIntersecting && e.intersectionRatio >= 0.25;
      if (!onScreen) raise();
      apply();
    }, { threshold: [0, 0.25, 0.5, 1] }).observe(stageBox);
  } else {
    onScreen = true;
  }
  document.addEventListener('visibilitychange', () => {
    tabVisible = document.visibilityState !== 'hidden';
    apply();
  });
}

if (root.classList.contains('embed')) embedMode();

// embed.js is the page's embed mode, for an <iframe> in someone else's
// page: index.html?embed=1. It loads in <head> without defer, so the
// html.embed class (web/embed.css) is set before the first paint; the rest
// waits for DOMContentLoaded, when web/app.js has defined dissolvePage.
//
// In embed mode:
//   - no page chrome, compact controls, the picture fills the iframe;
//   - it plays only while at least a quarter of it is on screen and the tab
//     is visible, and it resumes only if the visitor had not paused it;
//   - a transparent shield lies over the canvas until the visitor taps or
//     clicks it, so a finger dragging over the embed scrolls the host page
//     (Ebiten's touch handlers would call preventDefault); the shield
//     returns when the embed leaves the screen or loses the focus;
//   - nothing takes the keyboard focus until the visitor clicks;
//   - a link opens the full demo in a new tab with the same state.
// It also explains what a sandboxed <iframe> must allow.
'use strict';

(function () {
  const params = new URLSearchParams(location.search);
  const embedded = params.has('embed') && params.get('embed') !== '0';
  if (embedded) document.documentElement.classList.add('embed');

  // An embed starts paused whatever its URL says, and plays once it is
  // seen if the URL (or the default) asked to play. The Go core reads its
  // start state from this URL (web/stage.js), so play=0 goes in first.
  let startPlaying = null;
  if (embedded) {
    const play = params.get('play');
    const reduce = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    startPlaying = play === null ? !reduce : play === '1' || play === 'true';
    if (play !== '0') {
      params.set('play', '0');
      try { history.replaceState(history.state, '', `${location.pathname}?${params}${location.hash}`); } catch (e) { /* sandboxed */ }
    }
  }

  // In <iframe sandbox> without allow-same-origin the page has an opaque
  // origin ("null"): it can reach neither its own stage iframe nor its
  // files, so it would never start. Say what it needs instead.
  const opaque = self.origin === 'null';

  document.addEventListener('DOMContentLoaded', () => {
    const page = window.dissolvePage;
    page.words({
      en: {
        embedOpen: 'Open the full demo ↗',
        embedShield: 'Tap or click to interact',
        embedShieldLabel: 'Start interacting with the demo (until then, scrolling over it scrolls the page)',
        embedSandbox: 'This demo needs scripts and its own origin. Embed it with <iframe sandbox="allow-scripts allow-same-origin"> (add allow-popups for the "open the full demo" link, allow-downloads for the exports), or without a sandbox attribute.',
      },
      ko: {
        embedOpen: '전체 데모 열기 ↗',
        embedShield: '눌러서 조작하기',
        embedShieldLabel: '데모 조작 시작 (그 전에는 데모 위에서 스크롤하면 페이지가 스크롤됩니다)',
        embedSandbox: '이 데모에는 스크립트와 자체 출처가 필요합니다. <iframe sandbox="allow-scripts allow-same-origin">으로 넣거나(“전체 데모 열기” 링크에는 allow-popups, 내보내기에는 allow-downloads 추가) sandbox 속성 없이 넣으세요.',
      },
    });
    if (opaque) {
      const box = document.getElementById('stopped');
      box.textContent = page.w('embedSandbox');
      box.hidden = false;
    }
    if (embedded) embedMode(page);
  });

  function embedMode(page) {
    const stageBox = document.getElementById('stage-box');

    // "Open the full demo": the same state, without embed=1.
    const open = document.createElement('a');
    open.id = 'embed-open';
    open.className = 'embed-open';
    open.target = '_blank';
    open.rel = 'noopener';
    open.dataset.i18n = 'embedOpen';
    open.textContent = page.w('embedOpen');
    open.href = 'index.html';
    document.querySelector('.transport').append(open);
    const refreshLink = () => {
      if (page.isReady()) open.href = window.ddpm.shareURL();
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
    shield.setAttribute('aria-label', page.w('embedShieldLabel'));
    const hint = document.createElement('span');
    hint.dataset.i18n = 'embedShield';
    hint.textContent = page.w('embedShield');
    shield.append(hint);
    if (!opaque) stageBox.append(shield); // with nothing to interact with, no shield
    const raise = () => { shield.hidden = false; };
    shield.addEventListener('click', () => {
      shield.hidden = true;
      // The visitor chose to interact: now the canvas may take the keys.
      document.getElementById('stage').focus({ preventScroll: true });
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
      if (!page.isReady() || wantPlaying === null) return;
      const playing = window.ddpm.getState().playing;
      ours = true;
      try {
        if (!seen() && playing) {
          autoPaused = true;
          lastPlaying = false;
          page.tryPatch({ playing: false });
        } else if (seen() && autoPaused && wantPlaying && !playing) {
          autoPaused = false;
          lastPlaying = true;
          page.tryPatch({ playing: true });
        }
      } finally {
        ours = false;
      }
    }

    // An explicit play or pause (the host, the API, a key) is the new
    // choice, even when it changes nothing on screen: a pause asked for
    // while we had paused must not be undone when the demo comes into view.
    page.on('patch', (p) => {
      if (ours || wantPlaying === null || !p || typeof p !== 'object' || !('playing' in p)) return;
      wantPlaying = Boolean(p.playing);
      autoPaused = false;
      lastPlaying = window.ddpm.getState().playing;
      if (wantPlaying && !seen()) apply(); // asked to play while unseen: wait until seen
    });

    page.on('frame', (f) => {
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
})();

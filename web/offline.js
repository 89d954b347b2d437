// offline.js registers the page's service worker (sw.js, at the site's
// root), which keeps the page's own files so that a reload without a
// network still works (see sw.js). It waits for the first frame, so that
// the worker's downloads do not compete with the page's. Where service
// workers are not available (an opaque origin, storage blocked for an
// embed on another site, a browser without them) the page works as
// before, online only.
import { on } from './events.js';

// window.dissolveOffline = false, set before the page's scripts run,
// keeps the page online only (a host that wants no copy kept; the browser
// tests other than the offline ones, which would each download the page's
// 25 MB of files into the cache).
on('ready', () => {
  if (globalThis.dissolveOffline === false) return;
  if (!('serviceWorker' in navigator) || self.origin === 'null') return;
  navigator.serviceWorker.register(new URL('../sw.js', import.meta.url)).catch(() => { /* online only */ });
});

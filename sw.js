// sw.js is the page's service worker: after the first visit the page
// works without a network (a classroom's Wi-Fi that drops mid-lesson).
// It lives at the site's root so that its scope covers index.html and
// web/; web/offline.js registers it once the first frame is on screen.
//
// - install: it stores the page's own files (web/data/offline.js, written
//   by scripts/offline at every build and by make dist: the scripts,
//   styles, words, stage, both WebAssembly builds, the built-in pictures,
//   the schema and the data sets) in the cache "dissolve-VERSION";
//   VERSION is the SHA-256 of those files, so make dist's new hashed wasm
//   names (or any changed file) make a new version;
// - activate: it deletes every older "dissolve-…" cache: a new deployment
//   replaces the old one;
// - fetch: for those files only (same origin, GET), the network first,
//   exactly as without a service worker; the cached copy when the network
//   fails (or has not answered in SLOW_MS). Nothing from another origin is
//   touched, nothing is stored at run time, and no response is changed:
//   the headers (the CSP among them) are the server's.
'use strict';

importScripts('web/data/offline.js');

const offline = self.dissolveOffline;
const PREFIX = 'dissolve-';
const CACHE = PREFIX + offline.version;
const SLOW_MS = 8000;
// The files by their address without a query (index.html?t=5 is index.html).
const files = new Set(offline.files.map((f) => new URL(f, self.location.href).href));

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // no-cache: revalidated with the server, so a file the page has just
    // loaded costs a 304, not a second download.
    await cache.addAll([...files].map((url) => new Request(url, { cache: 'no-cache' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  const key = url.origin + url.pathname;
  if (!files.has(key)) return;
  event.respondWith(networkFirst(req, key));
});

async function fromCache(key) {
  const cache = await caches.open(CACHE);
  return cache.match(key, { ignoreVary: true });
}

async function networkFirst(req, key) {
  const net = fetch(req);
  net.catch(() => {}); // answered from the cache; its failure is not news
  let timer = 0;
  const slow = new Promise((resolve) => { timer = setTimeout(resolve, SLOW_MS, 'slow'); });
  try {
    const first = await Promise.race([net, slow]);
    if (first !== 'slow') return first;
    return (await fromCache(key)) || (await net);
  } catch (err) {
    const hit = await fromCache(key);
    if (hit) return hit;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

// Tournée service worker (modelled on svgomg's): precache the app shell listed by
// /precache.json into a cache named by its content hash, serve the shell cache-first,
// never touch /api/, and wait to be told before taking over (STYLE.md habit 10).
const PREFIX = 'tournee-shell-';
// The page registers /sw.js?v=<version of precache.json>: each release's worker owns one cache.
const CACHE = PREFIX + (new URL(location.href).searchParams.get('v') || 'default');

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const res = await fetch('/precache.json', { cache: 'no-store' });
    if (!res.ok) throw new Error(`precache.json: HTTP ${res.status}`);
    const { files } = await res.json();
    const cache = await caches.open(CACHE);
    // cache: 'reload' so a stale HTTP cache never lands in a new release.
    await cache.addAll(files.map((url) => new Request(url, { cache: 'reload' })));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    let first = true;
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) { await caches.delete(name); first = false; }
    }
    // The first release on a device serves the page that installed it at once, so that what the
    // page loads later offline comes from the cache (the other language's words: lib/i18n.js).
    // A later release takes over only when the page asks (below): no claim then.
    if (first) await self.clients.claim();
  })());
});

// The page asks once the user accepted the update and the outbox is empty.
self.addEventListener('message', (event) => {
  if (event.data?.type === 'skipWaiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return; // map tiles and the like: straight to the network
  if (url.pathname.startsWith('/api/') || url.pathname === '/precache.json' || url.pathname === '/sw.js') return;

  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(request, { ignoreSearch: request.mode === 'navigate' });
    if (hit) return hit;
    try {
      return await fetch(request);
    } catch (error) {
      // Offline navigation to any path of the app: the cached shell.
      if (request.mode === 'navigate') {
        const shell = await cache.match('/');
        if (shell) return shell;
      }
      throw error;
    }
  })());
});

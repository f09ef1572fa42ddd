// Service worker: the shell of /precache.json precached (one cache per content hash) and served
// cache-first; /api/ never touched; takes over only when told (STYLE.md habit 10).
const PREFIX = 'tournee-shell-';
// Registered as /sw.js?v=<version>: each release's worker owns one cache.
const CACHE = PREFIX + (new URL(location.href).searchParams.get('v') || 'default');

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const res = await fetch('/precache.json', { cache: 'no-store' });
    if (!res.ok) throw new Error(`precache.json: HTTP ${res.status}`);
    const { files } = await res.json();
    const cache = await caches.open(CACHE);
    // No stale HTTP cache in a new release.
    await cache.addAll(files.map((url) => new Request(url, { cache: 'reload' })));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    let first = true;
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) { await caches.delete(name); first = false; }
    }
    // A first release claims the page at once, so what it loads later offline is cached; a later
    // one waits to be asked.
    if (first) await self.clients.claim();
  })());
});

// Asked once the user accepted the update and the outbox is empty.
self.addEventListener('message', (event) => {
  if (event.data?.type === 'skipWaiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return; // map tiles: the network
  if (url.pathname.startsWith('/api/') || url.pathname === '/precache.json' || url.pathname === '/sw.js') return;

  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(request, { ignoreSearch: request.mode === 'navigate' });
    if (hit) return hit;
    try {
      return await fetch(request);
    } catch (error) {
      if (request.mode === 'navigate') {
        const shell = await cache.match('/');
        if (shell) return shell;
      }
      throw error;
    }
  })());
});

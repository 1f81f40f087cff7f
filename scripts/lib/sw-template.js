/* The site's service worker (written by the build): precaches what every visit
   needs, caches models and data as they are first used, and serves them offline.
   A new build has a new VERSION and replaces the old caches. */
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const BASE = __BASE__;
const CACHE = `harnessing-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('harnessing-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith(BASE)) return;
  if (request.mode === 'navigate') {
    // pages: the network first (a new build shows at once), the cache when offline
    event.respondWith(
      fetch(request)
        .then((response) => {
          const copy = response.clone();
          if (response.ok) caches.open(CACHE).then((c) => c.put(url.pathname, copy));
          return response;
        })
        .catch(() => caches.match(url.pathname, { ignoreSearch: true }).then((r) => r || caches.match(BASE))),
    );
    return;
  }
  // everything else: the cache first, then the network, keeping what was fetched
  event.respondWith(
    caches.match(request, { ignoreSearch: true }).then(
      (hit) =>
        hit ||
        fetch(request).then((response) => {
          if (response.ok && response.type === 'basic') {
            const copy = response.clone();
            caches.open(CACHE).then((c) => c.put(request, copy));
          }
          return response;
        }),
    ),
  );
});

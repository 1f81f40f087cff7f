/* The site's service worker (written by the build): precaches what every visit
   needs, caches models and data as they are first used, and serves them offline.
   A new build has a new VERSION and replaces the old caches.
   - A file that cannot be precached does not stop the installation: it is logged
     and fetched (and cached) on first use.
   - A request made with `cache: 'reload'` (the compute worker's, after a file failed
     its integrity check and was deleted from the cache) goes to the network first,
     so a fixed file on the server replaces a damaged copy without clearing site data.
   - Pages: the network first, then the cache; a page never seen offline gets the
     site's 404 page rather than another page. */
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const BASE = __BASE__;
const CACHE = `harnessing-${VERSION}`;
const NOT_FOUND = `${BASE}404.html`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const results = await Promise.allSettled(
        PRECACHE.map(async (url) => {
          const response = await fetch(new Request(url, { cache: 'reload' }));
          if (!response.ok) throw new Error(`the server answered ${response.status}`);
          await cache.put(url, response);
        }),
      );
      results.forEach((r, i) => {
        if (r.status === 'rejected') console.warn(`Harnessing offline copy: ${PRECACHE[i]} was not precached (${r.reason?.message ?? r.reason}); it is fetched on first use`);
      });
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('harnessing-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
      // a compute worker started before this one took control fetched past it: it says what it loaded
      .then(() => offline.postMessage({ type: 'ask' })),
  );
});

/* The compute worker names the files it loaded and verified (models, digits); those not yet in the
   cache are fetched (the browser's HTTP cache usually answers) and kept. */
const offline = new BroadcastChannel('harnessing-offline');
const keeping = new Set();
offline.onmessage = (event) => {
  const urls = event.data && event.data.type === 'keep' && Array.isArray(event.data.urls) ? event.data.urls : [];
  (async () => {
    const cache = await caches.open(CACHE);
    for (const u of urls) {
      let url;
      try {
        url = new URL(u);
      } catch {
        continue;
      }
      if (url.origin !== self.location.origin || !url.pathname.startsWith(BASE) || keeping.has(url.href)) continue;
      keeping.add(url.href);
      try {
        if (await cache.match(url.href, { ignoreSearch: true })) continue;
        const response = await fetch(url.href).catch(() => null);
        // stored whole, not as a clone: a clone's body waits on its unread twin
        if (response && response.ok && response.type === 'basic' && response.status === 200) await cache.put(url.href, response);
      } finally {
        keeping.delete(url.href);
      }
    }
  })().catch(() => {});
};

/** Keeps a good same-origin answer; a failure to store is not the reader's problem. */
function keep(key, response) {
  if (!response.ok || response.type !== 'basic' || response.status !== 200) return;
  const copy = response.clone();
  caches
    .open(CACHE)
    .then((c) => c.put(key, copy))
    .catch(() => {});
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith(BASE)) return;
  // byte ranges go to the server as they are
  if (request.headers.has('range')) return;
  if (request.mode === 'navigate') {
    // pages: the network first (a new build shows at once), the cache when offline
    event.respondWith(
      fetch(request)
        .then((response) => {
          keep(url.pathname, response);
          return response;
        })
        .catch(async () => {
          const hit =
            (await caches.match(url.pathname, { ignoreSearch: true })) ||
            (!url.pathname.endsWith('/') && (await caches.match(`${url.pathname}/`, { ignoreSearch: true })));
          if (hit) return hit;
          const missing = await caches.match(NOT_FOUND);
          if (missing) return new Response(missing.body, { status: 404, statusText: 'Not Found', headers: missing.headers });
          return Response.error();
        }),
    );
    return;
  }
  if (request.cache === 'reload' || request.cache === 'no-store') {
    // asked to go past the caches: the network first, the cache only when it cannot be reached
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (request.cache === 'reload') keep(request, response);
          return response;
        })
        .catch(() => caches.match(request, { ignoreSearch: true }).then((hit) => hit || Response.error())),
    );
    return;
  }
  // everything else: the cache first, then the network, keeping what was fetched
  event.respondWith(
    caches.match(request, { ignoreSearch: true }).then(
      (hit) =>
        hit ||
        fetch(request).then((response) => {
          keep(request, response);
          return response;
        }),
    ),
  );
});

/**
 * `client:queue`, an Astro client directive: Distill's d-figure ready queue for the article's islands. An island
 * becomes ready when it comes within `rootMargin` of the viewport (one and a half screens by default); ready islands
 * hydrate one at a time, the one nearest the viewport first, each after the page has had an idle moment since the
 * last. Twenty figures therefore never hydrate in one burst at load or during a fast scroll, and the one the reader
 * is about to see never waits behind one far below. An island that leaves the margin before its turn waits until
 * it comes near again. Until it hydrates an island shows its server-rendered markup: its precomputed result.
 *
 * Astro inlines this module once per page, so the queue below is shared by every island on it.
 */
type Hydrate = () => Promise<void>;
type Load = () => Promise<Hydrate>;
interface Waiting {
  el: HTMLElement;
  load: Load;
  /** Its boxes within the margin now (an island is near while any of them is). */
  near: Set<Element>;
}

const waiting = new Set<Waiting>();
const byChild = new WeakMap<Element, Waiting>();
const observers = new Map<string, IntersectionObserver>();
let running = false;

/** How far an island's boxes lie outside the viewport, in pixels (0 when any part is in view). */
function distance(w: Waiting): number {
  let best = Infinity;
  for (const child of w.el.children) {
    const r = child.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    best = Math.min(best, r.bottom < 0 ? -r.bottom : r.top > innerHeight ? r.top - innerHeight : 0);
  }
  return best;
}

/** Resolves once the page is idle (or after a short wait where it never is), so input and frames come first. */
function idle(): Promise<void> {
  return new Promise((resolve) => {
    if ('requestIdleCallback' in window) requestIdleCallback(() => resolve(), { timeout: 400 });
    else setTimeout(resolve, 50);
  });
}

async function drain() {
  if (running) return;
  running = true;
  try {
    for (;;) {
      await idle();
      let next: Waiting | null = null;
      let nearest = Infinity;
      for (const w of waiting) {
        if (w.near.size === 0) continue;
        const d = distance(w);
        if (d < nearest || next === null) [next, nearest] = [w, d];
      }
      if (!next) break;
      waiting.delete(next);
      observers.forEach((io) => [...next!.el.children].forEach((c) => io.unobserve(c)));
      try {
        const hydrate = await next.load();
        await hydrate();
      } catch (e) {
        // one island that fails to load must not stop the others
        console.error(e);
      }
    }
  } finally {
    running = false;
  }
}

function observerFor(rootMargin: string): IntersectionObserver {
  let io = observers.get(rootMargin);
  if (!io) {
    io = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const w = byChild.get(entry.target);
          if (!w) continue;
          if (entry.isIntersecting) w.near.add(entry.target);
          else w.near.delete(entry.target);
        }
        drain();
      },
      { rootMargin },
    );
    observers.set(rootMargin, io);
  }
  return io;
}

export default function queueDirective(load: Load, options: { value?: unknown }, el: HTMLElement) {
  const value = options.value;
  const rootMargin = typeof value === 'object' && value && 'rootMargin' in value ? String((value as { rootMargin: unknown }).rootMargin) : '150% 0px 150% 0px';
  const w: Waiting = { el, load, near: new Set() };
  waiting.add(w);
  if (typeof IntersectionObserver === 'undefined' || el.children.length === 0) {
    w.near.add(el);
    drain();
    return;
  }
  const io = observerFor(rootMargin);
  for (const child of el.children) {
    byChild.set(child, w);
    io.observe(child);
  }
}

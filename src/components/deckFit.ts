/**
 * An embed page shown as a slide of the deck (/slides/): the figure is scaled
 * (CSS zoom, which lays it out again at the scaled width, so a wide slide gets
 * a wide layout) to the largest size at which the whole figure, its controls
 * included, fits the slide without scrolling; it fits again whenever the slide
 * or the figure changes size. Keys the figure does not use go to the deck.
 * Outside the deck this does nothing.
 */
const MIN_ZOOM = 0.25;
const MAX_ZOOM = 3;

function inDeck(): boolean {
  try {
    return window.frameElement?.hasAttribute('data-deck') ?? false;
  } catch {
    return false;
  }
}

if (inDeck()) {
  const root = document.documentElement;
  root.classList.add('in-deck');
  const main = document.querySelector<HTMLElement>('.embed-main')!;

  /** Whether the figure, laid out at zoom z, fits the slide. */
  const fits = (z: number): boolean => {
    main.style.zoom = String(z);
    return main.getBoundingClientRect().height <= root.clientHeight + 0.5 && root.scrollWidth <= root.clientWidth && root.scrollHeight <= root.clientHeight;
  };

  let fitted = { width: 0, height: 0, zoom: 0, content: 0 };
  function fit() {
    const w = root.clientWidth;
    const h = root.clientHeight;
    if (w === 0 || h === 0) return;
    // the largest zoom that fits, by bisection (the height at a zoom grows with the zoom)
    let lo = MIN_ZOOM;
    let hi = MAX_ZOOM;
    if (fits(hi)) lo = hi;
    else if (!fits(lo)) hi = lo;
    else {
      for (let i = 0; i < 14 && hi - lo > 0.005; i++) {
        const mid = (lo + hi) / 2;
        if (fits(mid)) lo = mid;
        else hi = mid;
      }
    }
    main.style.zoom = String(lo);
    root.dataset.deckZoom = lo.toFixed(3);
    fitted = { width: w, height: h, zoom: lo, content: main.getBoundingClientRect().height };
  }

  let queued = false;
  const refit = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      const r = main.getBoundingClientRect().height;
      // nothing changed since the last fit (this also ends the loop of observing our own zoom)
      if (fitted.width === root.clientWidth && fitted.height === root.clientHeight && Math.abs(r - fitted.content) < 1) return;
      fit();
    });
  };
  new ResizeObserver(refit).observe(main);
  window.addEventListener('resize', refit);
  // the figure grows as its results arrive, and its fonts change its text's size
  new MutationObserver(refit).observe(main, { childList: true, subtree: true, characterData: true });
  void document.fonts?.ready.then(refit);
  fit();

  const DECK_KEYS = ['ArrowRight', 'ArrowLeft', 'PageDown', 'PageUp', ' ', 'Home', 'End', 'f', 'F'];
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || !DECK_KEYS.includes(e.key) || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target as HTMLElement | null;
    // keys that a control of the figure uses stay with it
    if (t?.closest?.('input, select, textarea, [contenteditable="true"], [role="slider"], [role="application"], [tabindex]')) return;
    if (e.key === ' ' && t?.closest?.('button, a, summary')) return;
    e.preventDefault();
    window.parent.postMessage({ type: 'deck-key', key: e.key }, location.origin);
  });
}

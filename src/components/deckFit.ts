/**
 * An embed page shown as a slide of the deck (/slides/): the figure is scaled
 * (CSS zoom, which lays it out again at the scaled width, so a wide slide gets
 * a wide layout) to the largest size at which the whole figure, its controls
 * included, fits the slide without scrolling; its frame then fills the slide,
 * the figure centred in it. It fits again whenever the slide or the figure's
 * content changes size. Keys the figure does not use go to the deck. Outside
 * the deck this does nothing.
 */
import { measureWithin } from '../figures/kit/measure.ts';

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
  const figure = () => main.querySelector<HTMLElement>('figure.figure');

  /**
   * Room left for what a figure lays out a frame or more after the layout measured here (an image, a font; the
   * charts it sizes from its own width are told that width at once, see measureWithin).
   */
  const HEADROOM = 0.94;
  /** Two frames: what the figure lays out from its measured width (charts sized in script) has caught up. */
  const frames = () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
  /**
   * No wait: the layout as it stands, measured by forced layouts in this task (nothing is painted in between), the
   * figure's charts sized in script from their new width included.
   */
  const now = () => {
    measureWithin(main);
    return Promise.resolve();
  };

  /** Whether the figure, laid out at zoom z at its natural height, fits the slide (measured after `wait`). */
  const fits = async (z: number, wait: () => Promise<void>): Promise<boolean> => {
    main.style.zoom = String(z);
    await wait();
    // the figure's frame clips what overflows it (a control wider than the figure): the page's scroll size misses it
    const f = figure();
    const inside = f === null || (f.scrollWidth <= f.clientWidth && f.scrollHeight <= f.clientHeight);
    return main.getBoundingClientRect().height <= root.clientHeight * HEADROOM && root.scrollWidth <= root.clientWidth && root.scrollHeight <= root.clientHeight && inside;
  };

  /** The sizes of the figure's parts: what changes when its content does (not when its frame stretches). */
  const signature = () => {
    const f = figure();
    const parts = f ? [...f.children].map((c) => c.getBoundingClientRect().height.toFixed(1)).join(',') : '';
    return `${root.clientWidth}×${root.clientHeight}:${parts}`;
  };

  const partsObserver = new ResizeObserver(() => refit());
  let fitted = '';
  /** The largest zoom at which the figure fits, each size measured after `wait`. */
  async function fitWith(wait: () => Promise<void>) {
    const w = root.clientWidth;
    const h = root.clientHeight;
    if (w === 0 || h === 0) return;
    // measure at the figure's natural height, not stretched to the slide
    root.classList.add('deck-fitting');
    main.style.maxWidth = '';
    // the largest zoom that fits, by bisection (the height at a zoom grows with the zoom, give or take a reflow)
    let lo = MIN_ZOOM;
    let hi = MAX_ZOOM;
    if (await fits(hi, wait)) lo = hi;
    else if (!(await fits(lo, wait))) hi = lo;
    else {
      for (let i = 0; i < 14 && hi - lo > 0.004; i++) {
        const mid = (lo + hi) / 2;
        if (await fits(mid, wait)) lo = mid;
        else hi = mid;
      }
    }
    if (!(await fits(lo, wait))) {
      // a figure whose height follows its width (pictures with a fixed aspect) is as tall at every zoom: lay it
      // out narrower instead, centred, at the widest width that fits
      lo = 1;
      let narrow = 160;
      let wide = w;
      for (let i = 0; i < 14 && wide - narrow > 2; i++) {
        const mid = (narrow + wide) / 2;
        main.style.maxWidth = `${mid}px`;
        if (await fits(1, wait)) narrow = mid;
        else wide = mid;
      }
      main.style.maxWidth = `${Math.floor(narrow)}px`;
      main.style.zoom = '1';
    }
    root.dataset.deckZoom = lo.toFixed(3);
    // the frame fills the slide: its height in the zoomed figure's own pixels, less the page's padding
    const pad = parseFloat(getComputedStyle(main).paddingTop) + parseFloat(getComputedStyle(main).paddingBottom);
    main.style.setProperty('--deck-height', `${Math.floor((h / lo - pad) * 100) / 100}px`);
    root.classList.remove('deck-fitting');
    await wait();
    fitted = signature();
    partsObserver.disconnect();
    const f = figure();
    if (f) for (const c of f.children) partsObserver.observe(c);
  }

  /** The figure runs past the slide (its charts grew after the fit measured them). */
  const overflows = () => {
    const f = figure();
    return root.scrollHeight > root.clientHeight || (f !== null && f.getBoundingClientRect().bottom > root.clientHeight + 0.5);
  };

  let busy = false;
  /** A change (a resize, new content) came while a fit was under way: it is looked at once that fit ends. */
  let again = false;
  /**
   * Fits at once, from the layout as it stands (the figure's charts sized in script from its width told each width
   * tried, and laid out at it); two frames later, a figure that has still come out taller than measured and runs past
   * the slide is fitted size by size, each size measured after the figure has laid itself out at it.
   */
  async function fit() {
    if (busy) return;
    busy = true;
    const size = `${root.clientWidth}×${root.clientHeight}`;
    // while it fits, the figure passes through the sizes tried: a measure of the slide waits for this to go
    root.setAttribute('data-deck-busy', '');
    try {
      await fitWith(now);
      await frames();
      if (!overflows()) return;
      root.dataset.deckFitSlow = '';
      await fitWith(frames);
    } finally {
      busy = false;
      root.removeAttribute('data-deck-busy');
      // a window resized during the fit was fitted for the size before: it would stay under-filled, since only an
      // overflow asks again. The signature the fit ended on was read after the resize, so it must not stand for a
      // fit at the new size (refit would find nothing changed); the fit's own changes to the figure leave the size
      if (again) {
        again = false;
        if (`${root.clientWidth}×${root.clientHeight}` !== size) fitted = '';
        refit();
      }
    }
  }

  let queued = false;
  /** Fits in a row forced by an overflow alone: bounded, so a figure that cannot fit does not refit every frame. */
  let overflowFits = 0;
  function refit() {
    if (busy) {
      again = true;
      return;
    }
    if (queued) return;
    queued = true;
    requestAnimationFrame(async () => {
      queued = false;
      if (busy) {
        again = true;
        return;
      }
      // nothing changed since the last fit (this also ends the loop of observing our own zoom)
      if (signature() !== fitted) {
        overflowFits = 0;
        await fit();
      } else if (overflows() && overflowFits < 5) {
        overflowFits++;
        await fit();
      }
      // a figure that sizes its charts a frame or more after a layout change: look again once it has
      if (overflows() && overflowFits < 5) setTimeout(refit, 100);
    });
  }
  window.addEventListener('resize', refit);
  // the figure's parts change as its results arrive; hydration and fonts change its text
  new MutationObserver(refit).observe(main, { childList: true, subtree: true, characterData: true });
  void document.fonts?.ready.then(refit);
  void fit().then(refit);

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

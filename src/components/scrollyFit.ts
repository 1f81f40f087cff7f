/**
 * The reading rule of a sticky figure: it never scrolls inside itself, and the
 * panel a step speaks of is on screen.
 *
 * - A step may name the parts of its figure it speaks of (`<Step n={2} focus="chart">`); the figure marks
 *   its parts with `data-panel="chart"`. While that step is the current one, and only when the whole figure
 *   would have to be drawn smaller than COMFORT_ZOOM to fit, the figure's other marked parts are set aside
 *   (`data-panel-hidden`), and on one column its controls too; a step that names nothing shows the whole figure.
 * - The figure is then scaled (CSS zoom, laid out again at the scaled width) to the largest size, up to its
 *   own, at which it fits the height its sticky frame has: the screen less a margin beside two columns, the
 *   upper part of the screen on a narrow one (the step cards pass beneath it in the lower part). It fits
 *   again whenever its content or the screen changes size.
 */

import { measureWithin } from '../figures/kit/measure.ts';

/** The widest layout with the steps in a column of their own (Scrolly.astro's breakpoint). */
export const TWO_COLUMNS = '(min-width: 80rem)';
/** On one column, the share of the screen's height the figure may take (the cards have the rest, below it). */
export const PHONE_SHARE = 0.6;
/** Beside two columns, the frame's margin above and below the figure, in px (1rem each). */
const DESK_MARGIN = 32;
/** Never smaller than this: a figure that does not fit at it must show fewer parts at that step. */
export const MIN_ZOOM = 0.6;
/** A figure that fits whole at this scale or larger is shown whole, whatever its step names. */
export const COMFORT_ZOOM = 0.8;

/** The height, in px, a scrolly figure may take on this screen. */
export function frameBudget(): number {
  const h = window.innerHeight;
  return window.matchMedia(TWO_COLUMNS).matches ? h - DESK_MARGIN : Math.floor(h * PHONE_SHARE);
}

/** The keys a step names, from its data-focus ("chart bars"), none for the whole figure. */
export function focusKeys(step: HTMLElement | null | undefined): string[] {
  return (step?.dataset.focus ?? '').split(/\s+/).filter(Boolean);
}

export class ScrollyFit {
  private focus: string[] = [];
  /** Whether the step's parts alone are shown (the whole figure would be too small). */
  private narrowed = false;
  private queued = false;
  private readonly observer: ResizeObserver;
  private readonly mutations: MutationObserver;

  private readonly frame: HTMLElement;
  private readonly place: HTMLElement;

  constructor(frame: HTMLElement, place: HTMLElement) {
    this.frame = frame;
    this.place = place;
    this.observer = new ResizeObserver(() => this.refit());
    this.observer.observe(this.place);
    this.mutations = new MutationObserver((records) => {
      // a part the figure renders anew (an {#if} block) takes the step's choice too, and the figure is fitted again
      // before the next frame is painted: a part that opens (the hero's drawing pad) shows where it will stay
      if (records.some((r) => r.type === 'childList')) {
        this.applyFocus();
        this.refitNow();
      } else this.refit();
    });
    this.mutations.observe(this.place, { childList: true, subtree: true });
    window.addEventListener('resize', () => void this.fit());
  }

  /** The step's parts: set the others aside and fit again. */
  setFocus(keys: string[]) {
    this.focus = keys;
    this.frame.dataset.focus = keys.join(' ');
    this.retries = 0;
    this.gaveUp = false;
    void this.fit();
  }

  private applyFocus() {
    for (const el of this.place.querySelectorAll<HTMLElement>('[data-panel]')) {
      const shown = !this.narrowed || this.focus.length === 0 || el.dataset.panel!.split(/\s+/).some((k) => this.focus.includes(k));
      if (el.hasAttribute('data-panel-hidden') === shown) el.toggleAttribute('data-panel-hidden', !shown);
    }
  }

  private height(): number {
    return this.place.getBoundingClientRect().height;
  }

  /**
   * The searches already run, by what decides their answer (parts shown, budget, frame width, the figure's height at
   * zoom 1): the styles chosen and the height they gave, the latest 16.
   */
  private readonly known = new Map<string, { zoom: string; maxWidth: string; marginInline: string; label: string; height: number }>();

  /** The figure's height when the last fit ended: a refit is needed only when it changes. */
  private fittedHeight = -1;
  private running = false;
  private again = false;
  private wholeAgain = false;
  private retries = 0;
  /** The content changed while a fit was measuring (it is looked at again when the fit ends). */
  private changed = false;
  /**
   * The last fit ended taller than the budget and its retries are spent (the figure cannot fit at MIN_ZOOM with the
   * parts shown): it is fitted again only when its height or the step changes. Else each fit, changing the figure's
   * size, woke the ResizeObserver for another, without end.
   */
  private gaveUp = false;

  /** Nothing to fit: the figure's height is the one the last fit left, and that fit fitted or could do no better. */
  private unchanged(h: number): boolean {
    return Math.abs(h - this.fittedHeight) < 1 && (h <= frameBudget() + 0.5 || this.gaveUp);
  }

  /** Fits again now, in this task, when the figure's height has changed since the last fit (see fitOnce). */
  private refitNow() {
    if (this.running) {
      this.changed = true;
      return;
    }
    if (this.unchanged(this.height())) return;
    void this.fit(false);
  }

  refit() {
    if (this.queued || this.running) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      if (this.running) return;
      // nothing changed since the last fit (this also ends the loop of observing our own zoom)
      if (this.unchanged(this.height())) return;
      void this.fit(false);
    });
  }

  /** Two frames: what the figure lays out from its own measured width (charts sized in script) has caught up. */
  private settle(): Promise<void> {
    return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
  }

  /**
   * Fits again, once any fit in progress has ended. `whole`: decide afresh whether the whole figure can be shown
   * (a new step, a new screen size); otherwise, when only its content changed, keep the parts shown as they are.
   */
  async fit(whole = true): Promise<void> {
    this.wholeAgain ||= whole;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.frame.setAttribute('data-fitting', '');
    try {
      do {
        this.again = false;
        const w = this.wholeAgain;
        this.wholeAgain = false;
        await this.fitOnce(w);
      } while (this.again);
    } finally {
      this.running = false;
      this.frame.removeAttribute('data-fitting');
      this.fittedHeight = this.height();
      const changed = this.changed;
      this.changed = false;
      // content that changed while the fit measured: look again, a few times at most
      const over = this.fittedHeight > frameBudget() + 0.5;
      this.gaveUp = over && this.retries >= 4;
      if (over && this.retries++ < 4) setTimeout(() => void this.fit(false), 150);
      else if (changed) this.refit();
    }
  }

  /**
   * Fits in two passes. First at once, in the task that asked (each size tried is measured by a forced layout, the
   * charts a figure sizes in script from its width told that width and laid out at it first, by measureWithin; no
   * frame is painted between them, so the reader never sees the figure pass through the sizes tried: a control
   * that opens, such as a drawing pad, appears where it will stay). Then, two frames later, as a safeguard for what
   * lays itself out later still (an image, a font): if the figure's height has not moved, the first pass stands;
   * if it has, the figure is measured again size by size, each after it has laid itself out.
   */
  private async fitOnce(whole: boolean) {
    const budget = frameBudget();
    // the layout as it stands, the figure's charts sized in script from their new width included
    const now = () => {
      measureWithin(this.place);
      return Promise.resolve();
    };
    const quick = await this.search(whole, budget, now);
    await this.settle();
    const h = this.height();
    if (h <= budget + 0.5 && Math.abs(h - quick) < 1) return;
    await this.search(whole, budget, () => this.settle());
  }

  /**
   * Scales the figure to the largest zoom (at most 1) at which it fits its budget, measuring each size after `wait`
   * (nothing: the layout as it stands; two frames: what the figure lays out from its measured width too). Returns the
   * figure's height at the zoom chosen.
   */
  private async search(whole: boolean, budget: number, wait: () => Promise<void>): Promise<number> {
    const place = this.place;
    place.style.maxWidth = '';
    place.style.marginInline = '';
    place.style.zoom = '1';
    if (whole) {
      this.narrowed = false;
      this.frame.removeAttribute('data-narrowed');
    }
    this.applyFocus();
    await wait();
    let h = this.height();
    if (!this.narrowed && this.focus.length > 0 && h > budget / COMFORT_ZOOM) {
      // (on one column, Scrolly.astro also sets the controls aside: the embed page has them all)
      this.narrowed = true;
      this.frame.setAttribute('data-narrowed', '');
      this.applyFocus();
      await wait();
      h = this.height();
    }
    if (h <= budget + 0.5 || h === 0) {
      place.style.zoom = '';
      this.frame.dataset.zoom = '1';
      return h;
    }
    // the same parts, screen and natural height as a search that has already run: its answer, measured once to be
    // sure, instead of the six to eight forced layouts of a search (the steps of a scrolly mostly share their parts,
    // and each step's fit is a task the reader's scroll waits on)
    const key = `${this.narrowed ? 1 : 0}|${this.focus.join(' ')}|${budget}|${this.frame.clientWidth}|${h.toFixed(1)}`;
    const known = this.known.get(key);
    if (known) {
      place.style.zoom = known.zoom;
      place.style.maxWidth = known.maxWidth;
      place.style.marginInline = known.marginInline;
      await wait();
      const end = this.height();
      if (Math.abs(end - known.height) < 0.5) {
        this.frame.dataset.zoom = known.label;
        return end;
      }
      // the figure changed in a way its natural height did not show: search afresh
      this.known.delete(key);
      place.style.zoom = '1';
      place.style.maxWidth = '';
      place.style.marginInline = '';
    }
    const end = await this.scale(budget, wait);
    this.known.delete(key);
    this.known.set(key, { zoom: place.style.zoom, maxWidth: place.style.maxWidth, marginInline: place.style.marginInline, label: this.frame.dataset.zoom!, height: end });
    if (this.known.size > 16) this.known.delete(this.known.keys().next().value!);
    return end;
  }

  /** The figure taller than its budget at zoom 1: scales it to the largest zoom that fits (see search). */
  private async scale(budget: number, wait: () => Promise<void>): Promise<number> {
    const place = this.place;
    // laid out wider at a smaller zoom, a figure comes out shorter than its scaled height, and a figure whose
    // layout changes at some width (charts side by side) much shorter: the largest zoom that fits, by bisection
    const fitsAt = async (z: number) => {
      place.style.zoom = String(z);
      await wait();
      return this.height() <= budget + 0.5;
    };
    if (await fitsAt(MIN_ZOOM)) {
      let lo = MIN_ZOOM;
      let hi = 1;
      for (let i = 0; i < 5 && hi - lo > 0.01; i++) {
        const mid = (lo + hi) / 2;
        if (await fitsAt(mid)) lo = mid;
        else hi = mid;
      }
      if (Number(place.style.zoom) !== lo) await fitsAt(lo);
      this.frame.dataset.zoom = lo.toFixed(3);
      return this.height();
    }
    // parts whose height follows their width (pictures of a fixed aspect) are as tall at every zoom: keep the
    // natural layout's width, so the whole figure scales as one picture
    const wider = this.height();
    const width = this.frame.clientWidth;
    place.style.zoom = '1';
    place.style.maxWidth = `${width}px`;
    await wait();
    const zoom = Math.max(MIN_ZOOM, budget / this.height());
    place.style.zoom = String(zoom);
    place.style.marginInline = 'auto';
    await wait();
    if (this.height() > wider + 0.5) {
      // it fits neither way: the layout laid out wider at MIN_ZOOM came out the shorter, keep that
      place.style.maxWidth = '';
      place.style.marginInline = '';
      place.style.zoom = String(MIN_ZOOM);
      await wait();
      this.frame.dataset.zoom = MIN_ZOOM.toFixed(3);
      return this.height();
    }
    this.frame.dataset.zoom = zoom.toFixed(3);
    return this.height();
  }
}

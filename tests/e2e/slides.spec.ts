import { expect, test, type Page } from '@playwright/test';
import { liveFigures } from '../../src/figures/index.ts';
import { CORE_FIGURES, ORIGIN, watch } from './helpers.ts';

/**
 * The slide deck on a projector (16:9 and 4:3) and on a phone: every slide's figure fills the space above
 * the navigation bar, whole (nothing scrolls inside it, its controls on screen), the bar at the same place
 * on every slide; keys move through the deck; and only the current slide and its neighbours stay loaded,
 * so that the memory after visiting every slide stays near that after the first three.
 */

/** The decks the walks go through: the core figures' (helpers.ts: one of each kind the kit builds) in npm test, all 21 in
 * test:stress. */
const DECKS = [
  { deck: liveFigures.filter((f) => CORE_FIGURES.has(f.name)).map((f) => f.name), tag: [] as string[] },
  { deck: liveFigures.map((f) => f.name), tag: ['@stress'] },
];

const SIZES = [
  { width: 1920, height: 1080 },
  { width: 1024, height: 768 },
  { width: 375, height: 812 },
];

interface Measure {
  slide: string;
  counter: string;
  /** The area the slides have: the window less the navigation bar. */
  area: { width: number; height: number };
  nav: { top: number; bottom: number; left: number; right: number };
  /** The figure's box, in the deck's coordinates. */
  figure: { top: number; bottom: number; left: number; right: number; width: number; height: number };
  /** scrollHeight/clientHeight and scrollWidth/clientWidth of the slide's page and of the figure's frame. */
  pageScroll: number[];
  figureScroll: number[];
  /** Boxes of the figure's controls and of its Export button, in the slide's own viewport, and that viewport. */
  controls: { top: number; bottom: number; left: number; right: number } | null;
  exportButton: { top: number; bottom: number; left: number; right: number } | null;
  viewport: { width: number; height: number };
  frames: number;
  /** The zoom the slide's page chose. */
  zoom: string;
}

/** Waits until the current slide's figure has hydrated and been fitted, and measures it. */
async function measureCurrent(page: Page): Promise<Measure> {
  const frame = page.frameLocator('.slide:not([hidden]) iframe');
  await expect(frame.locator('figure.figure').first()).toBeVisible({ timeout: 60_000 });
  await expect(frame.locator('astro-island[ssr]')).toHaveCount(0, { timeout: 60_000 });
  await expect(frame.locator('html[data-deck-zoom]')).toHaveCount(1);
  // wait until the fit has settled: a figure that sizes its charts from its own width a frame or more after a resize,
  // a result that just arrived or a font can each start another fit; measure once zoom and boxes read the same twice
  let previous = '';
  await expect
    .poll(
      async () => {
        const now = await page.evaluate(
          () =>
            new Promise<string>((resolve) =>
              requestAnimationFrame(() =>
                requestAnimationFrame(() => {
                  const doc = document.querySelector<HTMLIFrameElement>('.slide:not([hidden]) iframe')!.contentDocument!;
                  const fig = doc.querySelector<HTMLElement>('figure.figure')!.getBoundingClientRect();
                  // a fit in progress (deckFit.ts tries sizes) is not a layout to measure
                  if (doc.documentElement.hasAttribute('data-deck-busy')) resolve(`fitting ${performance.now()}`);
                  else resolve([doc.documentElement.dataset.deckZoom, fig.width, fig.height, doc.documentElement.scrollHeight].map(String).join('|'));
                }),
              ),
            ),
        );
        const same = now === previous;
        previous = now;
        return same;
      },
      { timeout: 30_000, intervals: [100, 200, 300] },
    )
    .toBe(true);
  return page.evaluate(() => {
    const rect = (r: DOMRect) => ({ top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height });
    const slide = document.querySelector<HTMLElement>('.slide:not([hidden])')!;
    const iframe = slide.querySelector('iframe')!;
    const doc = iframe.contentDocument!;
    const f = iframe.getBoundingClientRect();
    const fig = doc.querySelector<HTMLElement>('figure.figure')!;
    const r = fig.getBoundingClientRect();
    const nav = document.querySelector('.deck-nav')!.getBoundingClientRect();
    const slides = document.querySelector('.slides')!.getBoundingClientRect();
    const controls = doc.querySelector('.figure-controls');
    const exportButton = [...doc.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Export');
    const root = doc.documentElement;
    return {
      slide: slide.dataset.slide!,
      counter: document.querySelector('.counter')!.textContent!,
      area: { width: slides.width, height: slides.height },
      nav: rect(nav),
      figure: { ...rect(r), top: r.top + f.top, bottom: r.bottom + f.top, left: r.left + f.left, right: r.right + f.left },
      pageScroll: [root.scrollHeight, root.clientHeight, root.scrollWidth, root.clientWidth],
      figureScroll: [fig.scrollHeight, fig.clientHeight, fig.scrollWidth, fig.clientWidth],
      controls: controls ? rect(controls.getBoundingClientRect()) : null,
      exportButton: exportButton ? rect(exportButton.getBoundingClientRect()) : null,
      viewport: { width: root.clientWidth, height: root.clientHeight },
      frames: document.querySelectorAll('.slide iframe').length,
      zoom: root.dataset.deckZoom ?? '',
    };
  });
}

// Every slide at each size, each slide loaded once and measured at the three in turn (a figure that sizes its charts in
// script from its own width, such as maxout-filters or logistic-3v7, is told its width by deckFit.ts at each size it
// tries, and laid out at it, before the size is measured). Measured once no fit is in progress: while one is, the figure
// passes through the sizes tried. Through each of DECKS.
for (const { deck, tag } of DECKS) {
test(`on a 16:9 and a 4:3 projector and on a phone, every slide of ${deck.length} shows its whole figure filling the slide, the navigation fixed below; keys move the deck`, { tag }, async ({ page }) => {
  test.setTimeout(1_200_000);
  const w = watch(page, ORIGIN);
  await page.setViewportSize(SIZES[0]);
  await page.goto(deck.length === liveFigures.length ? '/slides/' : `/slides/?figures=${deck.join(',')}`);
  const n = deck.length;
  const navAt = new Map<string, Measure['nav']>();
  const zooms = new Map<string, string[]>();
  const narrow: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0) await page.keyboard.press(i % 2 ? 'ArrowRight' : 'PageDown');
    await expect(page.locator('.counter')).toHaveText(`${i + 1} / ${n}`);
    // each slide at each size (the slide's page fits its figure again when the window changes)
    for (const size of i % 2 ? [...SIZES].reverse() : SIZES) {
      await page.setViewportSize(size);
      const key = `${size.width}×${size.height}`;
      const m = await measureCurrent(page);
      const what = `${m.slide} at ${key}`;
      expect(m.slide, what).toBe(deck[i]);
      // the navigation: whole, at the bottom, at the same place on every slide
      expect(m.nav.bottom, what).toBeLessThanOrEqual(size.height + 0.5);
      expect(m.nav.top, what).toBeGreaterThan(size.height * 0.8);
      if (!navAt.has(key)) navAt.set(key, m.nav);
      expect(m.nav, what).toEqual(navAt.get(key));
      // the slides take the rest of the window (the message row is empty: every figure named exists)
      expect(m.area.width, what).toBe(size.width);
      expect(m.area.height, what).toBeCloseTo(m.nav.top, 0);
      // the figure fills at least 80 % of that area, or, a picture taller than the slide is wide, its whole height;
      // and it lies inside the area
      const fill = (m.figure.width * m.figure.height) / (m.area.width * m.area.height);
      const fillsHeight = m.figure.height >= 0.97 * m.area.height;
      expect(fill >= 0.8 || fillsHeight, `${what}: figure ${m.figure.width.toFixed(0)}×${m.figure.height.toFixed(0)} in ${m.area.width}×${m.area.height.toFixed(0)}`).toBe(true);
      if (fill < 0.8) narrow.push(`${what} (${(fill * 100).toFixed(0)} % of the area, its whole height)`);
      expect(m.figure.top, what).toBeGreaterThanOrEqual(-0.5);
      expect(m.figure.bottom, what).toBeLessThanOrEqual(m.nav.top + 0.5);
      expect(m.figure.left, what).toBeGreaterThanOrEqual(-0.5);
      expect(m.figure.right, what).toBeLessThanOrEqual(size.width + 0.5);
      // nothing scrolls inside the slide or the figure's frame (the frame clips what overflows it: none may)
      expect(m.pageScroll[0], `${what}: the slide's page scrolls`).toBeLessThanOrEqual(m.pageScroll[1]);
      expect(m.pageScroll[2], `${what}: the slide's page scrolls sideways`).toBeLessThanOrEqual(m.pageScroll[3]);
      expect(m.figureScroll[0], `${what}: the figure's frame overflows`).toBeLessThanOrEqual(m.figureScroll[1]);
      expect(m.figureScroll[2], `${what}: the figure's frame overflows sideways`).toBeLessThanOrEqual(m.figureScroll[3]);
      // its controls and its Export button are on screen
      for (const [name, box] of [['controls', m.controls], ['Export button', m.exportButton]] as const) {
        if (!box) continue;
        expect(box.top, `${what}: ${name}`).toBeGreaterThanOrEqual(-0.5);
        expect(box.bottom, `${what}: ${name}`).toBeLessThanOrEqual(m.viewport.height + 0.5);
        expect(box.left, `${what}: ${name}`).toBeGreaterThanOrEqual(-0.5);
        expect(box.right, `${what}: ${name}`).toBeLessThanOrEqual(m.viewport.width + 0.5);
      }
      expect(m.exportButton, what).not.toBeNull();
      // at most the slide and its two neighbours are loaded
      expect(m.frames, what).toBeLessThanOrEqual(3);
      zooms.set(key, [...(zooms.get(key) ?? []), `${m.slide} ${m.zoom}`]);
    }
  }
  for (const [key, z] of zooms) console.log(`zoom at ${key}: ${z.join(', ')}`);
  console.log(`laid out narrower than the slide: ${narrow.join('; ') || 'none'}`);
  // back by keys: Home, End, ArrowLeft, PageUp
  await page.keyboard.press('Home');
  await expect(page.locator('.counter')).toHaveText(`1 / ${n}`);
  await page.keyboard.press('End');
  await expect(page.locator('.counter')).toHaveText(`${n} / ${n}`);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('PageUp');
  await expect(page.locator('.counter')).toHaveText(`${n - 2} / ${n}`);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

}

test('keys pressed inside a slide move the deck, except those its controls use', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto('/slides/?figures=fgsm-hero,rotation');
  const frame = page.frameLocator('.slide:not([hidden]) iframe');
  await expect(frame.locator('.figure-title')).toBeVisible({ timeout: 60_000 });
  await expect(frame.locator('astro-island[ssr]')).toHaveCount(0, { timeout: 60_000 });
  // the ε slider keeps its arrows
  const eps = frame.getByTestId('eps');
  await eps.focus();
  const before = await eps.inputValue();
  await page.keyboard.press('ArrowRight');
  await expect(eps).not.toHaveValue(before);
  await expect(page.locator('.counter')).toHaveText('1 / 2');
  // from a button of the figure (focus inside the slide's page), the arrow goes to the deck
  await frame.getByRole('button', { name: 'Export' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('.counter')).toHaveText('2 / 2');
  await expect(page.locator('.slide').nth(1)).toBeVisible();
});

// npm test walks a deck of the core figures (eight slides, five after the first three); test:stress the whole deck
for (const { deck, tag } of DECKS) {
test(`the deck keeps at most three slides loaded: after every slide of ${deck.length}, at most three compute workers live and the memory stays within 1.5× that after the first three`, { tag }, async ({ page, context }) => {
  test.setTimeout(900_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  let started = 0;
  let ended = 0;
  page.on('worker', (wk) => {
    started++;
    wk.on('close', () => ended++);
  });
  /** The compute workers live (src/compute/worker.ts's bundle), apart from a figure's own (logit-surface draws in one). */
  const computeWorkers = () => page.workers().filter((wk) => /\/worker-[^/]*\.js$/.test(new URL(wk.url()).pathname)).length;
  /** The deck's JavaScript heap (the deck and its slides' pages share one renderer) after a full collection. */
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'JSHeapUsedSize')!.value;
  };
  /** The bytes of the tensors held by the compute worker of each loaded slide. */
  const tensorBytes = async () => {
    let total = 0;
    for (const f of page.frames()) {
      if (f === page.mainFrame()) continue;
      total += await f
        .evaluate(async () => {
          const c = (window as unknown as { __harnessingCompute?: { compute: (r: unknown) => Promise<{ numBytes: number }> } }).__harnessingCompute;
          return c ? (await c.compute({ type: 'memory' })).numBytes : 0;
        })
        .catch(() => 0);
    }
    return total;
  };
  // every page (the deck and each slide's) counts the messages it sends its compute workers (named so by
  // src/compute/client.ts; not a figure's own, such as logit-surface's drawing worker)
  await context.addInitScript(() => {
    const w = window as unknown as { __workerRequests: number };
    w.__workerRequests = 0;
    const Native = window.Worker;
    window.Worker = class extends Native {
      private readonly compute: boolean;
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        this.compute = options?.name === 'compute';
      }
      postMessage(message: unknown, options?: StructuredSerializeOptions | Transferable[]) {
        if (this.compute) w.__workerRequests++;
        return (super.postMessage as (...a: unknown[]) => void)(message, options);
      }
    } as typeof Worker;
  });
  /** Waits until the current slide's compute worker runs (its backend is shown) and is at work: the figure has sent
   * it a request after the start-up one, or the figure asks for nothing (it is not busy). Leaving the slide then
   * unloads it with its computation in flight. */
  const settle = async () => {
    const frame = page.frameLocator('.slide:not([hidden]) iframe');
    await expect(frame.locator('figure.figure .backend[data-backend]:not([data-backend=""])').first()).toHaveCount(1, { timeout: 90_000 });
    const current = (await page.locator('.slide:not([hidden]) iframe').elementHandle())!;
    const slide = (await current.contentFrame())!;
    await expect
      .poll(
        () =>
          slide.evaluate(
            () =>
              (window as unknown as { __workerRequests: number }).__workerRequests >= 2 ||
              document.querySelector('figure.figure')?.getAttribute('aria-busy') === 'false',
          ),
        { timeout: 90_000 },
      )
      .toBe(true);
  };
  await page.goto(deck.length === liveFigures.length ? '/slides/?debug=1' : `/slides/?debug=1&figures=${deck.join(',')}`);
  const n = deck.length;
  for (let i = 0; i < 3; i++) {
    if (i > 0) await page.keyboard.press('ArrowRight');
    await settle();
  }
  // slides 2, 3 and 4 are loaded now
  await expect(page.locator('.slide iframe')).toHaveCount(3);
  const heapAfterThree = await heap();
  const tensorsAfterThree = await tensorBytes();
  const workersAfterThree = computeWorkers();
  expect(workersAfterThree).toBeGreaterThanOrEqual(1);
  expect(workersAfterThree).toBeLessThanOrEqual(3);
  for (let i = 3; i < n; i++) {
    await page.keyboard.press('ArrowRight');
    await expect(page.locator('.counter')).toHaveText(`${i + 1} / ${n}`);
    await settle();
    // the slide that left the deck ends its worker as its frame is removed; Playwright hears of the close a moment later
    await expect.poll(computeWorkers, { message: `compute workers at slide ${i + 1}`, timeout: 30_000 }).toBeLessThanOrEqual(3);
    // and no figure's own worker outlives its slide: at most one beside each loaded slide's compute worker
    await expect.poll(() => page.workers().length, { message: `workers at slide ${i + 1}`, timeout: 30_000 }).toBeLessThanOrEqual(2 * 3);
    expect(await page.locator('.slide iframe').count()).toBeLessThanOrEqual(3);
  }
  // the workers of the slides unloaded last have ended: every 'close' seen
  await expect.poll(() => started - ended - page.workers().length, { timeout: 60_000 }).toBe(0);
  const heapAtEnd = await heap();
  const tensorsAtEnd = await tensorBytes();
  const workersAtEnd = page.workers().length;
  const computeAtEnd = computeWorkers();
  console.log(
    `deck memory: JS heap ${(heapAfterThree / 2 ** 20).toFixed(1)} MB after 3 slides, ${(heapAtEnd / 2 ** 20).toFixed(1)} MB after ${n}; ` +
      `worker tensors ${(tensorsAfterThree / 2 ** 20).toFixed(1)} MB → ${(tensorsAtEnd / 2 ** 20).toFixed(1)} MB; ` +
      `compute workers live ${workersAfterThree} → ${computeAtEnd} (all workers ${workersAtEnd}), started ${started}, ended ${ended}`,
  );
  // every slide started its worker, and all but the last two slides' ended
  expect(started).toBeGreaterThanOrEqual(n - 1);
  expect(started - ended).toBe(workersAtEnd);
  expect(computeAtEnd).toBeLessThanOrEqual(3);
  expect(heapAtEnd).toBeLessThanOrEqual(1.5 * heapAfterThree);
});

}

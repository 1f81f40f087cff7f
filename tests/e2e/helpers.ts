import { expect, type Locator, type Page, type Route } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The three servers of playwright.config.ts: the build at /, the build under /harnessing/, the build with its _headers. */
const PORT = Number(process.env.E2E_PORT ?? 4391);
export const ORIGIN = `http://127.0.0.1:${PORT}`;
export const SUB_ORIGIN = `http://127.0.0.1:${PORT + 1}`;
export const STRICT_ORIGIN = `http://127.0.0.1:${PORT + 2}`;

/**
 * The figures that npm test takes through the sweeps made the same way for every figure: axe and layout shift on each
 * embed page (robustness.spec.ts), every slider dragged (drag.spec.ts) and the seeded bad URLs (robustness.spec.ts).
 * npm run test:stress takes all 21 through them. One of each kind of figure the kit builds, so that a change to a
 * shared part meets each kind on every commit: the hero (a poster, then digits and probability bars), fgsm-sweep (d3
 * line charts over a grid of digits), linear-growth (two panels, one at a time on a narrow page), adversarial-slice (a
 * heat map on a canvas), logit-surface (three.js in WebGL), adversarial-training (a training run in the browser, with
 * pause), reproduce-table (a table computed on request) and attack-ladder (bars that arrive rung by rung, a model
 * picker). Every figure keeps its own spec in npm test besides.
 */
export const CORE_FIGURES: ReadonlySet<string> = new Set(['fgsm-hero', 'fgsm-sweep', 'linear-growth', 'adversarial-slice', 'logit-surface', 'adversarial-training', 'reproduce-table', 'attack-ladder']);

/** A sweep's tags for one figure's test: its own in npm test for a core figure, @stress (test:stress only) otherwise. */
export const sweepTags = (figure: string, tags: string[] = []): string[] => (CORE_FIGURES.has(figure) ? tags : ['@stress']);

/** Records console errors, page errors and every request that leaves the site's origin. */
export function watch(page: Page, origin: string) {
  const errors: string[] = [];
  const foreign: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol === 'data:' || u.protocol === 'blob:') return;
    if (u.origin !== origin) foreign.push(r.url());
  });
  return { errors, foreign };
}

export interface HeroResult {
  model: string;
  label: number;
  clean: number[];
  adversarial: number[];
  eps: number;
  backend: string;
}

/** Waits for the hero to have computed at ε = eps and returns its numbers. */
export async function heroResult(page: Page, eps?: number, model?: string): Promise<HeroResult> {
  const hero = page.locator('.fgsm-hero').first();
  // figures compute only near the viewport
  await hero.scrollIntoViewIfNeeded();
  await expect
    .poll(async () => {
      const raw = await hero.getAttribute('data-result');
      if (!raw) return false;
      const r = JSON.parse(raw);
      return (eps === undefined || Math.abs(r.eps - eps) < 1e-9) && (model === undefined || r.model === model);
    }, { timeout: 90_000 })
    .toBe(true);
  return JSON.parse((await hero.getAttribute('data-result'))!);
}

/**
 * Every island on the page has hydrated (Astro drops an island's `ssr` attribute once its component has loaded and
 * mounted): before that a figure's buttons are the server's markup, and a click on one does nothing.
 */
export async function hydrated(page: Page) {
  await expect(page.locator('astro-island[ssr]')).toHaveCount(0, { timeout: 60_000 });
}

/**
 * Records an element's box in every animation frame from now (none while it does not exist) with the page's scroll;
 * the function returned stops the recording and gives the distinct boxes seen, in order.
 */
export async function recordBoxEveryFrame(page: Page, selector: string): Promise<() => Promise<{ boxes: string[]; frames: number }>> {
  const key = `boxes:${selector}`;
  await page.evaluate(
    ([selector, key]) => {
      const store = { boxes: [] as string[], frames: 0, stop: false };
      (window as unknown as Record<string, typeof store>)[key] = store;
      const tick = () => {
        const el = document.querySelector(selector);
        if (el) {
          const r = el.getBoundingClientRect();
          const box = `${r.x.toFixed(1)},${r.y.toFixed(1)},${r.width.toFixed(1)},${r.height.toFixed(1)} at scroll ${scrollY}`;
          store.frames++;
          if (store.boxes.at(-1) !== box) store.boxes.push(box);
        }
        if (!store.stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    },
    [selector, key] as const,
  );
  return () =>
    page.evaluate((key) => {
      const store = (window as unknown as Record<string, { boxes: string[]; frames: number; stop: boolean }>)[key];
      store.stop = true;
      return { boxes: store.boxes, frames: store.frames };
    }, key);
}

export const argmax = (v: number[]) => v.indexOf(Math.max(...v));

/** Sets a figure's slider; `within` picks the figure where a page has several. */
export async function setSlider(page: Page, testId: string, value: number, within?: string) {
  const scope = within ? page.locator(within) : page.locator('body');
  await scope.getByTestId(testId).first().fill(String(value));
}

/** Clicks each link in turn, saves what it downloads in a new temporary folder, and returns the files' paths in order. */
export async function saveDownloads(page: Page, links: Locator[], prefix: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const saved: string[] = [];
  for (const link of links) {
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const path = join(dir, download.suggestedFilename());
    await download.saveAs(path);
    saved.push(path);
  }
  return saved;
}

/**
 * A downloaded TensorFlow.js model scored by TensorFlow.js in Node (tests/e2e/node/exported-model.ts) on the first
 * 1,000 test digits or on every test 3 and 7.
 */
export function scoreExportedModel<T>(modelJson: string, digits: 'first-1000' | 'threes-and-sevens'): T {
  return JSON.parse(
    execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'tests/e2e/node/exported-model.ts', modelJson, '--digits', digits], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as T;
}

/**
 * The smaller run, asked for in the URL as a reader would, of each figure that sweeps or trains for long here: the
 * sweeps (fgsm-sweep, rotation, transfer-glance), the ensembles and the §6 results on the first 100 test digits
 * instead of 1,000 (or 500); the non-robust-features student 2 epochs on 200 digits instead of 10 on 1,000. Its
 * controls show it, in the same layout.
 */
export const SMALLER_RUN: Readonly<Record<string, string>> = {
  'fgsm-sweep': 'sample=100',
  rotation: 'sample=100',
  'transfer-glance': 'sample=100',
  ensembles: 'sample=100',
  'adversarial-training-results': 'sample=100',
  'non-robust-features': 'n=200&epochs=2',
};

/**
 * Holds back the compute worker's script (every page of the context), so that what a figure shows before the worker
 * answers can be read: `requested()` waits until the page has asked for it, `release()` lets it (and any later one) load.
 */
export async function holdWorker(page: Page): Promise<{ requested: () => Promise<void>; release: () => Promise<void> }> {
  const held: Route[] = [];
  let open = false;
  await page.context().route(/\/worker-[^/]*\.js(\?.*)?$/, (route) => (open ? route.continue() : void held.push(route)));
  return {
    requested: () => expect.poll(() => held.length).toBeGreaterThan(0),
    release: async () => {
      open = true;
      for (const route of held.splice(0)) await route.continue();
    },
  };
}

/**
 * A figure's numbers, as it writes them in `data-result` once it runs in the browser (the page as served does not
 * carry them: `data-result={import.meta.env.SSR ? undefined : …}`): waits until the figure has written them, then reads them.
 */
export async function figureResult<T>(root: Locator): Promise<T> {
  await expect(root).toHaveAttribute('data-result', /./, { timeout: 60_000 });
  return JSON.parse((await root.getAttribute('data-result'))!) as T;
}


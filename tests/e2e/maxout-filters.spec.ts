import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { holdWorker, hydrated, recordBoxEveryFrame, setSlider, watch } from './helpers.ts';
import { decodeFilters, type AheadFilters } from '../../src/figures/maxout-filters/ahead.ts';

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

interface ModelNumbers {
  name: string;
  units: number[];
  scores: number[];
  median: number;
  p90: number;
  mean: number;
}
interface FiltersResult {
  /** Where it was computed: ahead in Node (ahead.json) or here. */
  source: 'ahead' | 'browser';
  window: number;
  first: number;
  sort: string;
  uniform: number;
  models: ModelNumbers[] | null;
  numTensors: number;
  backend: string;
}

/** Waits for the figure's answer for this state, computed here (or, `ahead`, computed ahead). */
async function filtersResult(page: Page, want: { window?: number; first?: number; sort?: string; ahead?: boolean } = {}): Promise<FiltersResult> {
  const root = page.locator('.maxout-filters').first();
  let last: FiltersResult | null = null;
  await expect
    .poll(
      async () => {
        const raw = await root.getAttribute('data-result');
        if (!raw) return false;
        last = JSON.parse(raw) as FiltersResult;
        if (!last.models) return false;
        if (last.source !== (want.ahead ? 'ahead' : 'browser')) return false;
        if (want.window !== undefined && last.window !== want.window) return false;
        if (want.first !== undefined && last.first !== want.first) return false;
        if (want.sort !== undefined && last.sort !== want.sort) return false;
        return true;
      },
      { timeout: 90_000 },
    )
    .toBe(true);
  return last!;
}

/** The same numbers from src/lib in Node, for the same state. */
function inNode(window: number, first: number, sort: string) {
  const out = execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'tests/e2e/node/maxout-filters.ts', String(window), String(first), '6', sort], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out) as { window: number; uniform: number; models: ModelNumbers[] };
}

test('the embed page measures the filters as Node does for the same URL state; the worker frees its tensors', async ({ page }) => {
  test.setTimeout(120_000);
  const w = watch(page, origin());
  await page.goto('/embed/maxout-filters/?window=5&sort=localisation&first=3&backend=wasm');
  const r = await filtersResult(page, { window: 5, first: 3, sort: 'localisation' });
  const node = inNode(5, 3, 'localisation');
  expect(r.uniform).toBeCloseTo(25 / 784, 9);
  for (const [i, m] of node.models.entries()) {
    const b = r.models![i];
    expect(b.name).toBe(m.name);
    expect(b.units).toEqual(m.units);
    b.scores.forEach((s, j) => expect(Math.abs(s - m.scores[j])).toBeLessThan(1e-5));
    expect(Math.abs(b.median - m.median)).toBeLessThan(1e-5);
    expect(Math.abs(b.p90 - m.p90)).toBeLessThan(1e-5);
    // most localised first
    for (let j = 1; j < b.scores.length; j++) expect(b.scores[j]).toBeLessThanOrEqual(b.scores[j - 1]);
  }
  await expect(page.locator('.maxout-filters canvas')).toHaveCount(2 * 6 * 5);
  await expect(page.locator('.maxout-filters .live')).toContainText('best 5 × 5 window');

  // paging and the window move the figure; the worker's tensor count stays where it was
  await page.getByRole('button', { name: 'next units' }).click();
  const next = await filtersResult(page, { first: 9 });
  await setSlider(page, 'window', 9);
  const nine = await filtersResult(page, { window: 9, first: 9 });
  // a larger window holds a larger share of every filter
  expect(nine.models![0].median).toBeGreaterThan(next.models![0].median);
  await setSlider(page, 'window', 5);
  await setSlider(page, 'first', 3);
  const back = await filtersResult(page, { window: 5, first: 3 });
  expect(back.numTensors).toBe(r.numTensors);
  expect(new URL(page.url()).searchParams.get('first')).toBe('3');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('before the worker answers, the default state computed ahead is drawn, said so; the live answer then replaces it without a shift', async ({ page }) => {
  test.setTimeout(180_000);
  const w = watch(page, origin());
  const file = JSON.parse(readFileSync('src/figures/maxout-filters/ahead.json', 'utf8')) as { entries: { key: { window: number; first: number; sort: string }; result: AheadFilters }[] };
  const stored = file.entries.find((e) => e.key.window === 7 && e.key.first === 0 && e.key.sort === 'unit')!.result;
  const ahead = decodeFilters(stored);
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

  // the compute worker's script is held back until the figure computed ahead has been read
  const worker = await holdWorker(page);
  await page.goto('/embed/maxout-filters/?backend=wasm');
  await hydrated(page);
  await worker.requested();
  const root = page.locator('.maxout-filters');

  await test.step('the filters, their shares, the histogram and the live line are the ones computed ahead, said so', async () => {
    await expect(root).toHaveAttribute('data-source', 'ahead');
    const r = await filtersResult(page, { window: 7, first: 0, sort: 'unit', ahead: true });
    expect(r.models).toEqual(ahead.models.map((m) => ({ name: m.name, units: m.units, scores: m.units.map((u) => m.unitLocalisation[u]), median: m.median, p90: m.p90, mean: m.mean })));
    await expect(root.locator('canvas')).toHaveCount(2 * 6 * 5);
    for (const [i, m] of ahead.models.entries()) {
      await expect(root.locator(`section.column[data-model="${m.name}"] .unit-label strong`)).toHaveText(m.units.map((u) => pct(m.unitLocalisation[u])));
      await expect(root.locator('[data-panel="histogram"]')).toContainText(`${m.name}: median ${pct(m.median)}, top tenth from ${pct(m.p90)}`);
      expect(r.models![i].units).toEqual([0, 1, 2, 3, 4, 5]);
    }
    const [a, b] = ahead.models;
    await expect(root.locator('.live')).toContainText(`median ${pct(a.median)} for ${a.name}, ${pct(b.median)} for ${b.name}`);
    await expect(root.locator('.live')).toContainText('Computed ahead in Node with the same code');
    await expect(root.locator('[data-panel="histogram"] .pending')).toHaveCount(0);
  });

  const boxes = await recordBoxEveryFrame(page, '.maxout-filters [data-panel="histogram"]');
  const height = await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height);
  await worker.release();

  const live = await test.step('the answer computed here replaces it, equal to the one computed ahead within the Node comparison’s tolerance', () => filtersResult(page, { window: 7, first: 0, sort: 'unit' }));
  await expect(root).toHaveAttribute('data-source', 'browser');
  await expect(root.locator('.live')).not.toContainText('Computed ahead');
  for (const [i, m] of ahead.models.entries()) {
    const b = live.models![i];
    expect(b.name).toBe(m.name);
    expect(b.units).toEqual(m.units);
    b.scores.forEach((v, j) => expect(Math.abs(v - m.unitLocalisation[m.units[j]])).toBeLessThan(1e-5));
    expect(Math.abs(b.median - m.median)).toBeLessThan(1e-5);
    expect(Math.abs(b.p90 - m.p90)).toBeLessThan(1e-5);
    expect(Math.abs(b.mean - m.mean)).toBeLessThan(1e-5);
  }
  // the histogram never moved, and the figure kept its height
  expect((await boxes()).boxes).toHaveLength(1);
  expect(await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height)).toBe(height);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('keyboard moves the unit slider; a bad URL value is refused; ?step=N gives that step', async ({ page }) => {
  await page.goto('/embed/maxout-filters/?first=999&sort=%3Cb%3Ex&window=two&backend=wasm');
  const messages = page.locator('.figure-messages');
  await expect(messages).toContainText('first="999" is outside 0 to 234; using 234.');
  await expect(messages).toContainText('sort="<b>x" is not one of unit, localisation; using unit.');
  await expect(messages).toContainText('window="two" is not a number; using 7.');
  expect(await messages.locator('b').count()).toBe(0);
  await filtersResult(page, { first: 234, sort: 'unit', window: 7 });

  await page.goto('/embed/maxout-filters/?backend=wasm');
  await filtersResult(page, { first: 0 });
  const slider = page.getByTestId('first');
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const moved = await filtersResult(page, { first: 2 });
  expect(moved.models![0].units).toEqual([2, 3, 4, 5, 6, 7]);
  await expect(slider).toHaveAttribute('aria-valuetext', 'units ranked 3 to 8');

  await page.goto('/embed/maxout-filters/?step=9');
  await expect(messages).toContainText('step="9" is not a step of this figure (1 to 4)');
  await page.goto('/embed/maxout-filters/?step=3&backend=wasm');
  const three = await filtersResult(page, { sort: 'localisation', first: 234 });
  // the least localised units: below the layer's median
  expect(Math.max(...three.models![0].scores)).toBeLessThan(three.models![0].median);
  expect(new URL(page.url()).searchParams.get('step')).toBe('3');
});

test('in the article, scrolling through the steps moves the figure', async ({ page }) => {
  test.setTimeout(120_000);
  const w = watch(page, origin());
  await page.goto('/?backend=wasm');
  await page.evaluate(() => document.querySelector('[data-scrolly="maxout-filters"] .step[data-step="1"]')!.scrollIntoView({ block: 'center' }));
  const one = await filtersResult(page, { sort: 'unit', first: 0 });
  expect(one.models![1].units).toEqual([0, 1, 2, 3, 4, 5]);
  await page.evaluate(() => document.querySelector('[data-scrolly="maxout-filters"] .step[data-step="2"]')!.scrollIntoView({ block: 'center' }));
  const two = await filtersResult(page, { sort: 'localisation', first: 0 });
  expect(two.models![0].scores[0]).toBeGreaterThan(two.models![0].median);
  await page.evaluate(() => document.querySelector('[data-scrolly="maxout-filters"] .step[data-step="4"]')!.scrollIntoView({ block: 'center' }));
  await filtersResult(page, { window: 4 });
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

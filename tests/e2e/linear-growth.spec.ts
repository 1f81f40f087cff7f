import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { hydrated, holdWorker, recordBoxEveryFrame, watch } from './helpers.ts';
import { num } from '../../src/figures/linear-growth/numbers.ts';

/** §3's linear-growth figure: wᵀη against n on random weights, and a trained softmax model's logit shifts. */

interface Point {
  n: number;
  shift: number;
  l1: number;
  linf: number;
  l2: number;
  predicted: number;
  low: number;
  high: number;
}
interface LinearGrowthData {
  /** Where what is shown was computed: ahead (in Node, shipped with the page) while any part is, or here. */
  source?: 'ahead' | 'browser';
  eps: number;
  seed: number;
  n: number;
  m: number;
  backend: string;
  numTensors: number;
  points: Point[];
  highlighted: Point;
  digit: {
    testDigit: number;
    label: number;
    eps: number;
    cleanLogits: number[];
    shift: number[];
    shiftUnclipped: number[];
    logitChange: number[];
    bound: number[];
    budget: { linf: number; l1: number; changed: number; full: number; pixels: number };
    budgetUnclipped: { linf: number; l1: number; changed: number; full: number; pixels: number };
  } | null;
}

const SD_ABS_NORMAL = Math.sqrt(1 - 2 / Math.PI);

/**
 * Waits until the figure shows a result that satisfies `ready` (and the digit panel has computed), computed here
 * (`ahead`: or computed ahead), and returns it.
 */
async function figureResult(page: Page, ready: (r: LinearGrowthData) => boolean = () => true, ahead = false): Promise<LinearGrowthData> {
  const figure = page.locator('.linear-growth').first();
  let result: LinearGrowthData | null = null;
  await expect
    .poll(
      async () => {
        const raw = await figure.getAttribute('data-result');
        if (!raw) return false;
        const r = JSON.parse(raw) as LinearGrowthData;
        if (!r.digit || !r.highlighted || !ready(r) || (!ahead && r.source === 'ahead')) return false;
        result = r;
        return true;
      },
      { timeout: 110_000 },
    )
    .toBe(true);
  return result!;
}

/** The measured numbers agree with wᵀη = ε‖w‖₁ ≈ ε·m·n and ‖η‖∞ = ε. */
function checkLinearGrowth(r: LinearGrowthData) {
  expect(r.points.length).toBeGreaterThanOrEqual(25);
  expect(r.points[0].n).toBe(10);
  expect(r.points[r.points.length - 1].n).toBe(10_000_000);
  expect(r.m).toBeCloseTo(Math.sqrt(2 / Math.PI), 9);
  for (const p of [...r.points, r.highlighted]) {
    // η = ε·sign(w): wᵀη is ε‖w‖₁ (float32 sums on the backend, added up in float64)
    expect(Math.abs(p.shift - r.eps * p.l1), `n = ${p.n}`).toBeLessThanOrEqual(1e-5 * p.shift + 1e-6);
    // and ε·m·n up to the spread of a random draw of w (5σ)
    expect(Math.abs(p.shift - r.eps * r.m * p.n), `n = ${p.n}`).toBeLessThan(5 * r.eps * SD_ABS_NORMAL * Math.sqrt(p.n));
    expect(p.predicted).toBeCloseTo(r.eps * r.m * p.n, 6);
    // the budget does not grow: ‖η‖∞ = ε at every n, ‖η‖₂ = ε√n
    expect(Math.abs(p.linf - r.eps)).toBeLessThan(1e-7 + 1e-6 * r.eps);
    expect(Math.abs(p.l2 / (r.eps * Math.sqrt(p.n)) - 1)).toBeLessThan(1e-4);
  }
  // wᵀη grows in proportion to n: from 10 to 10⁷ inputs, about a million times
  const first = r.points[0].shift;
  const last = r.points[r.points.length - 1].shift;
  expect(last / first).toBeGreaterThan(5e5);
  expect(last / first).toBeLessThan(2e6);
}

function checkSoftmax(r: LinearGrowthData) {
  const d = r.digit!;
  for (let k = 0; k < 10; k++) {
    // the logits of a linear model move by exactly wₖᵀη, never by more than ε‖wₖ‖₁
    expect(Math.abs(d.logitChange[k] - d.shift[k])).toBeLessThan(1e-3 * Math.max(1, Math.abs(d.shift[k])));
    expect(Math.abs(d.shift[k])).toBeLessThanOrEqual(d.bound[k] * (1 + 1e-5));
    expect(Math.abs(d.shiftUnclipped[k])).toBeLessThanOrEqual(d.bound[k] * (1 + 1e-5));
  }
  // FGSM moves the true class's logit down more than any other
  expect(d.shiftUnclipped.indexOf(Math.min(...d.shiftUnclipped))).toBe(d.label);
  // the budget: unclipped, all 784 pixels move by ε; clipped, fewer pixels and never more than ε
  expect(d.budgetUnclipped.pixels).toBe(784);
  expect(Math.abs(d.budgetUnclipped.linf - d.eps)).toBeLessThan(1e-6);
  expect(Math.abs(d.budgetUnclipped.l1 - d.eps * d.budgetUnclipped.changed)).toBeLessThan(1e-3 * d.budgetUnclipped.l1);
  expect(d.budget.changed).toBeLessThan(784);
  expect(d.budget.full).toBeLessThanOrEqual(d.budget.changed);
  expect(d.budget.linf).toBeLessThanOrEqual(d.eps + 1e-6);
  expect(d.budget.l1).toBeLessThan(d.budgetUnclipped.l1);
}

test('the figure computes in the article when scrolled to, follows its steps, and ε and n move wᵀη as ε‖w‖₁ says', async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  // tall enough that the sticky figure and its controls stay in view without scrolling (scrolling changes the step)
  await page.setViewportSize({ width: 1280, height: 1000 });
  const w = watch(page, new URL(baseURL!).origin);
  await page.goto('/');
  const figure = page.locator('.linear-growth');
  // not computed before the reader comes near it
  await expect(figure).toHaveCount(1);
  expect(await figure.getAttribute('data-result')).toBeNull();

  const toStep = (n: number) =>
    page.evaluate((n) => {
      const el = document.querySelector(`[data-scrolly="linear-growth"] .step[data-step="${n}"]`)!;
      window.scrollBy(0, el.getBoundingClientRect().top - innerHeight * 0.4);
    }, n);

  await toStep(1);
  const first = await figureResult(page, (r) => r.n === 10 && r.eps === 0.25);
  checkLinearGrowth(first);
  checkSoftmax(first);
  await expect(page.locator('[data-scrolly="linear-growth"] .step[data-step="1"]')).toHaveAttribute('data-active', '');
  await expect(figure.locator('.live')).toContainText('n = 10, ε = 0.25');

  // moving ε: the same weights, so wᵀη scales by exactly the ratio of the ε values, at every n
  // the sliders are logarithmic: their values are log₁₀ ε and log₁₀ n (other figures on the page have sliders too)
  await figure.getByTestId('lg-eps').fill('-1');
  const tenth = await figureResult(page, (r) => r.eps === 0.1 && r.n === 10);
  checkLinearGrowth(tenth);
  expect(tenth.seed).toBe(first.seed);
  for (let i = 0; i < first.points.length; i++) {
    expect(tenth.points[i].n).toBe(first.points[i].n);
    expect(tenth.points[i].l1).toBeCloseTo(first.points[i].l1, 1);
    expect(Math.abs(tenth.points[i].shift / first.points[i].shift - 0.1 / 0.25)).toBeLessThan(1e-5);
  }
  await expect(figure.getByTestId('lg-eps').locator('xpath=..')).toContainText('ε = 0.1');

  // moving n: the highlighted wᵀη is ε‖w‖₁ of the first n weights, and close to ε·m·n
  await figure.getByTestId('lg-n').fill('5');
  const big = await figureResult(page, (r) => r.n === 100_000 && r.eps === 0.1);
  checkLinearGrowth(big);
  expect(big.highlighted.n).toBe(100_000);
  expect(big.highlighted.shift / tenth.highlighted.shift).toBeGreaterThan(5_000);
  expect(Math.abs(big.highlighted.shift / (0.1 * big.m * 100_000) - 1)).toBeLessThan(0.01);
  // the readout states the measured number (four significant digits)
  expect(big.highlighted.shift).toBeGreaterThan(1000);
  expect(big.highlighted.shift).toBeLessThan(10_000);
  await expect(figure.getByTestId('lg-readout')).toContainText(String(Number(big.highlighted.shift.toPrecision(4))));

  // (the worker's tensor count is checked on the embed page, where no other figure shares the worker:
  // in the article the figures around this one load and free their own models meanwhile)

  // scrolling on: step 3 is a 224×224 RGB image at the panda's ε
  await toStep(3);
  const photo = await figureResult(page, (r) => r.n === 150_528);
  expect(photo.eps).toBe(0.007);
  checkLinearGrowth(photo);
  await expect(figure.getByTestId('lg-n').locator('xpath=..')).toContainText('n = 150,528');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('the embed page: both panels side by side, ?step=3 shows n = 150,528, and the clip switch changes the budget', async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  const w = watch(page, new URL(baseURL!).origin);
  await page.goto('/embed/linear-growth/?step=3');
  const r = await figureResult(page);
  expect(r.n).toBe(150_528);
  expect(r.eps).toBe(0.007);
  checkLinearGrowth(r);
  checkSoftmax(r);
  await expect(page.getByTestId('lg-n').locator('xpath=..')).toContainText('n = 150,528');
  await expect(page.locator('.linear-growth .live')).toContainText('n = 150,528, ε = 0.007');
  await expect(page.locator('.figure-messages')).toHaveCount(0);
  await expect(page.getByRole('tab')).toHaveCount(0);
  await expect(page.getByTestId('lg-budget')).toContainText('of 784 pixels changed');
  await expect(page.getByTestId('lg-budget')).toContainText('clipped');

  // one grey level, exactly: the 1/255 button
  await page.getByRole('button', { name: '1/255' }).click();
  const grey = await figureResult(page, (x) => Math.abs(x.eps - 1 / 255) < 1e-12);
  checkLinearGrowth(grey);
  expect(grey.highlighted.linf).toBeCloseTo(1 / 255, 8);
  await expect(page).toHaveURL(/eps=0\.0039/);

  // unclipped: the budget is ε on every one of the 784 pixels, ‖η‖₁ = ε·784
  await page.getByTestId('lg-clip').uncheck();
  await expect(page.getByTestId('lg-budget')).toContainText(`784 of 784 pixels changed`);
  await expect(page.getByTestId('lg-budget')).toContainText('Unclipped');
  await expect(page).toHaveURL(/clip=0/);

  // another test digit
  await page.getByTestId('lg-digit').fill('1');
  await page.getByTestId('lg-digit').press('Enter');
  const two = await figureResult(page, (x) => x.digit?.testDigit === 1);
  expect(two.digit!.label).toBe(2);
  checkSoftmax(two);
  expect(two.numTensors).toBe(r.numTensors);

  // a new draw of w: other numbers, the same law
  await page.getByTestId('lg-new-w').click();
  const redrawn = await figureResult(page, (x) => x.seed === 2);
  checkLinearGrowth(redrawn);
  expect(redrawn.highlighted.shift).not.toBe(grey.highlighted.shift);
  await expect(page).toHaveURL(/seed=2/);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('a bad URL value is refused with a visible message; a narrow embed shows one panel at a time', async ({ page }) => {
  test.setTimeout(240_000); // three pages, each computed in full
  await page.goto('/embed/linear-growth/?eps=banana');
  await expect(page.locator('.figure-messages')).toContainText('eps="banana" is not a number; using 0.25.');
  const r = await figureResult(page);
  expect(r.eps).toBe(0.25);

  await page.goto('/embed/linear-growth/?n=5&step=9&seed=x');
  await expect(page.locator('.figure-messages')).toContainText('n="5" is outside 10 to 10000000; using 10.');
  await expect(page.locator('.figure-messages')).toContainText('step="9" is not a step of this figure (1 to 5)');
  await expect(page.locator('.figure-messages')).toContainText('seed="x" is not a number; using 1.');
  const clamped = await figureResult(page, (x) => x.n === 10);
  checkLinearGrowth(clamped);

  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto('/embed/linear-growth/?panel=trained');
  await figureResult(page);
  await expect(page.getByRole('tab', { name: 'Trained softmax' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('lg-readout')).toHaveCount(0);
  await page.getByRole('tab', { name: 'Random weights' }).click();
  await expect(page.getByTestId('lg-readout')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('webgl (or whichever starts first), wasm and cpu measure the same numbers', async ({ page }) => {
  test.setTimeout(240_000);
  const results: LinearGrowthData[] = [];
  for (const backend of ['webgl', 'wasm', 'cpu']) {
    await page.goto(`/embed/linear-growth/?eps=0.05&n=5000&backend=${backend}`);
    const r = await figureResult(page, (x) => x.n === 5000);
    // webgl, asked for by name, may not start at all; wasm and cpu always do
    if (backend !== 'webgl') expect(r.backend).toBe(backend);
    checkLinearGrowth(r);
    results.push(r);
  }
  const [a, ...others] = results;
  for (const b of others) {
    for (let i = 0; i < a.points.length; i++) expect(Math.abs(b.points[i].shift / a.points[i].shift - 1)).toBeLessThan(1e-5);
    for (let k = 0; k < 10; k++) expect(Math.abs(b.digit!.shift[k] - a.digit!.shift[k])).toBeLessThan(1e-3);
    expect(b.digit!.budget.changed).toBe(a.digit!.budget.changed);
  }
});

test('before the worker answers, the sweep and the digit are those computed ahead in Node, said so; the live ones then replace them without a shift', async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  const w = watch(page, new URL(baseURL!).origin);
  interface AheadFile {
    entries: { request: string; key: { epsilon: number; seed?: number; testDigit?: number }; result: { n?: number; points?: Point[]; shift?: number[]; cleanLogits?: number[]; label?: number } }[];
  }
  const file = JSON.parse(readFileSync('src/figures/linear-growth/ahead.json', 'utf8')) as AheadFile;
  // the default state: ε = 0.25, w from seed 1, n = 784 highlighted, test digit 0
  const sweep = file.entries.find((e) => e.request === 'linearGrowthSweep' && e.key.epsilon === 0.25 && e.key.seed === 1)!.result;
  const digit = file.entries.find((e) => e.request === 'linearGrowthDigit' && e.key.epsilon === 0.25 && e.key.testDigit === 0)!.result;
  const at784 = sweep.points!.find((p) => p.n === 784)!;

  // the compute worker's script is held back until what was computed ahead has been read
  const worker = await holdWorker(page);
  await page.goto('/embed/linear-growth/?backend=wasm');
  await hydrated(page);
  await worker.requested();
  const root = page.locator('.linear-growth');

  await test.step('the sweep, the readout, the digit and the live line are those computed ahead, said so', async () => {
    await expect(root).toHaveAttribute('data-source', 'ahead');
    const r = await figureResult(page, () => true, true);
    expect(r.source).toBe('ahead');
    expect([r.eps, r.seed, r.n]).toEqual([0.25, 1, 784]);
    expect(r.points).toEqual(sweep.points);
    expect(r.highlighted).toEqual(at784);
    expect(r.digit!.label).toBe(digit.label);
    r.digit!.shift.forEach((v, k) => expect(v).toBeCloseTo(digit.shift![k], 5));
    r.digit!.cleanLogits.forEach((v, k) => expect(v).toBeCloseTo(digit.cleanLogits![k], 5));
    await expect(page.getByTestId('lg-readout').locator('.shift-text')).toHaveText(num(at784.shift));
    await expect(root.locator('#lg-panel-random .note')).toContainText(`wasm (${sweep.points!.length} values of n, in Node)`);
    await expect(root.locator('.live')).toContainText('n = 784, ε = 0.25');
    await expect(root.locator('.live')).toContainText('Computed ahead in Node with the same code');
  });

  const readout = await recordBoxEveryFrame(page, '.linear-growth [data-testid="lg-readout"]');
  const budget = await recordBoxEveryFrame(page, '.linear-growth [data-testid="lg-budget"]');
  const height = await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height);
  await worker.release();

  const live = await test.step('the sweep and the digit computed here replace them, equal within the backends’ comparison’s tolerance', () => figureResult(page));
  await expect(root).toHaveAttribute('data-source', 'browser');
  await expect(root.locator('.live')).not.toContainText('Computed ahead');
  await expect(root.locator('#lg-panel-random .note')).not.toContainText('in Node');
  expect(live.points.map((p) => p.n)).toEqual(sweep.points!.map((p) => p.n));
  live.points.forEach((p, i) => expect(Math.abs(p.shift / sweep.points![i].shift - 1), `n = ${p.n}`).toBeLessThan(1e-5));
  live.digit!.shift.forEach((v, k) => expect(Math.abs(v - digit.shift![k])).toBeLessThan(1e-3));
  checkLinearGrowth(live);
  // the readout and the digit's budget never moved, and the figure kept its height
  expect((await readout()).boxes).toHaveLength(1);
  expect((await budget()).boxes).toHaveLength(1);
  expect(await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height)).toBe(height);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

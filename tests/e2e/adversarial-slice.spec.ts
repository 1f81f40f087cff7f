import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hydrated, holdWorker, recordBoxEveryFrame, setSlider, watch } from './helpers.ts';
import { decodePlane, type AheadPlane } from '../../src/figures/adversarial-slice/ahead.ts';
import { summariseSlice } from '../../src/lib/analysis/slice-summary.ts';

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

interface SliceFigureResult {
  model: string;
  digit: number;
  label: number;
  range: number;
  seed: number;
  clip: boolean;
  size: number;
  origin: number;
  fgsm: { a: number; predicted: number };
  summary: { wrong: number; wrongAlongFgsm: number; firstWrongAlongFgsm: number | null; wrongAlongRandom: number; firstWrongAlongRandom: number | null; wrongClasses: number };
  cosine: number;
  predicted: number[];
  originLogits: number[];
  numTensors: number;
  /** Where the plane shown was computed: ahead (in Node, shipped with the page) or here. */
  source?: 'ahead' | 'browser';
  backend: string;
}

/** The plane computed here (by default; `ahead`: the one computed ahead is enough). */
async function sliceResult(page: Page, want: (r: SliceFigureResult) => boolean = () => true, ahead = false): Promise<SliceFigureResult> {
  const root = page.locator('.adversarial-slice').first();
  let last: SliceFigureResult | null = null;
  await expect
    .poll(
      async () => {
        const raw = await root.getAttribute('data-result');
        if (!raw) return false;
        const r = JSON.parse(raw) as SliceFigureResult;
        if (!r.predicted) return false;
        if (!ahead && r.source === 'ahead') return false;
        last = r;
        return want(r);
      },
      { timeout: 90_000 },
    )
    .toBe(true);
  return last!;
}

/** The same plane computed in Node from src/lib. */
function nodeSlice(model: string, digit: number, range: number, size: number, seed: number, clip: boolean) {
  const out = execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'tests/e2e/node/slice.ts', model, String(digit), String(range), String(size), String(seed), clip ? '1' : '0'], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out) as { label: number; predicted: number[]; logits: number[]; axis: number[]; summary: SliceFigureResult['summary'] };
}

test('the embed page computes the URL’s plane as Node does; the range slider by keyboard redraws it; no tensor is left behind', async ({ page }) => {
  test.setTimeout(180_000);
  const w = watch(page, origin());
  await page.goto('/embed/adversarial-slice/?backend=wasm&model=softmax&digit=3&range=0.6&seed=5');
  const r = await sliceResult(page, (x) => x.model === 'softmax' && x.digit === 3);
  expect(r.size).toBe(61);
  expect([r.range, r.seed, r.clip]).toEqual([0.6, 5, false]);
  const node = nodeSlice('softmax', 3, 0.6, 61, 5, false);
  expect(r.label).toBe(node.label);
  // the class at each of the 3,721 points (points where two logits tie to float32 rounding may differ)
  const differ = r.predicted.filter((p, i) => p !== node.predicted[i]).length;
  expect(differ).toBeLessThanOrEqual(3);
  const mid = 30 * 61 + 30;
  for (let k = 0; k < 10; k++) expect(r.originLogits[k]).toBeCloseTo(node.logits[mid * 10 + k], 3);
  expect(r.summary.wrongAlongFgsm).toBeCloseTo(node.summary.wrongAlongFgsm, 6);
  // the origin is the digit: softmax reads test digit 3 (a 0) correctly
  expect(r.origin).toBe(r.label);
  // the claim of the figure: along the gradient sign the model errs, along the random direction far less
  expect(r.summary.wrongAlongFgsm).toBeGreaterThan(r.summary.wrongAlongRandom);
  await expect(page.locator('.adversarial-slice .live')).toContainText('softmax, test digit 3 (a 0), plane ±0.6');

  // keyboard: the range slider, one step left
  const slider = page.getByTestId('slice-range');
  await slider.focus();
  await page.keyboard.press('ArrowLeft');
  const narrower = await sliceResult(page, (x) => Math.abs(x.range - 0.55) < 1e-9);
  expect(narrower.predicted).not.toEqual(r.predicted);
  await expect(page).toHaveURL(/range=0\.55/);
  // a new random direction: same FGSM axis, another plane
  await page.getByTestId('slice-seed').press('Enter');
  const other = await sliceResult(page, (x) => x.seed === 6 && Math.abs(x.range - 0.55) < 1e-9);
  const row = (p: number[]) => p.slice(30 * 61, 31 * 61);
  expect(row(other.predicted)).toEqual(row(narrower.predicted));
  expect(other.numTensors).toBe(r.numTensors);
  expect(narrower.numTensors).toBe(r.numTensors);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('a bad URL value is refused with a message; ?step=N gives that step', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/embed/adversarial-slice/?backend=wasm&range=9&model=%3Cb%3Ex%3C%2Fb%3E&digit=two');
  const messages = page.locator('.figure-messages');
  await expect(messages).toContainText('range="9" is outside 0.3 to 3; using 3.');
  await expect(messages).toContainText('model="<b>x</b>" is not one of softmax, maxout, maxout-adv; using maxout.');
  await expect(messages).toContainText('digit="two" is not a number; using 0.');
  expect(await messages.locator('b').count()).toBe(0);
  await sliceResult(page, (x) => x.range === 3 && x.model === 'maxout');

  await page.goto('/embed/adversarial-slice/?backend=wasm&step=9');
  await expect(messages).toContainText('step="9" is not a step of this figure (1 to 4)');

  await page.goto('/embed/adversarial-slice/?backend=wasm&step=4');
  const four = await sliceResult(page, (x) => x.model === 'maxout-adv');
  expect([four.clip, four.range, four.digit]).toEqual([true, 0.5, 0]);
  await expect(page.getByTestId('slice-clip')).toBeChecked();
  expect(new URL(page.url()).searchParams.get('step')).toBe('4');
});

test('in the article the plane follows the scroll steps', async ({ page }) => {
  test.setTimeout(180_000);
  const w = watch(page, origin());
  await page.goto('/?backend=wasm');
  await page.evaluate(() => document.querySelector('[data-scrolly="adversarial-slice"] .step[data-step="1"]')!.scrollIntoView({ block: 'center' }));
  const one = await sliceResult(page, (x) => x.model === 'softmax');
  expect(one.summary.wrongAlongFgsm).toBeGreaterThan(50);
  await page.evaluate(() => document.querySelector('[data-scrolly="adversarial-slice"] .step[data-step="3"]')!.scrollIntoView({ block: 'center' }));
  const three = await sliceResult(page, (x) => x.model === 'maxout' && x.range === 1.5);
  expect(three.summary.wrongAlongFgsm).toBeGreaterThan(three.summary.wrongAlongRandom);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('fits a 375 px wide screen', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto('/embed/adversarial-slice/?backend=wasm');
  await sliceResult(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('before the worker answers, the plane is the one computed ahead in Node, said so; the live plane then replaces it without a shift', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  interface AheadFile {
    entries: { key: { model: string; digit: number; range: number; seed: number; clip: boolean }; result: AheadPlane }[];
  }
  const file = JSON.parse(readFileSync('src/figures/adversarial-slice/ahead.json', 'utf8')) as AheadFile;
  // the default state: maxout, test digit 0, ±0.5, random direction 1, not clipped
  const entry = file.entries.find((e) => e.key.model === 'maxout' && e.key.digit === 0 && e.key.range === 0.5 && e.key.seed === 1 && !e.key.clip)!.result;
  const ahead = decodePlane(entry);
  const summary = summariseSlice(ahead, ahead.trueLabel);
  const mid = 30 * 61 + 30;

  // the compute worker's script is held back until the plane computed ahead has been read
  const worker = await holdWorker(page);
  await page.goto('/embed/adversarial-slice/?backend=wasm');
  await hydrated(page);
  await worker.requested();
  const root = page.locator('.adversarial-slice');

  await test.step('the class map, the predictions and the readout are the plane computed ahead, said so', async () => {
    await expect(root).toHaveAttribute('data-source', 'ahead');
    const r = await sliceResult(page, () => true, true);
    expect(r.source).toBe('ahead');
    expect([r.model, r.digit, r.range, r.seed, r.clip, r.size]).toEqual(['maxout', 0, 0.5, 1, false, 61]);
    expect(r.label).toBe(entry.trueLabel);
    expect(r.predicted).toEqual(Array.from(ahead.predicted));
    expect(r.summary).toEqual(summary);
    expect(r.originLogits).toEqual(Array.from(Float32Array.from(entry.originLogits)));
    expect(r.cosine).toBe(entry.cosine);
    await expect(root.locator('image.class-map')).toHaveCount(1);
    await expect(page.getByTestId('origin-prediction')).toHaveText(`“${ahead.predicted[mid]}”`);
    await expect(root.locator('p.readout')).toContainText(`Wrong on ${summary.wrong.toFixed(1)} % of the plane`);
    await expect(root.locator('p.readout')).toContainText('3,721 points in Node, ahead.');
    await expect(root.locator('.live')).toContainText('maxout, test digit 0');
    await expect(root.locator('.live')).toContainText('Computed ahead in Node with the same code');
  });

  const map = await recordBoxEveryFrame(page, '.adversarial-slice image.class-map');
  const digits = await recordBoxEveryFrame(page, '.adversarial-slice .images');
  const height = await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height);
  await worker.release();

  const live = await test.step('the plane computed here replaces it, equal to the one computed ahead within the Node comparison’s tolerance', () => sliceResult(page));
  await expect(root).toHaveAttribute('data-source', 'browser');
  await expect(root.locator('.live')).not.toContainText('Computed ahead');
  await expect(root.locator('p.readout')).not.toContainText('in Node, ahead');
  expect(live.label).toBe(entry.trueLabel);
  expect(live.predicted.filter((p, i) => p !== ahead.predicted[i]).length).toBeLessThanOrEqual(3);
  for (let k = 0; k < 10; k++) expect(live.originLogits[k]).toBeCloseTo(entry.originLogits[k], 3);
  expect(live.summary.wrongAlongFgsm).toBeCloseTo(summary.wrongAlongFgsm, 6);
  expect(live.cosine).toBe(entry.cosine);
  // the map and the digits never moved, and the figure kept its height
  expect((await map()).boxes).toHaveLength(1);
  expect((await digits()).boxes).toHaveLength(1);
  expect(await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height)).toBe(height);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { holdWorker, hydrated, recordBoxEveryFrame, setSlider, watch } from './helpers.ts';
import { decodeExample, decodeSweep, type AheadExample, type AheadSweep } from '../../src/figures/rotation/ahead.ts';
import { flipStats } from '../../src/figures/rotation/histogram.ts';

// a route that rewrites a fetched file (route.fetch) may still be waiting when the test ends (the page's worker asks
// late): stop routing first, so that it ends quietly instead of as an error outside any test
test.afterEach(async ({ page }) => {
  await page.unrouteAll({ behavior: 'ignoreErrors' });
});

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

interface RotationResult {
  /** Where it was computed: ahead in Node (ahead.json, either part) or here. */
  source: 'ahead' | 'browser' | null;
  digit: number;
  label: number;
  angle: number;
  atFlip: boolean;
  model: string;
  clean: { predicted: number; confidence: number };
  rotated: { predicted: number; confidence: number };
  flipAngle: number | null;
  norm: number;
  rotatedNorm: number;
  changeNorm: number;
  sweep: { model: string; sample: number; wrongAtZero: number; notFlipped: number; median: number | null; errorAtAngle: number | null; angles: (number | null)[] } | null;
  backend: string;
}

/** Waits until the figure shows digit `digit` rotated by `angle` (or at its flipping angle) and has its sample's angles, computed here (or, `ahead`, computed ahead). */
async function rotationResult(page: Page, want: { angle?: number; atFlip?: boolean; digit?: number; ahead?: boolean } = {}): Promise<RotationResult> {
  const root = page.locator('.rotation').first();
  let last: RotationResult | null = null;
  await expect
    .poll(
      async () => {
        const raw = await root.getAttribute('data-result');
        if (!raw) return false;
        last = JSON.parse(raw) as RotationResult;
        if (!last.rotated || !last.sweep) return false;
        if (last.source !== (want.ahead ? 'ahead' : 'browser')) return false;
        if (want.digit !== undefined && last.digit !== want.digit) return false;
        if (want.atFlip !== undefined && last.atFlip !== want.atFlip) return false;
        if (want.angle !== undefined && Math.abs(last.angle - want.angle) > 1e-9) return false;
        if (want.atFlip && last.flipAngle !== null && Math.abs(last.angle - last.flipAngle) > 0.02) return false;
        return true;
      },
      { timeout: 150_000 },
    )
    .toBe(true);
  return last!;
}

test('the rotation figure computes in the article, and its third step goes to the flipping angle', async ({ page }) => {
  test.setTimeout(300_000);
  const w = watch(page, origin());
  await page.goto('/');
  await page.evaluate(() => document.querySelector('[data-scrolly="rotation"] .step[data-step="1"]')!.scrollIntoView({ block: 'center' }));
  const zero = await rotationResult(page, { angle: 0 });
  expect(zero.rotated.predicted).toBe(zero.clean.predicted);
  await page.evaluate(() => document.querySelector('[data-scrolly="rotation"] .step[data-step="3"]')!.scrollIntoView({ block: 'center' }));
  const flip = await rotationResult(page, { atFlip: true });
  expect(flip.flipAngle).not.toBeNull();
  expect(flip.rotated.predicted).not.toBe(flip.label);
  expect(flip.angle).toBeGreaterThanOrEqual(flip.flipAngle!);
  await expect(page.locator('.rotation .live')).toContainText('fooled');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('turning θ keeps ‖x‖ and flips the digit past its flipping angle; the histogram agrees with the digit', async ({ page }) => {
  test.setTimeout(300_000);
  const w = watch(page, origin());
  // wasm: several times faster than software WebGL for the per-digit angle search
  await page.goto('/embed/rotation/?backend=wasm');
  const start = await rotationResult(page, { angle: 2 });
  expect(start.digit).toBe(0);
  expect(start.label).toBe(7);
  expect(start.sweep!.sample).toBe(1000);
  // the sample's flipping angle of digit 0 is this digit's
  expect(Math.abs(start.sweep!.angles[0]! - start.flipAngle!)).toBeLessThan(1e-3);

  await setSlider(page, 'angle', 0);
  const zero = await rotationResult(page, { angle: 0 });
  expect(zero.rotated.predicted).toBe(zero.clean.predicted);
  expect(zero.rotated.confidence).toBeCloseTo(zero.clean.confidence, 5);
  expect(zero.changeNorm).toBeLessThan(1e-5);
  expect(zero.sweep!.errorAtAngle).toBeCloseTo((100 * zero.sweep!.wrongAtZero) / zero.sweep!.sample, 6);

  const past = Math.min(30, Math.ceil(start.flipAngle! + 1));
  await setSlider(page, 'angle', past);
  const turned = await rotationResult(page, { angle: past });
  expect(turned.rotated.predicted).not.toBe(turned.label);
  expect(Math.abs(turned.rotatedNorm - turned.norm) / turned.norm).toBeLessThan(1e-4);
  // a chord of the circle: ‖x′ − x‖ = 2‖x‖ sin(θ/2)
  expect(turned.changeNorm).toBeCloseTo(2 * turned.norm * Math.sin((past * Math.PI) / 360), 3);
  expect(turned.sweep!.errorAtAngle!).toBeGreaterThan(zero.sweep!.errorAtAngle!);
  await expect(page.locator('.rotation .live')).toContainText(`θ = ${past.toFixed(2)}°`);

  await page.getByTestId('to-flip').click();
  const flip = await rotationResult(page, { atFlip: true });
  expect(flip.rotated.predicted).not.toBe(flip.label);
  await expect(page.getByTestId('to-flip')).toBeDisabled();

  // another digit, by its control
  await page.getByTestId('digit').fill('1');
  await page.getByTestId('digit').press('Enter');
  const other = await rotationResult(page, { digit: 1 });
  expect(other.label).toBe(2);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('before the worker answers, the digit and the angles computed ahead are drawn, said so; the live answer then replaces them without a shift', async ({ page }) => {
  test.setTimeout(300_000);
  const w = watch(page, origin());
  const file = JSON.parse(readFileSync('src/figures/rotation/ahead.json', 'utf8')) as { entries: { request: string; key: { angle?: number; atFlip?: boolean; sample?: number }; result: unknown }[] };
  const stored = file.entries.find((e) => e.request === 'rotationExample' && e.key.angle === 2 && e.key.atFlip === false)!.result as AheadExample;
  const storedSweep = file.entries.find((e) => e.request === 'rotationSweep' && e.key.sample === 1000)!.result as AheadSweep;
  const example = decodeExample(stored);
  const angles = decodeSweep(storedSweep).angles;
  const stats = flipStats(angles, 30);
  const argmax = (p: ArrayLike<number>) => Array.from(p).indexOf(Math.max(...Array.from(p)));
  const p100 = (p: number) => `${(100 * p).toFixed(1)} %`;

  // the compute worker's script is held back until the figure computed ahead has been read
  const worker = await holdWorker(page);
  await page.goto('/embed/rotation/?backend=wasm');
  await hydrated(page);
  await worker.requested();
  const root = page.locator('.rotation');

  await test.step('the digit, its predictions, the histogram and the live line are the ones computed ahead, said so', async () => {
    await expect(root).toHaveAttribute('data-source', 'ahead');
    const r = await rotationResult(page, { angle: 2, digit: 0, ahead: true });
    const clean = argmax(example.cleanProbabilities);
    const rotated = argmax(example.rotatedProbabilities);
    expect(r.label).toBe(stored.trueLabel);
    expect(r.flipAngle).toBe(stored.flipAngle);
    expect(r.clean).toEqual({ predicted: clean, confidence: example.cleanProbabilities[clean] });
    expect(r.rotated).toEqual({ predicted: rotated, confidence: example.rotatedProbabilities[rotated] });
    expect([r.norm, r.rotatedNorm, r.changeNorm]).toEqual([stored.norm, stored.rotatedNorm, stored.changeNorm]);
    expect(r.sweep).toEqual({
      model: 'softmax',
      sample: 1000,
      wrongAtZero: stats.wrongAtZero,
      notFlipped: stats.notFlipped,
      median: stats.median,
      errorAtAngle: stats.errorAt(2),
      angles: Array.from(angles.subarray(0, 50), (a) => (Number.isFinite(a) ? a : null)),
    });
    await expect(page.getByTestId('clean-prediction')).toHaveText(`“${clean}”, ${p100(example.cleanProbabilities[clean])}`);
    await expect(page.getByTestId('rotated-prediction')).toHaveText(`“${rotated}”, ${p100(example.rotatedProbabilities[rotated])}`);
    await expect(root.locator('[data-panel="chart"] .readout')).toContainText(`${stats.errorAt(2).toFixed(1)} % of the 1,000 digits are misclassified`);
    await expect(root.locator('[data-panel="chart"] .readout')).toContainText(`Computed in Node, to ${storedSweep.resolution.toFixed(4)}°.`);
    await expect(root.locator('.live')).toContainText(`its smallest flipping angle is ${stored.flipAngle!.toFixed(2)}°`);
    await expect(root.locator('.live')).toContainText('Computed ahead in Node with the same code');
  });

  const boxes = await recordBoxEveryFrame(page, '.rotation [data-panel="chart"] .readout');
  const height = await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height);
  await worker.release();

  const live = await test.step('the answer computed here replaces it, equal to the one computed ahead', () => rotationResult(page, { angle: 2, digit: 0 }));
  await expect(root).toHaveAttribute('data-source', 'browser');
  await expect(root.locator('.live')).not.toContainText('Computed ahead');
  await expect(root.locator('[data-panel="chart"] .readout')).toContainText(new RegExp(`Computed in \\d+\\.\\d s, to ${storedSweep.resolution.toFixed(4)}°`));
  expect(live.label).toBe(stored.trueLabel);
  // the flipping angles to the search's resolution, as the sample's angle of digit 0 is compared with the digit's
  expect(Math.abs(live.flipAngle! - stored.flipAngle!)).toBeLessThan(1e-3);
  expect(live.clean.predicted).toBe(argmax(example.cleanProbabilities));
  expect(live.rotated.predicted).toBe(argmax(example.rotatedProbabilities));
  expect(live.clean.confidence).toBeCloseTo(example.cleanProbabilities[live.clean.predicted], 4);
  expect(live.rotated.confidence).toBeCloseTo(example.rotatedProbabilities[live.rotated.predicted], 4);
  expect(live.norm).toBeCloseTo(stored.norm, 4);
  expect(live.changeNorm).toBeCloseTo(stored.changeNorm, 4);
  expect(live.sweep!.wrongAtZero).toBe(stats.wrongAtZero);
  expect(live.sweep!.notFlipped).toBe(stats.notFlipped);
  expect(Math.abs(live.sweep!.median! - stats.median!)).toBeLessThan(1e-3);
  live.sweep!.angles.forEach((a, i) => expect(Math.abs(a! - angles[i])).toBeLessThan(1e-3));
  // the readout never moved, and the figure kept its height
  expect((await boxes()).boxes).toHaveLength(1);
  expect(await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height)).toBe(height);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('a bad URL value is refused with a message; ?step=N gives that step', async ({ page }) => {
  await page.goto('/embed/rotation/?angle=99&digit=two&model=%3Cimg%20src%3Dx%3E');
  const messages = page.locator('.figure-messages');
  await expect(messages).toContainText('angle="99" is outside 0 to 30; using 30.');
  await expect(messages).toContainText('digit="two" is not a number; using 0.');
  await expect(messages).toContainText('model="<img src=x>" is not one of softmax, maxout; using softmax.');
  expect(await messages.locator('img').count()).toBe(0);
  await rotationResult(page, { angle: 30 });

  await page.goto('/embed/rotation/?step=0');
  await expect(messages).toContainText('step="0" is not a step of this figure (1 to 4)');

  await page.goto('/embed/rotation/?step=1');
  await expect(page.getByTestId('angle')).toHaveValue('0');
  const one = await rotationResult(page, { angle: 0 });
  expect(one.rotated.predicted).toBe(one.clean.predicted);

  await page.goto('/embed/rotation/?step=3');
  const three = await rotationResult(page, { atFlip: true });
  expect(three.rotated.predicted).not.toBe(three.label);
  expect(new URL(page.url()).searchParams.get('step')).toBe('3');
});

test('a model missing from the build is named', async ({ page }) => {
  await page.route('**/models/manifest.json', async (route) => {
    const response = await route.fetch();
    const m = await response.json();
    m.models = m.models.filter((e: { name: string }) => e.name !== 'maxout');
    await route.fulfill({ response, json: m });
  });
  await page.goto('/embed/rotation/?model=maxout&backend=wasm');
  await expect(page.locator('.rotation .figure-error')).toContainText('The maxout model is not part of this build yet');
});

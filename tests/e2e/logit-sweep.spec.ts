import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { holdWorker, hydrated, recordBoxEveryFrame, watch } from './helpers.ts';
import { decodeSweep, type AheadSweep } from '../../src/figures/logit-sweep/ahead.ts';
import { predictionBands } from '../../src/lib/analysis/page-values.ts';

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

interface Band {
  predicted: number;
  start: number;
  end: number;
}
interface StripPoint {
  eps: number;
  predicted: number;
  logits: number[];
}
interface SweepData {
  /** Where it was computed: ahead in Node (ahead.json) or here. */
  source: 'ahead' | 'browser' | null;
  model: string | null;
  digit: number | null;
  label: number | null;
  range: number | null;
  points: number | null;
  bands: Band[] | null;
  strip: StripPoint[] | null;
  cursor: { eps: number; predicted: number; logits: number[] } | null;
  numTensors: number | null;
  backend: string | null;
}

/** Waits until the figure shows the sweep of this state (and its cursor at `eps`, if given), computed here (or, `ahead`, computed ahead). */
async function sweepResult(page: Page, want: { model?: string; digit?: number; range?: number; eps?: number; ahead?: boolean } = {}): Promise<SweepData> {
  const root = page.locator('.logit-sweep').first();
  let last: SweepData | null = null;
  await expect
    .poll(
      async () => {
        const raw = await root.getAttribute('data-result');
        if (!raw) return false;
        last = JSON.parse(raw) as SweepData;
        if (!last.strip || !last.cursor) return false;
        if (last.source !== (want.ahead ? 'ahead' : 'browser')) return false;
        if (want.model !== undefined && last.model !== want.model) return false;
        if (want.digit !== undefined && last.digit !== want.digit) return false;
        if (want.range !== undefined && Math.abs(last.range! - want.range) > 1e-9) return false;
        if (want.eps !== undefined && Math.abs(last.cursor.eps - want.eps) > 1e-4) return false;
        return true;
      },
      { timeout: 90_000 },
    )
    .toBe(true);
  return last!;
}

/** The same sweep in Node (wasm) from src/lib. */
function nodeSweep(state: { model: string; digit: number; range: number }): { label: number; bands: Band[]; strip: StripPoint[] } {
  const out = execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'tests/e2e/node/logit-sweep.ts', JSON.stringify(state)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out);
}

function expectSameSweep(page: SweepData, node: ReturnType<typeof nodeSweep>) {
  expect(page.label).toBe(node.label);
  expect(page.strip!.length).toBe(node.strip.length);
  page.strip!.forEach((p, j) => {
    const n = node.strip[j];
    expect(p.eps).toBeCloseTo(n.eps, 5);
    const scale = Math.max(1, ...n.logits.map(Math.abs));
    for (let k = 0; k < 10; k++) expect(Math.abs(p.logits[k] - n.logits[k])).toBeLessThan(2e-4 * scale);
  });
  // the same classes win in the same order; a boundary may move by one point of the sweep where two logits tie
  expect(page.bands!.map((b) => b.predicted)).toEqual(node.bands.map((b) => b.predicted));
  const step = (2 * page.range!) / (page.points! - 1);
  page.bands!.forEach((b, i) => expect(Math.abs(b.start - node.bands[i].start)).toBeLessThanOrEqual(step * 1.01));
}

test('the sweep computes in the article, and its scroll steps move the cursor and the model', async ({ page }) => {
  test.setTimeout(180_000);
  const w = watch(page, origin());
  await page.goto('/');
  await page.evaluate(() => document.querySelector('[data-scrolly="logit-sweep"] .step[data-step="1"]')!.scrollIntoView({ block: 'center' }));
  const one = await sweepResult(page, { model: 'maxout', eps: 0 });
  expect(one.digit).toBe(4);
  expect(one.cursor!.predicted).toBe(one.label);
  await page.evaluate(() => document.querySelector('[data-scrolly="logit-sweep"] .step[data-step="4"]')!.scrollIntoView({ block: 'center' }));
  const four = await sweepResult(page, { model: 'softmax', eps: 10 });
  // a linear model: each class wins on one interval at most
  const winners = four.bands!.map((b) => b.predicted);
  expect(new Set(winners).size).toBe(winners.length);
  await expect(page.locator('.logit-sweep .live')).toContainText('shallow softmax regression');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('the embed page equals the sweep computed in Node; the keyboard moves ε and the range; the tensor count stays', async ({ page }) => {
  test.setTimeout(180_000);
  const w = watch(page, origin());
  await page.goto('/embed/logit-sweep/?backend=wasm&digit=4&model=maxout&eps=0.25');
  const start = await sweepResult(page, { model: 'maxout', digit: 4, range: 15, eps: 0.25 });
  expect(start.points).toBe(601);
  expectSameSweep(start, nodeSweep({ model: 'maxout', digit: 4, range: 15 }));
  // piecewise linear curves with wide bands: a wrong class holds over several units of ε
  const widest = Math.max(...start.bands!.filter((b) => b.predicted !== start.label).map((b) => b.end - b.start));
  expect(widest).toBeGreaterThan(2);

  // the cursor by keyboard: four steps of 0.05 to the right
  const eps = page.getByTestId('eps');
  await eps.focus();
  for (let i = 0; i < 4; i++) await eps.press('ArrowRight');
  const moved = await sweepResult(page, { eps: 0.45 });
  const band = moved.bands!.find((b) => b.start <= 0.45 + 1e-6 && b.end >= 0.45 - 1e-6)!;
  expect(moved.cursor!.predicted).toBe(band.predicted);
  await expect(page.locator('.logit-sweep .live')).toContainText('At ε = 0.45');
  expect(new URL(page.url()).searchParams.get('eps')).toBe('0.45');

  // the range by keyboard: a new sweep from −13 to 13, again equal to Node's; no tensor left behind
  const range = page.getByTestId('range');
  await range.focus();
  for (let i = 0; i < 4; i++) await range.press('ArrowLeft');
  const narrow = await sweepResult(page, { range: 13 });
  expect(narrow.strip![0].eps).toBeCloseTo(-13, 5);
  expectSameSweep(narrow, nodeSweep({ model: 'maxout', digit: 4, range: 13 }));
  await range.press('ArrowRight');
  const again = await sweepResult(page, { range: 13.5 });
  expect(narrow.numTensors).toBe(start.numTensors);
  expect(again.numTensors).toBe(start.numTensors);

  // softmax: straight lines, and again Node's numbers
  await page.getByTestId('model-softmax').check();
  const soft = await sweepResult(page, { model: 'softmax', range: 13.5 });
  expectSameSweep(soft, nodeSweep({ model: 'softmax', digit: 4, range: 13.5 }));
  const s = soft.strip!;
  for (let k = 0; k < 10; k++) {
    const slope = (s[8].logits[k] - s[0].logits[k]) / (s[8].eps - s[0].eps);
    const mid = s[0].logits[k] + slope * (s[4].eps - s[0].eps);
    expect(Math.abs(s[4].logits[k] - mid)).toBeLessThan(1e-3 * Math.max(1, ...s[0].logits.map(Math.abs)));
  }
  await expect(page.locator('.logit-sweep .strip li.right').first()).toBeVisible();
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('before the worker answers, the sweep computed ahead is drawn, said so; the live answer then replaces it without a shift', async ({ page }) => {
  test.setTimeout(180_000);
  const w = watch(page, origin());
  const file = JSON.parse(readFileSync('src/figures/logit-sweep/ahead.json', 'utf8')) as { entries: { key: { model: string; range: number }; result: AheadSweep }[] };
  const stored = file.entries.find((e) => e.key.model === 'maxout' && e.key.range === 15)!.result;
  const ahead = decodeSweep(stored);
  const bands = predictionBands(ahead.epsilons, ahead.predicted);
  const strip = Array.from(ahead.stripIndices, (i) => ({ eps: ahead.epsilons[i], predicted: ahead.predicted[i], logits: Array.from(ahead.logits.subarray(i * 10, (i + 1) * 10)) }));
  const f2 = (v: number) => (Math.abs(v) < 0.005 ? '0.00' : v.toFixed(2));

  // the compute worker's script is held back until the figure computed ahead has been read
  const worker = await holdWorker(page);
  await page.goto('/embed/logit-sweep/?backend=wasm');
  await hydrated(page);
  await worker.requested();
  const root = page.locator('.logit-sweep');

  await test.step('the curves, the bands, the strip and the live line are the sweep computed ahead, said so', async () => {
    await expect(root).toHaveAttribute('data-source', 'ahead');
    const r = await sweepResult(page, { model: 'maxout', digit: 4, range: 15, eps: 0.25, ahead: true });
    expect(r.label).toBe(stored.trueLabel);
    expect(r.points).toBe(601);
    expect(r.bands).toEqual(bands.map((b) => ({ predicted: b.predicted, start: b.start, end: b.end })));
    expect(r.strip).toEqual(strip);
    await expect(root.locator('rect.band')).toHaveCount(bands.length);
    await expect(root.locator('.strip li span.strip-pred')).toHaveText(strip.map((p) => `${p.predicted}${p.predicted === stored.trueLabel ? ' ✓' : ''}`));
    await expect(root.locator('.strip li > span:not(.strip-pred)')).toHaveText(strip.map((p) => f2(p.eps)));
    await expect(root.locator('.live')).toContainText(`predicted in turn ${bands.map((b) => b.predicted).join(', ')}.`);
    await expect(root.locator('.live')).toContainText('Computed ahead in Node with the same code');
  });

  const boxes = await recordBoxEveryFrame(page, '.logit-sweep ol.strip');
  const height = await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height);
  await worker.release();

  const live = await test.step('the sweep computed here replaces it, equal to the one computed ahead within the Node comparison’s tolerance', () =>
    sweepResult(page, { model: 'maxout', digit: 4, range: 15, eps: 0.25 }),
  );
  await expect(root).toHaveAttribute('data-source', 'browser');
  await expect(root.locator('.live')).not.toContainText('Computed ahead');
  expectSameSweep(live, { label: stored.trueLabel, bands, strip });
  // the strip never moved, and the figure kept its height
  expect((await boxes()).boxes).toHaveLength(1);
  expect(await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height)).toBe(height);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('a bad URL value is refused with a message; ?step=N gives that step', async ({ page }) => {
  await page.goto('/embed/logit-sweep/?range=99&digit=four&model=%3Ci%3Emaxout%3C%2Fi%3E&backend=wasm');
  const messages = page.locator('.figure-messages');
  await expect(messages).toContainText('range="99" is outside 0.5 to 30; using 30.');
  await expect(messages).toContainText('digit="four" is not a number; using 4.');
  await expect(messages).toContainText('model="<i>maxout</i>" is not one of softmax, maxout, maxout-adv; using maxout.');
  expect(await messages.locator('i').count()).toBe(0);
  await sweepResult(page, { range: 30, model: 'maxout' });

  await page.goto('/embed/logit-sweep/?step=6');
  await expect(messages).toContainText('step="6" is not a step of this figure (1 to 5)');

  await page.goto('/embed/logit-sweep/?step=5&backend=wasm');
  await expect(page.getByTestId('model-maxout-adv')).toBeChecked();
  const five = await sweepResult(page, { model: 'maxout-adv', range: 0.5, eps: 0.25 });
  expect(five.digit).toBe(4);
  // what step 5 says: a thin shell of a wrong class between x and ε = 0.25, and the true class again at 0.25
  const shell = five.bands!.filter((b) => b.predicted !== five.label && b.start > 0 && b.end < 0.25);
  expect(shell.length).toBeGreaterThan(0);
  expect(five.cursor!.predicted).toBe(five.label);
  expect(new URL(page.url()).searchParams.get('step')).toBe('5');
});

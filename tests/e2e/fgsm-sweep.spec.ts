import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hydrated, recordBoxEveryFrame, setSlider, watch, holdWorker, figureResult } from './helpers.ts';
import type { RowResult } from '../../src/lib/analysis/reproduce.ts';

// a route that rewrites a fetched file (route.fetch) may still be waiting when the test ends (the page's worker asks
// late): stop routing first, so that it ends quietly instead of as an error outside any test
test.afterEach(async ({ page }) => {
  await page.unrouteAll({ behavior: 'ignoreErrors' });
});

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

interface Point {
  epsilon: number;
  error: number;
  confidence: number | null;
  wrong: number;
}
interface SweepResult {
  eps: number;
  sample: number;
  model: string;
  clip: string;
  source: 'ahead' | 'browser';
  curves: Record<string, { sample: number; source: 'ahead' | 'browser'; clipped: Point[]; unclipped: Point[] }>;
  points: Record<string, { epsilon: number; sample: number; clipped: Point; unclipped: Point }>;
  grid: { model: string; epsilon: number; source: 'ahead' | 'browser'; labels: number[]; predicted: number[] } | null;
  errors: string[];
  backend: string;
}

/** Waits until the figure has computed here its softmax curve and the chosen model's point at ε = eps, and returns its numbers. */
async function sweepResult(page: Page, eps?: number, model = 'softmax', cap = 150_000): Promise<SweepResult> {
  const root = page.locator('.fgsm-sweep').first();
  let last: SweepResult | null = null;
  await expect
    .poll(
      async () => {
        const raw = await root.getAttribute('data-result');
        if (!raw) return false;
        last = JSON.parse(raw) as SweepResult;
        const p = last.points[model];
        const at = (e: number | undefined) => eps === undefined || (e !== undefined && Math.abs(e - eps) < 1e-9);
        return last.curves.softmax?.source === 'browser' && !!p && at(p.epsilon) && last.grid?.model === model && last.grid.source === 'browser' && at(last.grid.epsilon);
      },
      { timeout: cap },
    )
    .toBe(true);
  return last!;
}

async function shippedModels(page: Page): Promise<string[]> {
  const r = await page.request.get('models/manifest.json');
  return ((await r.json()) as { models: { name: string }[] }).models.map((e) => e.name);
}

async function shipsMaxout(page: Page): Promise<boolean> {
  const r = await page.request.get('models/manifest.json');
  const m = (await r.json()) as { models: { name: string }[] };
  return m.models.some((e) => e.name === 'maxout');
}

test('the sweep computes in the article once scrolled to, and its scroll steps set ε', async ({ page }) => {
  test.setTimeout(300_000);
  const w = watch(page, origin());
  await page.goto('/');
  const scrolly = page.locator('[data-scrolly="fgsm-sweep"]');
  await scrolly.locator('.step[data-step="1"]').scrollIntoViewIfNeeded();
  await page.evaluate(() => document.querySelector('[data-scrolly="fgsm-sweep"] .step[data-step="1"]')!.scrollIntoView({ block: 'center' }));
  const first = await sweepResult(page, 0);
  expect(first.eps).toBe(0);
  expect(first.sample).toBe(1000);
  expect(first.curves.softmax.clipped.map((p) => p.epsilon)).toContain(0.25);
  await page.evaluate(() => document.querySelector('[data-scrolly="fgsm-sweep"] .step[data-step="2"]')!.scrollIntoView({ block: 'center' }));
  const second = await sweepResult(page, 0.1);
  expect(second.points.softmax.clipped.error).toBeGreaterThan(first.points.softmax.clipped.error);
  await expect(page.locator('.fgsm-sweep .live')).toContainText('ε = 0.10');
  await expect(page.locator('[data-scrolly="fgsm-sweep"] .step[data-step="2"]')).toHaveAttribute('data-active', '');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('moving ε moves the error as FGSM says, and ε = 0.25 equals row 1 of the reproduction', async ({ page }) => {
  test.setTimeout(400_000);
  const w = watch(page, origin());
  // wasm: software WebGL is several times slower here, and the comparison is with the wasm backend in Node
  await page.goto('/embed/fgsm-sweep/?backend=wasm');
  const start = await sweepResult(page, 0.25);
  const curve = start.curves.softmax;
  expect(curve.clipped).toHaveLength(21);

  // ε = 0: the clean error, the same clipped or not, equal to the curve's first point
  await setSlider(page, 'eps', 0);
  const clean = await sweepResult(page, 0);
  expect(clean.points.softmax.clipped.error).toBe(clean.points.softmax.unclipped.error);
  expect(clean.points.softmax.clipped.error).toBe(curve.clipped[0].error);
  expect(clean.points.softmax.clipped.error).toBeLessThan(15);
  const wrongInGrid = clean.grid!.predicted.filter((p, i) => p !== clean.grid!.labels[i]).length;
  expect(wrongInGrid).toBeLessThanOrEqual(4);

  // ε = 0.1: far more errors, and the cursor point equals the curve's point at the same ε
  await setSlider(page, 'eps', 0.1);
  const mid = await sweepResult(page, 0.1);
  expect(mid.points.softmax.clipped.error).toBeGreaterThan(clean.points.softmax.clipped.error + 50);
  const at01 = curve.clipped.find((p) => Math.abs(p.epsilon - 0.1) < 1e-9)!;
  expect(mid.points.softmax.clipped.error).toBe(at01.error);
  await expect(page.locator('.fgsm-sweep .live')).toContainText('ε = 0.10, clipped');
  expect(await page.locator('.fgsm-sweep .digits li.wrong').count()).toBeGreaterThan(wrongInGrid);

  // the unclipped convention, by its control
  await page.getByTestId('clip-unclipped').check();
  await expect(page.locator('.fgsm-sweep .live')).toContainText('ε = 0.10, unclipped');

  // the paper's points are drawn as hollow markers labelled "paper"
  await expect(page.locator('.fgsm-sweep .paper-mark-group text', { hasText: 'paper, softmax: 99.9 %' })).toHaveCount(1);
  await expect(page.locator('.fgsm-sweep .paper-mark-group text', { hasText: 'paper, maxout: 97.6 %' })).toHaveCount(1);

  // ε = 0.25 on the curve against `npm run reproduce` (Node, wasm) on the same 1,000 digits
  const out = execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'scripts/reproduce.ts', '--json', '--sample', '1000', '--rows', '1'], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const rows: RowResult[] = JSON.parse(out);
  const error = rows.find((r) => r.row === 1 && r.metric === 'FGSM error')!;
  const confidence = rows.find((r) => r.row === 1 && r.metric.startsWith('mean confidence'))!;
  const at025 = (c: Point[]) => c.find((p) => Math.abs(p.epsilon - 0.25) < 1e-9)!;
  expect(Math.abs(at025(curve.clipped).error - error.site)).toBeLessThanOrEqual(0.2);
  expect(Math.abs(at025(curve.unclipped).error - error.siteUnclipped)).toBeLessThanOrEqual(0.2);
  expect(Math.abs(at025(curve.clipped).confidence! - confidence.site)).toBeLessThanOrEqual(0.2);
  expect(Math.abs(at025(curve.unclipped).confidence! - confidence.siteUnclipped)).toBeLessThanOrEqual(0.2);

  if (await shipsMaxout(page)) {
    await page.getByTestId('model-maxout').check();
    const mx = await sweepResult(page, 0.1, 'maxout');
    await expect.poll(async () => (await figureResult<SweepResult>(page.locator('.fgsm-sweep'))).curves.maxout?.clipped.length ?? 0, { timeout: 200_000 }).toBe(21);
    expect(mx.points.maxout.clipped.error).toBeGreaterThan(0);
    await expect(page.locator('.fgsm-sweep .figure-error')).toHaveCount(0);
  }
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

// the exhaustive sweep (all 10,000 digits, about a minute of a quiet core) is in npm run test:stress; npm test keeps the
// 1,000-digit comparison with Node above
test('at ε = 0 on all 10,000 test digits the error is the clean error the training script measured', { tag: '@stress' }, async ({ page }) => {
  // caps, not waits: all 10,000 digits through two models, twice (clipped and unclipped), on a machine that may be busy
  test.setTimeout(600_000);
  const manifest = (await (await page.request.get('models/manifest.json')).json()) as { models: { name: string; metrics: { cleanError: number; testDigits: number } }[] };
  const softmax = manifest.models.find((m) => m.name === 'softmax')!;
  expect(softmax.metrics.testDigits).toBe(10000);
  await page.goto('/embed/fgsm-sweep/?sample=10000&eps=0');
  const r = await sweepResult(page, 0, 'softmax', 540_000);
  expect(r.sample).toBe(10000);
  expect(Math.abs(r.points.softmax.clipped.error - softmax.metrics.cleanError)).toBeLessThan(0.011);
  expect(r.points.softmax.unclipped.error).toBe(r.points.softmax.clipped.error);
  await expect(page.locator('.fgsm-sweep .live')).toContainText('of the first 10,000 test digits');
});

test('a bad URL value is refused or clamped with a message; ?step=N gives that step', async ({ page }) => {
  await page.goto('/embed/fgsm-sweep/?eps=banana&sample=7&clip=%3Cb%3Eboth%3C%2Fb%3E');
  const messages = page.locator('.figure-messages');
  await expect(messages).toContainText('eps="banana" is not a number; using 0.25.');
  await expect(messages).toContainText('sample="7" is not one of 100, 1000, 10000; using 1000.');
  await expect(messages).toContainText('clip="<b>both</b>" is not one of clipped, unclipped; using clipped.');
  expect(await messages.locator('b').count()).toBe(0);
  await sweepResult(page, 0.25);

  await page.goto('/embed/fgsm-sweep/?eps=2');
  await expect(messages).toContainText('eps="2" is outside 0 to 0.5; using 0.5.');
  await expect(page.getByTestId('eps')).toHaveValue('0.5');

  await page.goto('/embed/fgsm-sweep/?step=9');
  await expect(messages).toContainText('step="9" is not a step of this figure (1 to 4)');

  await page.goto('/embed/fgsm-sweep/?step=1');
  await expect(page.getByTestId('eps')).toHaveValue('0');
  const one = await sweepResult(page, 0);
  expect(one.clip).toBe('clipped');

  await page.goto('/embed/fgsm-sweep/?step=4');
  await expect(page.getByTestId('eps')).toHaveValue('0.25');
  await expect(page.getByTestId('clip-unclipped')).toBeChecked();
  await expect(page.getByTestId('model-maxout')).toBeChecked();
  await expect(page.locator('.fgsm-sweep .paper-mark-group')).toHaveCount(4);
  // a value named beside the step wins
  await page.goto('/embed/fgsm-sweep/?step=4&eps=0.3');
  await expect(page.getByTestId('eps')).toHaveValue('0.3');
  await expect(page.getByTestId('clip-unclipped')).toBeChecked();
});

test('a model missing from the build is named, and the other model’s curves stay', async ({ page }) => {
  await page.route('**/models/manifest.json', async (route) => {
    const response = await route.fetch();
    const m = await response.json();
    m.models = m.models.filter((e: { name: string }) => e.name !== 'maxout');
    await route.fulfill({ response, json: m });
  });
  await page.goto('/embed/fgsm-sweep/');
  await expect(page.locator('.fgsm-sweep .figure-error')).toContainText('The maxout model is not part of this build yet');
  const r = await sweepResult(page, 0.25);
  expect(r.curves.softmax.clipped).toHaveLength(21);
  expect(r.curves.maxout).toBeUndefined();
  await expect.poll(async () => (await figureResult<SweepResult>(page.locator('.fgsm-sweep'))).errors).toContain('maxout');
  await expect(page.locator('.fgsm-sweep .figure-error').getByRole('button', { name: 'Retry' })).toBeVisible();
});

test('maxout-adv and maxout-pgd (when shipped) are curves beside softmax and maxout, with a legend, and equal Node’s', async ({ page }) => {
  test.setTimeout(400_000);
  const w = watch(page, origin());
  const shipped = await shippedModels(page);
  test.skip(!shipped.includes('maxout') || !shipped.includes('maxout-adv'), 'the maxout networks are not part of this build');
  const expected = ['softmax', 'maxout', 'maxout-adv', 'maxout-pgd'].filter((m) => shipped.includes(m));
  await page.goto('/embed/fgsm-sweep/?backend=wasm&sample=100&model=maxout-adv&eps=0.1');
  const root = page.locator('.fgsm-sweep');
  await expect
    .poll(async () => {
      const r = await figureResult<SweepResult>(root);
      return expected.filter((m) => r.curves[m]?.sample === 100 && r.curves[m].clipped.length === 21).length;
    }, { timeout: 300_000 })
    .toBe(expected.length);
  const r = await sweepResult(page, 0.1, 'maxout-adv');
  // a legend entry and a clipped and an unclipped curve in each panel for every shipped network
  await expect(root.locator('.legend .key[data-model]')).toHaveText(expected);
  for (const m of expected) await expect(root.locator(`path.curve[data-model="${m}"]`)).toHaveCount(4);
  await expect(root.locator('.readout tbody tr')).toHaveCount(expected.length);
  await expect(root.locator('.live')).toContainText('the FGSM-trained maxout network (maxout-adv) misclassifies');

  const out = execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'tests/e2e/node/fgsm-sweep.ts', '100', expected.join(',')], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const node = JSON.parse(out) as Record<string, { clipped: Point[]; unclipped: Point[] }>;
  for (const m of expected) {
    for (const c of ['clipped', 'unclipped'] as const) {
      node[m][c].forEach((p, i) => {
        const b = r.curves[m][c][i];
        expect(b.epsilon).toBe(p.epsilon);
        expect(Math.abs(b.error - p.error), `${m} ${c} ε = ${p.epsilon}`).toBeLessThanOrEqual(1.01); // one digit of 100
        if (p.confidence !== null && b.confidence !== null) expect(Math.abs(b.confidence - p.confidence)).toBeLessThanOrEqual(1.5);
      });
    }
  }
  // the cursor's read-out at ε = 0.1 is the curve's point
  expect(r.points['maxout-adv'].clipped.error).toBe(r.curves['maxout-adv'].clipped[4].error);

  // the curves control: the paper's two only, then the maxout networks only (the chosen network's curve always stays)
  await page.getByTestId('curves').selectOption('paper');
  await expect(root.locator('.legend .key[data-model]')).toHaveText(['softmax', 'maxout', 'maxout-adv']);
  await page.getByTestId('model-softmax').check();
  await expect(root.locator('.legend .key[data-model]')).toHaveText(['softmax', 'maxout']);
  await expect(root.locator('path.curve[data-model="maxout-adv"]')).toHaveCount(0);
  expect(new URL(page.url()).searchParams.get('curves')).toBe('paper');
  await page.getByTestId('curves').selectOption('maxout');
  await expect(root.locator('.legend .key[data-model]')).toHaveText(expected);
  await page.getByTestId('model-maxout').check();
  await expect(root.locator('.legend .key[data-model]')).toHaveText(expected.filter((m) => m !== 'softmax'));
  await expect(root.locator('.figure-error')).toHaveCount(0);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('without maxout-pgd or maxout-adv in the build their curves are left out, with no error', async ({ page }) => {
  await page.route('**/models/manifest.json', async (route) => {
    const response = await route.fetch();
    const m = await response.json();
    m.models = m.models.filter((e: { name: string }) => e.name !== 'maxout-pgd' && e.name !== 'maxout-adv');
    await route.fulfill({ response, json: m });
  });
  await page.goto('/embed/fgsm-sweep/?sample=100&backend=wasm');
  const r = await sweepResult(page, 0.25);
  expect(r.curves['maxout-adv']).toBeUndefined();
  expect(r.curves['maxout-pgd']).toBeUndefined();
  expect(r.errors).toEqual([]);
  await expect(page.locator('.fgsm-sweep .legend .key[data-model]')).toHaveText(['softmax', 'maxout']);
  await expect(page.getByTestId('model-maxout-adv')).toHaveCount(0);
  await expect(page.locator('.fgsm-sweep .figure-error')).toHaveCount(0);
  // asked for in the URL, a network the build lacks is said so, and softmax's digits are shown
  await page.goto('/embed/fgsm-sweep/?sample=100&backend=wasm&model=maxout-pgd');
  await expect(page.locator('.figure-messages')).toContainText('The maxout-pgd model is not part of this build yet; showing softmax’s digits.');
  await sweepResult(page, 0.25, 'softmax');
});

test('before the worker answers, the curves and the grid are those computed ahead in Node, said so; the live ones then replace them without a shift', async ({ page }) => {
  test.setTimeout(420_000);
  const w = watch(page, origin());
  interface AheadFile {
    entries: { request: string; key: { model: string; sample: number; epsilon?: number }; result: { clipped: Point[] | { predicted: number[] }; unclipped: Point[]; labels?: number[] } }[];
  }
  const ahead = JSON.parse(readFileSync('src/figures/fgsm-sweep/ahead.json', 'utf8')) as AheadFile;
  const aheadCurve = (m: string) => ahead.entries.find((e) => e.request === 'fgsmSweep' && e.key.model === m && e.key.sample === 1000)!.result as { clipped: Point[]; unclipped: Point[] };
  const aheadGrid = ahead.entries.find((e) => e.request === 'fgsmSweepPoint' && e.key.model === 'softmax' && e.key.epsilon === 0.25)!.result as { labels: number[]; clipped: { predicted: number[] } };
  const models = ['softmax', 'maxout', 'maxout-adv', 'maxout-pgd'].filter((m) => ahead.entries.some((e) => e.request === 'fgsmSweep' && e.key.model === m));
  expect(models.slice(0, 2)).toEqual(['softmax', 'maxout']);

  // the compute worker's script is held back until the figure computed ahead has been read
  const worker = await holdWorker(page);
  await page.goto('/embed/fgsm-sweep/?backend=wasm');
  await hydrated(page);
  await worker.requested();
  const root = page.locator('.fgsm-sweep');
  const result = async () => await figureResult<SweepResult>(root);

  await test.step('every network’s curves and softmax’s digits at ε = 0.25 as computed ahead, said so', async () => {
    await expect(root).toHaveAttribute('data-source', 'ahead');
    const r = await result();
    expect(r.source).toBe('ahead');
    for (const m of models) {
      expect(r.curves[m].source).toBe('ahead');
      expect(r.curves[m].clipped).toEqual(aheadCurve(m).clipped);
      expect(r.curves[m].unclipped).toEqual(aheadCurve(m).unclipped);
      await expect(root.locator(`path.curve[data-model="${m}"]`)).toHaveCount(4);
    }
    expect(r.grid).toMatchObject({ model: 'softmax', epsilon: 0.25, source: 'ahead', labels: aheadGrid.labels, predicted: aheadGrid.clipped.predicted });
    const at025 = aheadCurve('softmax').clipped.find((p) => p.epsilon === 0.25)!;
    await expect(root.locator('.live')).toContainText(`misclassifies ${at025.error.toFixed(1)} % of the first 1,000 test digits`);
    await expect(root.locator('.live')).toContainText('Computed ahead in Node with the same code');
    await expect(root.locator('.readout tr[data-model="softmax"] td').first()).toContainText(`${at025.error.toFixed(1)} %`);
    const wrong = aheadGrid.labels.filter((l, i) => aheadGrid.clipped.predicted[i] !== l).length;
    await expect(root.locator('.digits li.wrong')).toHaveCount(wrong);
    await expect(root.locator('.digits canvas')).toHaveCount(24);
    // nothing computes until the worker starts
    await expect(root.locator('figure.figure')).toHaveAttribute('aria-busy', 'false');
  });

  const boxes = await recordBoxEveryFrame(page, '.fgsm-sweep .digits');
  const height = await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height);
  await worker.release();

  await test.step('while the worker computes, the figure is busy and still draws what was computed ahead', async () => {
    await expect(root.locator('.live')).toContainText(/computing here: \d+ %/, { timeout: 120_000 });
    await expect(root.locator('figure.figure')).toHaveAttribute('aria-busy', 'true');
    await expect(root.locator('path.curve[data-model="maxout"]')).toHaveCount(4);
  });

  const live = await test.step('the live curves replace them, equal to Node’s within a digit', async () => {
    await expect(root).toHaveAttribute('data-source', 'browser', { timeout: 400_000 });
    return result();
  });
  await expect(root.locator('.live')).not.toContainText('Computed ahead');
  expect(live.grid).toMatchObject({ model: 'softmax', epsilon: 0.25, source: 'browser' });
  for (const m of models) {
    expect(live.curves[m].source).toBe('browser');
    for (const c of ['clipped', 'unclipped'] as const) {
      aheadCurve(m)[c].forEach((p, i) => {
        const b = live.curves[m][c][i];
        expect(b.epsilon).toBe(p.epsilon);
        expect(Math.abs(b.error - p.error), `${m} ${c} ε = ${p.epsilon}`).toBeLessThanOrEqual(0.2); // two digits of 1,000, as row 1 above
        if (p.confidence !== null && b.confidence !== null) expect(Math.abs(b.confidence - p.confidence)).toBeLessThanOrEqual(1.5);
      });
    }
  }
  // the digits below the charts never moved, and the figure kept its height
  expect((await boxes()).boxes).toHaveLength(1);
  expect(await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height)).toBe(height);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

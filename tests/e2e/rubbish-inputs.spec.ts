import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hydrated, recordBoxEveryFrame, watch, holdWorker } from './helpers.ts';

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

interface ModelNumbers {
  rate: number;
  confidence: number;
  byClass: number[];
  confident: number;
  count: number;
}
interface Numbers {
  models: Record<'softmax' | 'maxout' | 'rbf', ModelNumbers>;
  rows: { row: number; metric: string; site: number; paper: number | null }[];
  answers: Record<string, { predicted: number[]; confidence: number[] }>;
}
interface RubbishData extends Partial<Numbers> {
  /** false: the coarse answer shown while a slider moves. */
  exact: boolean;
  /** Where the numbers shown were computed: ahead (in Node, shipped with the page) or here. */
  source?: 'ahead' | 'browser';
  sigma: number | null;
  count: number | null;
  seed: number | null;
  model: string;
  numTensors: number | null;
  backend: string | null;
}

/** The exact answer computed here (by default; `ahead`: the one computed ahead is enough). */
async function rubbishResult(page: Page, want: { sigma?: number; count?: number; seed?: number; ahead?: boolean } = {}): Promise<RubbishData> {
  const root = page.locator('.rubbish-inputs').first();
  let last: RubbishData | null = null;
  await expect
    .poll(
      async () => {
        const raw = await root.getAttribute('data-result');
        if (!raw) return false;
        last = JSON.parse(raw) as RubbishData;
        if (!last.models) return false;
        // the exact answer, not the coarse one shown while a slider moves
        if (last.exact === false) return false;
        if (!want.ahead && last.source === 'ahead') return false;
        if (want.sigma !== undefined && Math.abs(last.sigma! - want.sigma) > 1e-9) return false;
        if (want.count !== undefined && last.count !== want.count) return false;
        if (want.seed !== undefined && last.seed !== want.seed) return false;
        return true;
      },
      { timeout: 120_000 },
    )
    .toBe(true);
  return last!;
}

function nodeNumbers(state: { sigma: number; count: number; seed: number }): Numbers {
  const out = execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'tests/e2e/node/rubbish-inputs.ts', JSON.stringify(state)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out);
}

/** The page's numbers against Node's: an input may sit on p = 0.5 within float rounding, so counts may differ by one. */
function expectSame(page: RubbishData, node: Numbers) {
  for (const m of ['softmax', 'maxout', 'rbf'] as const) {
    const a = page.models![m];
    const b = node.models[m];
    expect(a.count).toBe(b.count);
    expect(Math.abs(a.confident - b.confident), m).toBeLessThanOrEqual(1);
    expect(Math.abs(a.confidence - b.confidence), m).toBeLessThan(0.1);
    expect(a.byClass.reduce((s, c, k) => s + Math.abs(c - b.byClass[k]), 0), m).toBeLessThanOrEqual(2);
  }
  expect(page.rows!.map((r) => r.metric)).toEqual(node.rows.map((r) => r.metric));
  page.rows!.forEach((r, i) => expect(Math.abs(r.site - node.rows[i].site), r.metric).toBeLessThan(0.5));
  for (const m of ['softmax', 'maxout', 'rbf']) expect(page.answers![m].predicted).toEqual(node.answers[m].predicted);
}

test('the figure computes in the article, and its scroll steps set σ and the histogram’s model', async ({ page }) => {
  test.setTimeout(180_000);
  const w = watch(page, origin());
  await page.goto('/?backend=wasm');
  await page.evaluate(() => document.querySelector('[data-scrolly="rubbish-inputs"] .step[data-step="2"]')!.scrollIntoView({ block: 'center' }));
  const two = await rubbishResult(page, { sigma: 1, count: 10000 });
  expect(two.model).toBe('maxout');
  // the paper's ordering: maxout above softmax above RBF, and RBF never confident
  expect(two.models!.maxout.rate).toBeGreaterThan(two.models!.rbf.rate);
  expect(two.models!.rbf.rate).toBeLessThanOrEqual(1);
  await expect(page.locator('.rubbish-inputs .paper text', { hasText: 'paper: 45.3 %' })).toHaveCount(1);
  await page.evaluate(() => document.querySelector('[data-scrolly="rubbish-inputs"] .step[data-step="3"]')!.scrollIntoView({ block: 'center' }));
  const three = await rubbishResult(page, { sigma: 0.1 });
  expect(three.models!.maxout.rate).toBeLessThan(two.models!.maxout.rate);
  await expect(page.locator('.rubbish-inputs .live')).toContainText('σ = 0.10');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('the embed page equals rows 18 and 20 computed in Node; the keyboard moves σ; the tensor count stays', async ({ page }) => {
  test.setTimeout(180_000);
  const w = watch(page, origin());
  await page.goto('/embed/rubbish-inputs/?backend=wasm&count=1000');
  const start = await rubbishResult(page, { sigma: 1, count: 1000, seed: 20150320 });
  expectSame(start, nodeNumbers({ sigma: 1, count: 1000, seed: 20150320 }));
  const row18 = start.rows!.find((r) => r.metric === 'confident answers, maxout')!;
  expect(row18.paper).toBe(98.35);
  expect(row18.site).toBe(start.models!.maxout.rate);

  // σ by keyboard: five steps of 0.05 down
  const sigma = page.getByTestId('sigma');
  await sigma.focus();
  for (let i = 0; i < 5; i++) await sigma.press('ArrowLeft');
  const lower = await rubbishResult(page, { sigma: 0.75 });
  expectSame(lower, nodeNumbers({ sigma: 0.75, count: 1000, seed: 20150320 }));
  expect(lower.models!.softmax.rate).toBeLessThanOrEqual(start.models!.softmax.rate);
  await expect(page.locator('.rubbish-inputs .live')).toContainText('σ = 0.75');
  expect(new URL(page.url()).searchParams.get('sigma')).toBe('0.75');
  expect(lower.numTensors).toBe(start.numTensors);

  // another seed draws other inputs
  await page.getByTestId('seed').fill('7');
  await page.getByTestId('seed').press('Enter');
  const other = await rubbishResult(page, { seed: 7, sigma: 0.75 });
  expectSame(other, nodeNumbers({ sigma: 0.75, count: 1000, seed: 7 }));
  expect(other.numTensors).toBe(start.numTensors);

  // the histogram's model
  await page.getByTestId('model-softmax').check();
  await expect(page.locator('.rubbish-inputs .live')).toContainText('softmax regression’s confident answers');
  await expect(page.locator('.rubbish-inputs .paper text', { hasText: 'paper: 45.3 %' })).toHaveCount(0);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('a bad URL value is refused with a message; ?step=N gives that step', async ({ page }) => {
  await page.goto('/embed/rubbish-inputs/?sigma=-1&count=12&seed=x&model=%3Cb%3Ebad%3C%2Fb%3E&backend=wasm');
  const messages = page.locator('.figure-messages');
  await expect(messages).toContainText('sigma="-1" is outside 0.05 to 3; using 0.05.');
  await expect(messages).toContainText('count="12" is not one of 100, 1000, 10000; using 10000.');
  await expect(messages).toContainText('seed="x" is not a number; using 20150320.');
  await expect(messages).toContainText('model="<b>bad</b>" is not one of softmax, maxout, rbf; using maxout.');
  expect(await messages.locator('b').count()).toBe(0);
  await rubbishResult(page, { sigma: 0.05 });

  await page.goto('/embed/rubbish-inputs/?step=5');
  await expect(messages).toContainText('step="5" is not a step of this figure (1 to 4)');

  await page.goto('/embed/rubbish-inputs/?step=4&count=100&backend=wasm');
  await expect(page.getByTestId('model-rbf')).toBeChecked();
  const four = await rubbishResult(page, { sigma: 3, count: 100 });
  expect(four.models!.rbf.rate).toBe(0);
  expect(four.models!.maxout.rate).toBeGreaterThan(90);
});

test('before the worker answers, the rates, classes and noise are those computed ahead in Node, said so; the live answer then replaces them without a shift', async ({ page }) => {
  test.setTimeout(300_000);
  const w = watch(page, origin());
  interface AheadFile {
    entries: { key: { sigma: number; count: number; seed: number }; result: Numbers }[];
  }
  const file = JSON.parse(readFileSync('src/figures/rubbish-inputs/ahead.json', 'utf8')) as AheadFile;
  const ahead = file.entries.find((e) => e.key.sigma === 1 && e.key.count === 10000 && e.key.seed === 20150320)!.result;

  // the compute worker's script is held back until the figure computed ahead has been read
  const worker = await holdWorker(page);
  await page.goto('/embed/rubbish-inputs/?backend=wasm');
  await hydrated(page);
  await worker.requested();
  const root = page.locator('.rubbish-inputs');

  await test.step('the rates, the maxout network’s classes and the noise as computed ahead, said so', async () => {
    await expect(root).toHaveAttribute('data-source', 'ahead');
    const r = await rubbishResult(page, { sigma: 1, count: 10000, ahead: true });
    expect(r.source).toBe('ahead');
    expect(r.models).toEqual(ahead.models);
    // the confidences are drawn from float32, as the worker's are
    for (const [m, a] of Object.entries(ahead.answers)) {
      expect(r.answers![m].predicted).toEqual(a.predicted);
      r.answers![m].confidence.forEach((c, i) => expect(Math.abs(c - a.confidence[i])).toBeLessThan(1e-6));
    }
    for (const m of ['softmax', 'maxout', 'rbf'] as const) await expect(page.getByTestId(`rate-${m}`).locator('td').first()).toHaveText(`${ahead.models[m].rate.toFixed(1)} %`);
    await expect(root.locator('.live')).toContainText(`maxout network ${ahead.models.maxout.rate.toFixed(1)} %`);
    await expect(root.locator('.live')).toContainText('Computed ahead in Node with the same code');
    await expect(root.locator('p.readout')).toContainText('ahead, in Node');
  });

  const boxes = await recordBoxEveryFrame(page, '.rubbish-inputs [data-panel="samples"]');
  const height = await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height);
  await worker.release();

  const live = await test.step('the answer computed here replaces it, equal to the one computed ahead within the Node comparison’s tolerance', () => rubbishResult(page, { sigma: 1, count: 10000 }));
  await expect(root).toHaveAttribute('data-source', 'browser');
  await expect(root.locator('.live')).not.toContainText('Computed ahead');
  expectSame(live, ahead);
  // the noise samples below never moved, and the figure kept its height
  expect((await boxes()).boxes).toHaveLength(1);
  expect(await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height)).toBe(height);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

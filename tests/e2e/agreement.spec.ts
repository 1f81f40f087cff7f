import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hydrated, holdWorker, recordBoxEveryFrame, watch } from './helpers.ts';
import type { RowResult } from '../../src/lib/analysis/reproduce.ts';

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

type Pair = [string, string];
interface AgreementFigureResult {
  /** Where the numbers shown were computed: ahead (in Node, shipped with the page) or here. */
  source?: 'ahead' | 'browser';
  sample: number;
  clip: boolean;
  focus: string;
  rows: RowResult[];
  errors: Record<'maxout' | 'softmax' | 'rbf', { clipped: number; unclipped: number }>;
  shown: { matrix: (number | null)[][]; softmaxPicks: number; rbfPicks: number };
  similarities: { pair: Pair; perClass: number[]; overall: number }[];
  counts: number[];
  numTensors: number;
  backend: string;
}

async function agreementResult(page: Page, want: (r: AgreementFigureResult) => boolean = () => true): Promise<AgreementFigureResult> {
  const root = page.locator('.agreement').first();
  let last: AgreementFigureResult | null = null;
  await expect
    .poll(
      async () => {
        const raw = await root.getAttribute('data-result');
        if (!raw) return false;
        const r = JSON.parse(raw) as AgreementFigureResult;
        if (!r.rows) return false;
        last = r;
        return want(r);
      },
      { timeout: 120_000 },
    )
    .toBe(true);
  return last!;
}

function nodeAgreement(n: number) {
  const out = execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'tests/e2e/node/agreement.ts', String(n)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out) as Pick<AgreementFigureResult, 'rows' | 'errors' | 'similarities' | 'counts'> & { paramTensors: number };
}

test('the embed page computes row 15 and the effective weights as Node does; the clip switch by keyboard shows the unclipped numbers', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  await page.goto('/embed/agreement/?backend=wasm');
  const r = await agreementResult(page, (x) => x.source === 'browser');
  expect(r.sample).toBe(1000);
  expect(r.clip).toBe(true);
  const node = nodeAgreement(1000);
  // row 15, metric by metric (a digit whose class flips on float32 rounding moves a percentage by about 0.1)
  expect(r.rows.map((x) => x.metric)).toEqual(node.rows.map((x) => x.metric));
  r.rows.forEach((x, i) => {
    expect(x.paper).toBe(node.rows[i].paper);
    expect(Math.abs(x.site - node.rows[i].site)).toBeLessThanOrEqual(0.3);
    expect(Math.abs(x.siteUnclipped - node.rows[i].siteUnclipped)).toBeLessThanOrEqual(0.3);
  });
  for (const m of ['maxout', 'softmax', 'rbf'] as const) {
    expect(Math.abs(r.errors[m].clipped - node.errors[m].clipped)).toBeLessThanOrEqual(0.3);
    expect(Math.abs(r.errors[m].unclipped - node.errors[m].unclipped)).toBeLessThanOrEqual(0.3);
  }
  expect(r.counts).toEqual(node.counts);
  r.similarities.forEach((s, i) => {
    expect(s.pair).toEqual(node.similarities[i].pair);
    expect(s.overall).toBeCloseTo(node.similarities[i].overall, 3);
    s.perClass.forEach((v, c) => expect(v).toBeCloseTo(node.similarities[i].perClass[c], 3));
  });
  // the section's explanation, measured: maxout's effective weights are closer to softmax's than to RBF's
  const sim = (a: string, b: string) => r.similarities.find((s) => s.pair.join() === `${a},${b}`)!.overall;
  expect(sim('maxout', 'softmax')).toBeGreaterThan(sim('maxout', 'rbf'));
  // the shown matrix is row 15's clipped numbers, the diagonal each model's error
  const row = (re: RegExp) => r.rows.find((x) => re.test(x.metric))!;
  expect(r.shown.matrix[0][1]).toBe(row(/softmax agrees with maxout/).site);
  expect(r.shown.matrix[2][1]).toBe(row(/RBF agrees with softmax/).site);
  expect(r.shown.matrix[1][1]).toBe(r.errors.softmax.clipped);
  expect(r.shown.softmaxPicks).toBe(row(/softmax picks/).site);
  await expect(page.getByTestId('agreement-matrix')).toContainText(`${row(/softmax picks/).site.toFixed(1)} %`);
  await expect(page.getByTestId('agreement-matrix')).toContainText('paper 84.6 %');
  // nothing left behind: the worker holds the three models' parameters and nothing else
  expect(r.numTensors).toBe(node.paramTensors);

  // keyboard: the clip switch
  await page.getByTestId('agreement-clip').focus();
  await page.keyboard.press('Space');
  const un = await agreementResult(page, (x) => !x.clip);
  expect(un.shown.softmaxPicks).toBe(row(/softmax picks/).siteUnclipped);
  expect(un.shown.rbfPicks).toBe(row(/RBF picks/).siteUnclipped);
  expect(un.shown.matrix[2][2]).toBe(r.errors.rbf.unclipped);
  await expect(page).toHaveURL(/clip=0/);
  await expect(page.locator('.agreement .live')).toContainText('unclipped');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('a bad URL value is refused with a message; ?step=N gives that step; the article follows the steps', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/embed/agreement/?backend=wasm&sample=5&clip=maybe');
  const messages = page.locator('.figure-messages');
  await expect(messages).toContainText('sample="5" is not one of 1000, 10000; using 1000.');
  await expect(messages).toContainText('clip="maybe"');
  await agreementResult(page, (x) => x.sample === 1000);

  await page.goto('/embed/agreement/?backend=wasm&step=0');
  await expect(messages).toContainText('step="0" is not a step of this figure (1 to 4)');
  await page.goto('/embed/agreement/?backend=wasm&step=3');
  const three = await agreementResult(page, (x) => x.focus === 'picks');
  expect(three.clip).toBe(false);
  expect(new URL(page.url()).searchParams.get('step')).toBe('3');

  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto('/embed/agreement/?backend=wasm');
  await agreementResult(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);

  const w = watch(page, origin());
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/?backend=wasm');
  await page.evaluate(() => document.querySelector('[data-scrolly="agreement"] .step[data-step="4"]')!.scrollIntoView({ block: 'center' }));
  const four = await agreementResult(page, (x) => x.focus === 'weights');
  expect(four.clip).toBe(true);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('before the worker answers, row 15 and the effective weights are the ones computed ahead in Node, said so; the live answer then replaces them without a shift', async ({ page }) => {
  test.setTimeout(300_000);
  const w = watch(page, origin());
  interface AheadFile {
    entries: { key: { sample: number }; result: Pick<AgreementFigureResult, 'sample' | 'rows' | 'errors' | 'similarities'> & { weights: { maxout: { counts: number[] } } } }[];
  }
  const file = JSON.parse(readFileSync('src/figures/agreement/ahead.json', 'utf8')) as AheadFile;
  const ahead = file.entries.find((e) => e.key.sample === 1000)!.result;

  // the compute worker's script is held back until the figure computed ahead has been read
  const worker = await holdWorker(page);
  await page.goto('/embed/agreement/?backend=wasm');
  await hydrated(page);
  await worker.requested();
  const root = page.locator('.agreement');
  const row = (re: RegExp) => ahead.rows.find((x) => re.test(x.metric))!;

  await test.step('the matrix, the bars, the cosines and the live line are row 15 computed ahead, said so', async () => {
    await expect(root).toHaveAttribute('data-source', 'ahead');
    const r = await agreementResult(page);
    expect(r.source).toBe('ahead');
    expect(r.sample).toBe(ahead.sample);
    expect(r.rows).toEqual(ahead.rows);
    expect(r.errors).toEqual(ahead.errors);
    expect(r.similarities).toEqual(ahead.similarities);
    expect(r.counts).toEqual(ahead.weights.maxout.counts);
    expect(r.shown.matrix[1][1]).toBe(ahead.errors.softmax.clipped);
    expect(r.shown.softmaxPicks).toBe(row(/softmax picks/).site);
    await expect(page.getByTestId('agreement-matrix')).toContainText(`${row(/softmax agrees with maxout/).site.toFixed(1)} %`);
    await expect(page.getByTestId('agreement-matrix')).toContainText(`${ahead.errors.rbf.clipped.toFixed(1)} %`);
    const overall = ahead.similarities.find((x) => x.pair.join() === 'maxout,softmax')!.overall;
    await expect(page.getByTestId('agreement-cosines')).toContainText(overall.toFixed(2));
    await expect(root.locator('.live')).toContainText(`softmax on ${ahead.errors.softmax.clipped.toFixed(1)} %`);
    await expect(root.locator('.live')).toContainText('Computed ahead in Node with the same code');
    await expect(root.locator('p.readout', { hasText: 'Computed ahead in Node on 1,000 test digits.' })).toHaveCount(1);
    // the three models' ten weight images are drawn
    await expect(root.locator('[data-panel="weights"] canvas')).toHaveCount(30);
  });

  const boxes = await recordBoxEveryFrame(page, '.agreement [data-testid="agreement-cosines"]');
  const height = await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height);
  await worker.release();

  const live = await test.step('the answer computed here replaces it, equal to the one computed ahead within the Node comparison’s tolerance', () =>
    agreementResult(page, (x) => x.source === 'browser'),
  );
  await expect(root).toHaveAttribute('data-source', 'browser');
  await expect(root.locator('.live')).not.toContainText('Computed ahead');
  expect(live.rows.map((x) => x.metric)).toEqual(ahead.rows.map((x) => x.metric));
  live.rows.forEach((x, i) => {
    expect(x.paper).toBe(ahead.rows[i].paper);
    expect(Math.abs(x.site - ahead.rows[i].site!)).toBeLessThanOrEqual(0.3);
    expect(Math.abs(x.siteUnclipped - ahead.rows[i].siteUnclipped!)).toBeLessThanOrEqual(0.3);
  });
  for (const m of ['maxout', 'softmax', 'rbf'] as const) expect(Math.abs(live.errors[m].clipped - ahead.errors[m].clipped)).toBeLessThanOrEqual(0.3);
  expect(live.counts).toEqual(ahead.weights.maxout.counts);
  live.similarities.forEach((x, i) => expect(x.overall).toBeCloseTo(ahead.similarities[i].overall, 3));
  // the cosine table never moved, and the figure kept its height
  expect((await boxes()).boxes).toHaveLength(1);
  expect(await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height)).toBe(height);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

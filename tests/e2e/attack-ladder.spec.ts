import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hydrated, recordBoxEveryFrame, watch, holdWorker } from './helpers.ts';

/**
 * The attack-ladder figure (chapter "What the field learned after 2015"): one model's error under FGSM, R+FGSM and
 * PGD of growing strength, rung by rung in the worker, against the same numbers computed in Node from src/lib.
 */

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;
const RUNGS = ['clean', 'fgsm', 'rfgsm', 'pgd-1', 'pgd-2', 'pgd-5', 'pgd-10', 'pgd-20', 'pgd-40', 'pgd-40x5'];
const hasPgdModel = (JSON.parse(readFileSync('models/manifest.json', 'utf8')) as { models: { name: string }[] }).models.some((m) => m.name === 'maxout-pgd');

interface FigureResult {
  model: string;
  eps: number;
  n: number;
  digit: number;
  climb: string;
  available: string[] | null;
  complete: boolean;
  source?: 'ahead' | 'browser';
  /** What is drawn as computed ahead (rung ids, 'digit'), and those rungs' numbers; `rungs` and `one` are computed here. */
  ahead: string[];
  aheadRungs: Record<string, { error: number; wrong: number; count: number }>;
  rungs: Record<string, { error: number; wrong: number; count: number }>;
  one: { label: number; clean: number; fgsm: number; pgd: number; fgsmLoss: number; pgdLoss: number; steps: number } | null;
  numTensors: number | null;
  backend: string | null;
}

async function figureResult(page: Page, ready: (r: FigureResult) => boolean, timeout = 240_000): Promise<FigureResult> {
  const root = page.locator('.attack-ladder').first();
  let last: FigureResult | null = null;
  await expect
    .poll(
      async () => {
        const raw = await root.getAttribute('data-result');
        if (!raw) return false;
        const r = JSON.parse(raw) as FigureResult;
        if (!ready(r)) return false;
        last = r;
        return true;
      },
      { timeout, intervals: [250, 500, 1000] },
    )
    .toBe(true);
  return last!;
}

interface NodeResult {
  rungs: { id: string; error: number; wrong: number }[];
  digit: { label: number; clean: number; fgsm: number; pgd: number; fgsmLoss: number; pgdLoss: number };
  seconds: number;
}

/** The same state computed in Node (wasm) from src/lib. */
function nodeResult(model: string, eps: number, n: number, digit: number): NodeResult {
  const out = execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'tests/e2e/node/attack-ladder.ts', JSON.stringify({ model, eps, n, digit })], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 22,
  });
  return JSON.parse(out);
}

/** The worker's tensor count, asked once nothing computes (?debug=1 puts the compute client on window). */
async function workerTensors(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const c = (window as unknown as { __harnessingCompute: { compute: (r: unknown) => Promise<{ numTensors: number }> } }).__harnessingCompute;
    return (await c.compute({ type: 'memory' })).numTensors;
  });
}

function sameLadder(page: FigureResult, node: NodeResult) {
  expect(Object.keys(page.rungs)).toEqual(RUNGS);
  for (const r of node.rungs) {
    expect(page.rungs[r.id].count, r.id).toBe(page.n);
    expect(Math.abs(page.rungs[r.id].error - r.error), `${r.id}: page ${page.rungs[r.id].error}, Node ${r.error}`).toBeLessThanOrEqual(0.2);
  }
}

test('the embed page computes the ladder rung by rung, equal to Node’s; a new model cancels the ladder and starts over; no tensor leaks', async ({ page }) => {
  test.setTimeout(600_000);
  const w = watch(page, origin());
  await page.goto('/embed/attack-ladder/?backend=wasm&debug=1');
  // the rungs arrive one by one: catch the ladder half way
  const partial = await figureResult(page, (r) => Object.keys(r.rungs).length >= 2 && !r.complete);
  // the rungs not yet computed here are those computed ahead
  expect(partial.ahead.length).toBeGreaterThan(0);
  expect(partial.model).toBe('maxout-adv');
  await expect(page.locator('.attack-ladder [role="progressbar"]')).toBeVisible();
  const first = await figureResult(page, (r) => r.complete && r.one !== null);
  expect(first.eps).toBe(0.25);
  expect(first.n).toBe(100);
  expect(first.available).toContain('maxout-adv');
  expect(first.available!.includes('maxout-pgd')).toBe(hasPgdModel);

  const node = nodeResult('maxout-adv', 0.25, 100, 0);
  sameLadder(first, node);
  // what the figure is for: the FGSM-trained network resists FGSM and not PGD
  expect(first.rungs.fgsm.error).toBeLessThan(30);
  expect(first.rungs['pgd-40x5'].error).toBeGreaterThan(90);
  expect(first.rungs['pgd-40x5'].error).toBeGreaterThanOrEqual(first.rungs.fgsm.error);
  // the digit: the same answers as in Node, and PGD's loss far above FGSM's
  expect(first.one).toMatchObject({ label: node.digit.label, clean: node.digit.clean, fgsm: node.digit.fgsm, pgd: node.digit.pgd, steps: 41 });
  expect(Math.abs(first.one!.pgdLoss - node.digit.pgdLoss)).toBeLessThan(1e-3 * Math.max(1, node.digit.pgdLoss));
  expect(first.one!.pgdLoss).toBeGreaterThan(first.one!.fgsmLoss);
  await expect(page.getByTestId('error-fgsm')).toHaveText(`${first.rungs.fgsm.error.toFixed(1)} %`);
  await expect(page.getByTestId('error-pgd-40x5')).toHaveText(`${first.rungs['pgd-40x5'].error.toFixed(1)} %`);
  await expect(page.locator('.attack-ladder rect[data-rung]')).toHaveCount(RUNGS.length);
  await expect(page.locator('.attack-ladder .live')).toContainText('maxout-adv at ε = 0.25');

  // another model while the ladder computes: the old one is cancelled, the new one matches Node
  await page.getByTestId('model').selectOption('softmax');
  await expect(page).toHaveURL(/model=softmax/);
  const soft = await figureResult(page, (r) => r.model === 'softmax' && r.complete && r.one !== null);
  sameLadder(soft, nodeResult('softmax', 0.25, 100, 0));
  const tensors = await workerTensors(page);
  // maxout-adv again at ε = 0.1 (three keyboard steps down, each a new ladder), left half way for softmax: the
  // cancelled PGD leaves nothing behind in the worker
  await page.getByTestId('model').selectOption('maxout-adv');
  const slider = page.getByTestId('eps');
  await slider.focus();
  for (let k = 0; k < 3; k++) await slider.press('ArrowLeft');
  await expect(page).toHaveURL(/eps=0\.1(&|$)/);
  const half = await figureResult(page, (r) => r.model === 'maxout-adv' && r.eps === 0.1 && r.rungs['pgd-2'] !== undefined);
  expect(half.complete).toBe(false);
  expect(half.rungs.clean.error).toBe(first.rungs.clean.error);
  await page.getByTestId('model').selectOption('softmax');
  const soft01 = await figureResult(page, (r) => r.model === 'softmax' && r.eps === 0.1 && r.complete && r.one !== null);
  expect(soft01.rungs.clean.error).toBe(soft.rungs.clean.error);
  expect(await workerTensors(page)).toBe(tensors);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('bad URL values are refused with a message; ?step=N gives that step; maxout-pgd is offered only where the build ships it', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/embed/attack-ladder/?backend=wasm&eps=-3&n=7&model=%3Ci%3Ebig%3C%2Fi%3E&digit=1.5&climb=up');
  const messages = page.locator('.figure-messages');
  await expect(messages).toContainText('eps="-3" is outside 0 to 0.5; using 0.');
  await expect(messages).toContainText('n="7" is not one of 100, 500, 1000; using 100.');
  await expect(messages).toContainText('model="<i>big</i>" is not one of maxout-adv, maxout, softmax, maxout-pgd; using maxout-adv.');
  await expect(messages).toContainText('digit="1.5" is not a whole number; using 2.');
  await expect(messages).toContainText('climb="up" is not one of fgsm, all; using all.');
  expect(await messages.locator('i').count()).toBe(0);
  // ε = 0: no attack moves a digit, every rung is the clean error
  const zero = await figureResult(page, (r) => r.eps === 0 && r.complete);
  for (const id of RUNGS) expect(zero.rungs[id].error, id).toBe(zero.rungs.clean.error);

  await page.goto('/embed/attack-ladder/?step=9');
  await expect(messages).toContainText('step="9" is not a step of this figure (1 to 4)');

  // step 1: FGSM alone; the rungs above it are hidden
  await page.goto('/embed/attack-ladder/?backend=wasm&step=1');
  const one = await figureResult(page, (r) => r.rungs.fgsm !== undefined);
  expect(one.climb).toBe('fgsm');
  await expect(page.getByTestId('error-fgsm')).toHaveText(/\d+\.\d %/);
  await expect(page.getByTestId('error-pgd-40')).toHaveText('?');
  expect(new URL(page.url()).searchParams.get('step')).toBe('1');

  // step 4: the PGD-trained network, or a clear message where this build has none
  await page.goto('/embed/attack-ladder/?backend=wasm&step=4');
  if (hasPgdModel) {
    const four = await figureResult(page, (r) => r.model === 'maxout-pgd' && r.rungs.fgsm !== undefined);
    expect(four.available).toContain('maxout-pgd');
    await expect(page.getByTestId('model').locator('option[value="maxout-pgd"]')).toHaveCount(1);
  } else {
    await expect(page.locator('.figure-error')).toContainText('The maxout-pgd model is not part of this build yet');
    await page.getByTestId('model').selectOption('maxout');
    await expect(page.locator('.figure-error')).toHaveCount(0);
    await expect(page.getByTestId('model').locator('option[value="maxout-pgd"]')).toHaveCount(0);
  }
});

for (const size of [
  { name: 'phone', width: 375, height: 740 },
  { name: 'desktop', width: 1280, height: 900 },
]) {
  test(`${size.name} (${size.width} px): the figure fits, in the article and on its embed page`, async ({ page }) => {
    test.setTimeout(420_000);
    await page.setViewportSize({ width: size.width, height: size.height });
    const w = watch(page, origin());
    await page.goto('/embed/attack-ladder/?backend=wasm');
    await figureResult(page, (r) => r.rungs.fgsm !== undefined && r.one !== null);
    const overflow = () =>
      page.evaluate(() => {
        const doc = document.documentElement;
        const fig = document.querySelector('.attack-ladder figure')!;
        return { page: doc.scrollWidth - doc.clientWidth, figure: fig.scrollWidth - fig.clientWidth };
      });
    expect(await overflow()).toEqual({ page: 0, figure: 0 });
    for (const id of ['digit-clean', 'digit-fgsm', 'digit-pgd']) await expect(page.getByTestId(id)).toBeVisible();

    await page.goto('/?backend=wasm', { waitUntil: 'domcontentloaded' });
    await page.locator('#figure-attack-ladder').scrollIntoViewIfNeeded();
    await figureResult(page, (r) => r.rungs.fgsm !== undefined);
    expect((await overflow()).page).toBe(0);
    expect(w.errors).toEqual([]);
    expect(w.foreign).toEqual([]);
  });
}

test('the chapter stands before “Bugs or features?”, and scrolling it moves the figure through its steps', async ({ page }) => {
  test.setTimeout(420_000);
  const w = watch(page, origin());
  await page.goto('/?backend=wasm', { waitUntil: 'domcontentloaded' });
  const toc = await page.locator('nav.toc a').evaluateAll((as) => as.map((a) => a.getAttribute('data-toc')));
  expect(toc.indexOf('after-2015')).toBeGreaterThan(toc.indexOf('rubbish-class-examples'));
  expect(toc.indexOf('bugs-or-features')).toBe(toc.indexOf('after-2015') + 1);
  await expect(page.locator('#after-2015 h2')).toHaveText('What the field learned after 2015');
  const to = (n: number) => page.evaluate((k) => document.querySelector(`[data-scrolly="attack-ladder"] .step[data-step="${k}"]`)!.scrollIntoView({ block: 'center' }), n);
  await to(1);
  const one = await figureResult(page, (r) => r.climb === 'fgsm' && r.rungs.fgsm !== undefined);
  expect(one.model).toBe('maxout-adv');
  await expect(page.locator('#figure-attack-ladder [data-testid="error-pgd-40"]')).toHaveText('?');
  await to(2);
  await figureResult(page, (r) => r.climb === 'all' && r.model === 'maxout-adv' && r.rungs['pgd-1'] !== undefined);
  await to(3);
  const three = await figureResult(page, (r) => r.model === 'maxout' && r.rungs.fgsm !== undefined);
  // the ordinary network falls to FGSM already
  expect(three.rungs.fgsm.error).toBeGreaterThan(one.rungs.fgsm.error);
  await expect(page.locator('[data-scrolly="attack-ladder"] .step[data-step="3"]')).toHaveAttribute('data-active', '');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('before the worker answers, the ladder and the digit are those computed ahead in Node, said so; the rungs computed here then replace them without a shift', async ({ page }) => {
  test.setTimeout(600_000);
  const w = watch(page, origin());
  interface AheadFile {
    entries: { request: string; key: { model: string; rung?: string; sample?: number; epsilon: number; digit?: number }; result: { rung?: { error: number; wrong: number; count: number }; label?: number; fgsm?: { predicted: number }; pgd?: { predicted: number } } }[];
  }
  const ahead = JSON.parse(readFileSync('src/figures/attack-ladder/ahead.json', 'utf8')) as AheadFile;
  const aheadRung = (id: string) => ahead.entries.find((e) => e.request === 'attackLadder' && e.key.model === 'maxout-adv' && e.key.sample === 100 && e.key.epsilon === 0.25 && e.key.rung === id)!.result.rung!;
  const aheadDigit = ahead.entries.find((e) => e.request === 'attackLadderDigit' && e.key.model === 'maxout-adv' && e.key.digit === 0 && e.key.epsilon === 0.25)!.result;

  // the compute worker's script is held back until the figure computed ahead has been read
  const worker = await holdWorker(page);
  await page.goto('/embed/attack-ladder/?backend=wasm');
  await hydrated(page);
  await worker.requested();
  const root = page.locator('.attack-ladder');

  await test.step('every rung and the digit as computed ahead, said so', async () => {
    await expect(root).toHaveAttribute('data-source', 'ahead');
    const r = await figureResult(page, (x) => x.ahead.length === RUNGS.length + 1);
    expect(r.rungs).toEqual({});
    expect(r.one).toBeNull();
    for (const id of RUNGS) {
      expect(r.aheadRungs[id]).toEqual({ error: aheadRung(id).error, wrong: aheadRung(id).wrong, count: 100 });
      await expect(page.getByTestId(`error-${id}`)).toHaveText(`${aheadRung(id).error.toFixed(1)} %`);
    }
    await expect(root.locator('rect[data-rung]')).toHaveCount(RUNGS.length);
    await expect(root.locator('.live')).toContainText(`FGSM ${aheadRung('fgsm').error.toFixed(1)} %`);
    await expect(root.locator('.live')).toContainText(`FGSM reads it as ${aheadDigit.fgsm!.predicted}, PGD-40 as ${aheadDigit.pgd!.predicted}`);
    await expect(root.locator('.live')).toContainText('Computed ahead in Node with the same code');
    await expect(page.getByTestId('digit-pgd')).toContainText(`read as ${aheadDigit.pgd!.predicted}`);
  });

  const boxes = await recordBoxEveryFrame(page, '.attack-ladder [data-panel="digit"]');
  const height = await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height);
  await worker.release();

  await test.step('while the worker computes, the figure is busy, says so, and the rungs not yet computed here stay drawn', async () => {
    await expect(root.locator('.live')).toContainText(/computing here: \d+ %/, { timeout: 120_000 });
    await expect(root.locator('figure.figure')).toHaveAttribute('aria-busy', 'true');
    await expect(root.locator('rect[data-rung="pgd-40x5"]')).toHaveCount(1);
  });

  const live = await test.step('the ladder computed here replaces it, equal to the one computed ahead within the Node comparison’s tolerance', () =>
    figureResult(page, (r) => r.complete && r.one !== null && r.source === 'browser', 480_000),
  );
  await expect(root).toHaveAttribute('data-source', 'browser');
  await expect(root.locator('.live')).not.toContainText('Computed ahead');
  expect(live.ahead).toEqual([]);
  for (const id of RUNGS) expect(Math.abs(live.rungs[id].error - aheadRung(id).error), id).toBeLessThanOrEqual(0.2);
  expect(live.one).toMatchObject({ label: aheadDigit.label, fgsm: aheadDigit.fgsm!.predicted, pgd: aheadDigit.pgd!.predicted });
  // the digit's panel below the ladder never moved, and the figure kept its height
  expect((await boxes()).boxes).toHaveLength(1);
  expect(await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height)).toBe(height);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

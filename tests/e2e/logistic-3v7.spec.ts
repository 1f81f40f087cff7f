import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { holdWorker, hydrated, recordBoxEveryFrame, setSlider, watch } from './helpers.ts';
import { decodeLogistic, type AheadLogistic } from '../../src/figures/logistic-3v7/ahead.ts';

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

interface Logistic3v7Result {
  /** Counted on all 2,038 test 3s and 7s (false: the coarse answer on the first 206, shown while ε moves). */
  exact: boolean;
  /** Where it was computed: ahead in Node (ahead.json) or here. */
  source: 'ahead' | 'browser' | null;
  model: string | null;
  epsilon: number | null;
  count: number | null;
  cleanError: number;
  fgsmError: number;
  fgsmErrorUnclipped: number;
  l1: number;
  bias: number;
  weightsHead: number[];
  positiveSigns: number;
  digits: { testIndex: number[]; labels: number[]; clean: number[]; adversarial: number[] };
  row5: { metric: string; paper: number; site: number; siteUnclipped: number }[] | null;
  numTensors: number;
  backend: string;
}

/** Waits for the figure's exact answer (on every test 3 and 7) for this state, computed here (or, `ahead`, computed ahead). */
async function figureResult(page: Page, want: { eps?: number; model?: string; ahead?: boolean } = {}): Promise<Logistic3v7Result> {
  const root = page.locator('.logistic-3v7').first();
  let last: Logistic3v7Result | null = null;
  await expect
    .poll(
      async () => {
        const raw = await root.getAttribute('data-result');
        if (!raw) return false;
        last = JSON.parse(raw) as Logistic3v7Result;
        if (last.model === null || last.epsilon === null || !last.exact) return false;
        if (last.source !== (want.ahead ? 'ahead' : 'browser')) return false;
        if (want.eps !== undefined && Math.abs(last.epsilon - want.eps) > 1e-9) return false;
        if (want.model !== undefined && last.model !== want.model) return false;
        return true;
      },
      { timeout: 120_000 },
    )
    .toBe(true);
  return last!;
}

/** The same figure state computed in Node from src/lib (wasm), on the same shipped models and test digits. */
function inNode(model: string, eps: number) {
  const out = execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'tests/e2e/node/logistic-3v7.ts', '--model', model, '--eps', String(eps)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out) as Omit<Logistic3v7Result, 'numTensors' | 'backend'>;
}

function expectSame(browser: Logistic3v7Result, node: ReturnType<typeof inNode>) {
  expect(browser.model).toBe(node.model);
  expect(browser.count).toBe(node.count);
  expect(browser.count).toBe(2038);
  // at most one digit of 2,038 on either side of the boundary by float rounding
  const digit = 100 / 2038 + 1e-9;
  expect(Math.abs(browser.cleanError - node.cleanError)).toBeLessThanOrEqual(digit);
  expect(Math.abs(browser.fgsmError - node.fgsmError)).toBeLessThanOrEqual(digit);
  expect(Math.abs(browser.fgsmErrorUnclipped - node.fgsmErrorUnclipped)).toBeLessThanOrEqual(digit);
  expect(browser.l1).toBeCloseTo(node.l1, 3);
  expect(browser.bias).toBeCloseTo(node.bias, 5);
  browser.weightsHead.forEach((v, i) => expect(v).toBeCloseTo(node.weightsHead[i], 6));
  expect(browser.digits).toEqual(node.digits);
}

test('the figure computes in the article and its steps move ε and the model', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  await page.goto('/');
  await page.evaluate(() => document.querySelector('[data-scrolly="logistic-3v7"] .step[data-step="1"]')!.scrollIntoView({ block: 'center' }));
  const one = await figureResult(page, { eps: 0, model: 'logistic-3v7' });
  expect(one.fgsmError).toBe(one.cleanError);
  expect(one.digits.adversarial).toEqual(one.digits.clean);
  await page.evaluate(() => document.querySelector('[data-scrolly="logistic-3v7"] .step[data-step="3"]')!.scrollIntoView({ block: 'center' }));
  const three = await figureResult(page, { eps: 0.25, model: 'logistic-3v7' });
  expect(three.fgsmError).toBeGreaterThan(90);
  expect(three.cleanError).toBeLessThan(5);
  await expect(page.locator('.logistic-3v7 .paper text', { hasText: 'paper: 1.6 %' })).toHaveCount(1);
  await expect(page.locator('.logistic-3v7 .paper text', { hasText: 'paper: 99 %' })).toHaveCount(1);
  await page.evaluate(() => document.querySelector('[data-scrolly="logistic-3v7"] .step[data-step="4"]')!.scrollIntoView({ block: 'center' }));
  const four = await figureResult(page, { eps: 0.25, model: 'logistic-3v7-adv' });
  expect(four.fgsmError).toBeLessThan(three.fgsmError / 2);
  // the paper's numbers belong to the plain model only
  await expect(page.locator('.logistic-3v7 .paper')).toHaveCount(0);
  await expect(page.locator('.logistic-3v7 .live')).toContainText('logistic-3v7-adv, ε = 0.25');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('the embed page equals Node for the same URL state; ε = 0.25 on the plain model is row 5; no tensor leaks', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  await page.goto('/embed/logistic-3v7/?backend=wasm&model=logistic-3v7-adv&eps=0.2');
  const adv = await figureResult(page, { eps: 0.2, model: 'logistic-3v7-adv' });
  expectSame(adv, inNode('logistic-3v7-adv', 0.2));

  await page.getByTestId('model-logistic-3v7').check();
  await setSlider(page, 'eps', 0.25);
  const plain = await figureResult(page, { eps: 0.25, model: 'logistic-3v7' });
  expect(new URL(page.url()).searchParams.get('model')).toBeNull();
  const node = inNode('logistic-3v7', 0.25);
  expectSame(plain, node);
  expect(plain.row5).not.toBeNull();
  expect(plain.row5!.find((r) => r.metric === 'clean error')!.site).toBe(plain.cleanError);
  expect(plain.row5!.find((r) => r.metric === 'FGSM error')!.site).toBe(plain.fgsmError);
  expect(plain.row5!.map((r) => r.paper)).toEqual([1.6, 99]);
  for (const [i, r] of plain.row5!.entries()) expect(Math.abs(r.site - node.row5![i].site)).toBeLessThanOrEqual(100 / 2038 + 1e-9);

  // more ε, then back: the worker's tensors return to the same count
  await setSlider(page, 'eps', 0);
  const zero = await figureResult(page, { eps: 0 });
  expect(zero.fgsmError).toBe(zero.cleanError);
  await setSlider(page, 'eps', 0.1);
  await figureResult(page, { eps: 0.1 });
  await setSlider(page, 'eps', 0.25);
  const again = await figureResult(page, { eps: 0.25 });
  expect(again.fgsmError).toBe(plain.fgsmError);
  expect(again.numTensors).toBe(plain.numTensors);
  await expect(page.locator('.logistic-3v7 .backend')).toHaveText('wasm');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('a bad URL value is refused with a message; ?step=N gives that step', async ({ page }) => {
  await page.goto('/embed/logistic-3v7/?eps=9&model=%3Cb%3Ex%3C%2Fb%3E');
  const messages = page.locator('.figure-messages');
  await expect(messages).toContainText('eps="9" is outside 0 to 0.5; using 0.5.');
  await expect(messages).toContainText('model="<b>x</b>" is not one of logistic-3v7, logistic-3v7-adv, logistic-3v7-l1; using logistic-3v7.');
  expect(await messages.locator('b').count()).toBe(0);
  await figureResult(page, { eps: 0.5, model: 'logistic-3v7' });

  await page.goto('/embed/logistic-3v7/?step=6');
  await expect(messages).toContainText('step="6" is not a step of this figure (1 to 5)');

  await page.goto('/embed/logistic-3v7/?step=5');
  await expect(page.getByTestId('model-logistic-3v7-l1')).toBeChecked();
  const five = await figureResult(page, { eps: 0.25, model: 'logistic-3v7-l1' });
  expect(five.cleanError).toBeGreaterThan(5);
  expect(new URL(page.url()).searchParams.get('step')).toBe('5');
});

test('before the worker answers, the answer computed ahead is drawn, said so; the live answer then replaces it without a shift', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  const file = JSON.parse(readFileSync('src/figures/logistic-3v7/ahead.json', 'utf8')) as { entries: { key: { model: string; epsilon: number }; result: AheadLogistic }[] };
  const stored = file.entries.find((e) => e.key.model === 'logistic-3v7' && e.key.epsilon === 0.25)!.result;
  const ahead = decodeLogistic(stored);

  // the compute worker's script is held back until the figure computed ahead has been read
  const worker = await holdWorker(page);
  await page.goto('/embed/logistic-3v7/?backend=wasm');
  await hydrated(page);
  await worker.requested();
  const root = page.locator('.logistic-3v7');

  await test.step('the maps, the digits, the bars and the live line are the answer computed ahead, said so', async () => {
    await expect(root).toHaveAttribute('data-source', 'ahead');
    const r = await figureResult(page, { eps: 0.25, model: 'logistic-3v7', ahead: true });
    expect(r.count).toBe(2038);
    expect(r.cleanError).toBe(stored.clean.error);
    expect(r.fgsmError).toBe(stored.fgsm.clipped.error);
    expect(r.fgsmErrorUnclipped).toBe(stored.fgsm.unclipped.error);
    expect(r.l1).toBe(stored.l1);
    expect(r.bias).toBe(stored.bias);
    r.weightsHead.forEach((v, i) => expect(v).toBeCloseTo(ahead.weights[150 + i], 6));
    expect(r.positiveSigns).toBe(Array.from(ahead.sign).filter((v) => v > 0).length);
    expect(r.digits).toEqual({ testIndex: stored.digits.testIndex, labels: stored.digits.labels, clean: stored.digits.cleanPredicted, adversarial: stored.digits.adversarialPredicted });
    expect(r.row5!.map((x) => x.site)).toEqual(stored.row5!.map((x) => x.site));
    await expect(root.locator('.live')).toContainText(`after FGSM (the paper`);
    await expect(root.locator('.live')).toContainText('Computed ahead in Node with the same code');
    await expect(root.locator('text.value')).toHaveText([`${stored.clean.error.toFixed(2)} %`, `${stored.fgsm.clipped.error.toFixed(2)} %`]);
    await expect(root.getByTestId('adversarial-digits').locator('li')).toHaveCount(10);
    await expect(root.getByTestId('adversarial-digits').locator('li.wrong')).toHaveCount(stored.digits.adversarialPredicted.filter((p, j) => p !== stored.digits.labels[j]).length);
  });

  const boxes = await recordBoxEveryFrame(page, '.logistic-3v7 [data-panel="error"]');
  const height = await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height);
  await worker.release();

  const live = await test.step('the answer computed here replaces it, equal to the one computed ahead within the Node comparison’s tolerance', () => figureResult(page, { eps: 0.25, model: 'logistic-3v7' }));
  await expect(root).toHaveAttribute('data-source', 'browser');
  await expect(root.locator('.live')).not.toContainText('Computed ahead');
  // at most one digit of 2,038 on either side of the boundary by float rounding, and the file's rounding
  const digit = 100 / 2038 + 0.001;
  expect(Math.abs(live.cleanError - stored.clean.error)).toBeLessThanOrEqual(digit);
  expect(Math.abs(live.fgsmError - stored.fgsm.clipped.error)).toBeLessThanOrEqual(digit);
  expect(Math.abs(live.fgsmErrorUnclipped - stored.fgsm.unclipped.error)).toBeLessThanOrEqual(digit);
  expect(live.l1).toBeCloseTo(stored.l1, 2);
  expect(live.bias).toBeCloseTo(stored.bias, 4);
  // w drawn 8-bit: within half a step of the image's scale
  live.weightsHead.forEach((v, i) => expect(Math.abs(v - ahead.weights[150 + i])).toBeLessThanOrEqual(stored.weights.scale / 127.5 + 1e-6));
  expect(live.positiveSigns).toBe(Array.from(ahead.sign).filter((v) => v > 0).length);
  expect(live.digits).toEqual({ testIndex: stored.digits.testIndex, labels: stored.digits.labels, clean: stored.digits.cleanPredicted, adversarial: stored.digits.adversarialPredicted });
  // the error panel never moved, and the figure kept its height
  expect((await boxes()).boxes).toHaveLength(1);
  expect(await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height)).toBe(height);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

// The drag twice: in npm test, that the figure answers while the thumb moves and ends on the exact answer; in npm run
// test:stress, also that no main-thread task over 50 ms ran while the thumb was held (a known defect today: on this
// project's shared 2-core machine about half the runs see one task of 100 to 200 ms in a 3 s drag, the hero's drag none)
for (const { longTasksToo, tag } of [
  { longTasksToo: false, tag: [] as string[] },
  // @alone: test:stress runs it one at a time, after the rest (a quiet main thread is what it measures)
  { longTasksToo: true, tag: ['@stress', '@alone'] },
]) {
test(`dragging ε updates the figure while it moves${longTasksToo ? ', with no long task on the page,' : ''} and ends on the exact answer where the drag stopped`, { tag }, async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  await page.goto('/embed/logistic-3v7/?backend=wasm');
  await hydrated(page);
  const start = await figureResult(page, { eps: 0.25, model: 'logistic-3v7' });
  expect(start.count).toBe(2038);
  // every answer the figure shows from now on, every main-thread task over 50 ms, and when the thumb was pressed and
  // released, all with their times (nothing of the test's own runs in the page between press and release)
  await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    const shown: { t: number; exact: boolean; epsilon: number; count: number }[] = [];
    const longTasks: { t: number; duration: number }[] = [];
    const drag = { down: -1, up: -1 };
    Object.assign(w, { shown, longTasks, drag });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push({ t: e.startTime, duration: Math.round(e.duration) });
    }).observe({ type: 'longtask' });
    const fig = document.querySelector('.logistic-3v7')!;
    new MutationObserver(() => {
      const r = JSON.parse(fig.getAttribute('data-result') ?? 'null');
      if (r?.epsilon !== null && r?.epsilon !== undefined) shown.push({ t: performance.now(), exact: r.exact, epsilon: r.epsilon, count: r.count });
    }).observe(fig, { attributes: true, attributeFilter: ['data-result'] });
    addEventListener('pointerdown', () => (drag.down = performance.now()), { capture: true });
    addEventListener('pointerup', () => (drag.up = performance.now()), { capture: true });
  });
  // the thumb, dragged from ε = 0.25 to the left, then right, through several values, resting at none
  const slider = page.getByTestId('eps').first();
  await slider.scrollIntoViewIfNeeded();
  const box = (await slider.boundingBox())!;
  // (a range input's thumb sits at value / max of its width, less half a thumb at either end: grab it where it is)
  const at = (v: number) => box.x + 8 + (box.width - 16) * (v / 0.5);
  const y = box.y + box.height / 2;
  await page.mouse.move(at(0.25), y);
  await page.mouse.down();
  for (const v of [0.2, 0.15, 0.1, 0.05, 0.1, 0.15, 0.2, 0.3, 0.35]) await page.mouse.move(at(v), y, { steps: 8 });
  await page.mouse.up();
  const stoppedAt = Number(await slider.inputValue());
  expect(stoppedAt).toBeGreaterThan(0.25);
  // it ends on the exact answer for the value where the drag stopped
  const end = await figureResult(page, { eps: stoppedAt, model: 'logistic-3v7' });
  expect(end.count).toBe(2038);
  await expect(page.locator('.logistic-3v7 .live')).toContainText(`logistic-3v7, ε = ${stoppedAt.toFixed(2)}: `);
  await expect.poll(() => new URL(page.url()).searchParams.get('eps')).toBe(String(stoppedAt));
  const { shown, longTasks, drag } = await page.evaluate(() => {
    const w = window as unknown as {
      shown: { t: number; exact: boolean; epsilon: number; count: number }[];
      longTasks: { t: number; duration: number }[];
      drag: { down: number; up: number };
    };
    return { shown: w.shown, longTasks: w.longTasks, drag: w.drag };
  });
  expect(drag.down).toBeGreaterThan(0);
  expect(drag.up).toBeGreaterThan(drag.down);
  // the figure answered while the thumb moved: coarse answers for values the drag passed through
  const during = shown.filter((r) => r.t > drag.down && r.t < drag.up);
  const passed = new Set(during.filter((r) => !r.exact && r.epsilon !== 0.25).map((r) => r.epsilon));
  expect(passed.size, `answers shown during the drag: ${JSON.stringify(shown)}`).toBeGreaterThanOrEqual(2);
  // a coarse answer counts the first 206 of the 3s and 7s, the exact one all 2,038
  for (const r of shown) expect(r.count).toBe(r.exact ? 2038 : 206);
  const long = longTasks.filter((l) => l.t + l.duration > drag.down && l.t < drag.up);
  if (longTasksToo) expect(long, `main-thread tasks over 50 ms while the thumb was held (${Math.round(drag.up - drag.down)} ms)`).toEqual([]);
  else console.log(`main-thread tasks over 50 ms while the thumb was held (${Math.round(drag.up - drag.down)} ms): ${long.map((l) => l.duration).join(', ') || 'none'}`);
  expect(w.errors).toEqual([]);
});
}

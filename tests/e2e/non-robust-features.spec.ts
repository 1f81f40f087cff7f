import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hydrated, holdWorker, recordBoxEveryFrame, setSlider, watch, figureResult } from './helpers.ts';

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

interface Shown {
  state: { n: number; epsilon: number; steps: number; student: string; epochs: number; seed: number; test: string };
  result: {
    count: number;
    epsilon: number;
    steps: number;
    student: string;
    epochs: number;
    seed: number;
    reachedTarget: number;
    maxChange: number;
    accuracy: number;
    shifted: number;
    testCount: number;
    control: { accuracy: number; shifted: number } | null;
    targets: number[];
    labels: number[];
    numTensors: number | null;
  } | null;
  /** Where the run shown was computed: ahead (in Node, shipped with the page) or here. */
  source?: 'ahead' | 'browser';
  stopped: boolean;
  backend: string | null;
}

async function shown(page: Page): Promise<Shown> {
  return figureResult<Shown>(page.locator('.non-robust').first());
}

/** Waits until the figure shows a finished run at ε = epsilon, computed here (`ahead`: or the one computed ahead). */
async function finished(page: Page, epsilon: number, ahead = false): Promise<NonNullable<Shown['result']>> {
  let last: Shown | null = null;
  await expect
    .poll(
      async () => {
        last = await shown(page);
        return last.result !== null && Math.abs(last.result.epsilon - epsilon) < 1e-9 && (ahead || last.source !== 'ahead');
      },
      { timeout: 120_000 },
    )
    .toBe(true);
  return last!.result!;
}

/** The same experiment in Node, from src/lib, through `npm run experiment`. */
function nodeRun(args: string[]) {
  const out = execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'scripts/experiment.ts', 'non-robust', ...args, '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out) as { runs: { epsilon: number; reachedTarget: number; accuracy: number; shifted: number; maxChange: number }[]; control: { accuracy: number; shifted: number } };
}

test('D_det runs to completion on 200 digits from the URL, agrees with the same run in Node, and keeps the tensor count', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  await page.goto('/embed/non-robust-features/?n=200&steps=4&epochs=4&epsilon=0.2&backend=wasm');
  const first = await finished(page, 0.2);
  expect(first.count).toBe(200);
  expect(first.testCount).toBe(1000);
  expect(first.maxChange).toBeLessThanOrEqual(0.2 + 1e-6);
  // D_det's labels: the class after the true one
  expect(first.targets).toEqual(first.labels.map((y) => (y + 1) % 10));
  await expect(page.locator('.non-robust .live')).toContainText('the attack reached its target on');

  const node = nodeRun(['--n', '200', '--steps', '4', '--epochs', '4', '--epsilon', '0.2', '--test', '1000', '--seed', '1', '--student', 'maxout']);
  const r = node.runs[0];
  expect(Math.abs(first.reachedTarget - r.reachedTarget)).toBeLessThan(2);
  expect(Math.abs(first.accuracy - r.accuracy)).toBeLessThan(3);
  expect(Math.abs(first.shifted - r.shifted)).toBeLessThan(3);
  expect(Math.abs(first.control!.accuracy - node.control.accuracy)).toBeLessThan(3);

  // another ε, by its control: a stronger attack reaches its target more often; nothing is left behind in the worker
  await setSlider(page, 'epsilon', 0.3);
  const second = await finished(page, 0.3);
  expect(second.reachedTarget).toBeGreaterThanOrEqual(first.reachedTarget);
  expect(second.numTensors).toBe(first.numTensors);
  expect(new URL(page.url()).searchParams.get('epsilon')).toBe('0.3');
  // back to ε = 0.2: the kept run, at once
  await setSlider(page, 'epsilon', 0.2);
  const again = await finished(page, 0.2);
  expect(again.accuracy).toBe(first.accuracy);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('a run can be cancelled, and run again', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/embed/non-robust-features/?n=5000&backend=wasm');
  await expect(page.locator('.non-robust .stages')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('cancel').click();
  await expect(page.locator('.non-robust .live')).toHaveText('Stopped.');
  await expect(page.locator('.non-robust .stages')).toHaveCount(0);
  expect((await shown(page)).result).toBeNull();
  await expect(page.getByTestId('run')).toBeEnabled();
  await page.getByTestId('run').click();
  await expect(page.locator('.non-robust .stages')).toBeVisible();
  await page.getByTestId('cancel').click();
  await expect(page.locator('.non-robust .live')).toHaveText('Stopped.');
});

test('a bad URL value is refused with a message; ?step=N gives that step', async ({ page }) => {
  await page.goto('/embed/non-robust-features/?epsilon=abc&n=99999&student=%3Cimg%20src%3Dx%3E&test=7');
  const messages = page.locator('.figure-messages');
  await expect(messages).toContainText('epsilon="abc" is not a number; using 0.2.');
  await expect(messages).toContainText('n="99999" is outside 100 to 5000; using 5000.');
  await expect(messages).toContainText('student="<img src=x>" is not one of maxout, softmax; using maxout.');
  await expect(messages).toContainText('test="7" is not one of 1000, 10000; using 1000.');
  expect(await messages.locator('img').count()).toBe(0);
  const bad = await shown(page);
  expect(bad.state.epsilon).toBe(0.2);
  expect(bad.state.n).toBe(5000);

  await page.goto('/embed/non-robust-features/?step=9');
  await expect(messages).toContainText('step="9" is not a step of this figure (1 to 4)');

  await page.goto('/embed/non-robust-features/?step=4&n=200&steps=2&epochs=2&backend=wasm');
  await expect(page.getByTestId('epsilon')).toHaveValue('0.2');
  await expect(page.getByTestId('student')).toHaveValue('softmax');
  const four = await finished(page, 0.2);
  expect(four.student).toBe('softmax');
  expect(four.count).toBe(200);
  expect(new URL(page.url()).searchParams.get('step')).toBe('4');

  await page.goto('/embed/non-robust-features/?step=3&n=200&steps=2&epochs=2&backend=wasm');
  await expect(page.getByTestId('epsilon')).toHaveValue('0.3');
  const three = await finished(page, 0.3);
  expect(three.student).toBe('maxout');
});

test('in the article, the scroll steps set ε', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => document.querySelector('[data-scrolly="non-robust-features"] .step[data-step="3"]')!.scrollIntoView({ block: 'center' }));
  await expect.poll(async () => (await shown(page)).state.epsilon, { timeout: 60_000 }).toBe(0.3);
  await page.evaluate(() => document.querySelector('[data-scrolly="non-robust-features"] .step[data-step="1"]')!.scrollIntoView({ block: 'center' }));
  await expect.poll(async () => (await shown(page)).state.epsilon, { timeout: 60_000 }).toBe(0.1);
  await expect(page.locator('.non-robust .stages, .non-robust [data-testid="summary"]').first()).toBeVisible({ timeout: 60_000 });
});

test('before the worker answers, the run is the one computed ahead in Node, said so; the run computed here then replaces it without a shift', async ({ page }) => {
  test.setTimeout(300_000);
  const w = watch(page, origin());
  interface AheadRun {
    epsilon: number;
    student: string;
    count: number;
    reachedTarget: number;
    maxChange: number;
    test: { accuracy: number; shifted: number; count: number };
    control: { accuracy: number; shifted: number; count: number } | null;
    examples: { labels: number[]; targets: number[] };
  }
  const file = JSON.parse(readFileSync('src/figures/non-robust-features/ahead.json', 'utf8')) as { entries: { key: { n: number; epsilon: number; student: string; test: number }; result: AheadRun }[] };
  // the default state: 1,000 training digits, ε = 0.2, a maxout student, 1,000 test digits
  const ahead = file.entries.find((e) => e.key.n === 1000 && e.key.epsilon === 0.2 && e.key.student === 'maxout' && e.key.test === 1000)!.result;

  // the compute worker's script is held back until the run computed ahead has been read
  const worker = await holdWorker(page);
  await page.goto('/embed/non-robust-features/?backend=wasm');
  await hydrated(page);
  await worker.requested();
  const root = page.locator('.non-robust');

  await test.step('the digits, the summary and the live line are the run computed ahead, said so', async () => {
    await expect(root).toHaveAttribute('data-source', 'ahead');
    const r = await finished(page, 0.2, true);
    expect((await shown(page)).source).toBe('ahead');
    expect([r.count, r.student, r.testCount]).toEqual([1000, 'maxout', 1000]);
    expect([r.reachedTarget, r.maxChange, r.accuracy, r.shifted]).toEqual([ahead.reachedTarget, ahead.maxChange, ahead.test.accuracy, ahead.test.shifted]);
    expect(r.control).toEqual(ahead.control);
    expect(r.labels).toEqual(ahead.examples.labels);
    expect(r.targets).toEqual(ahead.examples.targets);
    const summary = page.getByTestId('summary');
    await expect(summary).toContainText(`gets ${ahead.test.accuracy.toFixed(1)} % of 1,000 clean test digits right`);
    await expect(summary).toContainText('Computed ahead, in Node.');
    await expect(root.locator('.pair .tag').first()).toHaveText(new RegExp(`^${ahead.examples.labels[0]}→${ahead.examples.targets[0]}`));
    await expect(root.locator('.live')).toContainText('Computed ahead in Node with the same code');
    await expect(page.getByTestId('run')).toBeEnabled();
  });

  const digits = await recordBoxEveryFrame(page, '.non-robust [data-panel="digits"]');
  const chart = await recordBoxEveryFrame(page, '.non-robust [data-panel="chart"]');
  const height = await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height);
  await worker.release();

  const live = await test.step('the run computed here replaces it, equal to the one computed ahead within the Node comparison’s tolerance', () => finished(page, 0.2));
  await expect(root).toHaveAttribute('data-source', 'browser');
  await expect(root.locator('.live')).not.toContainText('Computed ahead');
  await expect(page.getByTestId('summary')).not.toContainText('Computed ahead');
  expect(Math.abs(live.reachedTarget - ahead.reachedTarget)).toBeLessThan(2);
  expect(Math.abs(live.accuracy - ahead.test.accuracy)).toBeLessThan(3);
  expect(Math.abs(live.shifted - ahead.test.shifted)).toBeLessThan(3);
  expect(Math.abs(live.control!.accuracy - ahead.control!.accuracy)).toBeLessThan(3);
  expect(live.labels).toEqual(ahead.examples.labels);
  // the digits and the chart never moved, and the figure kept its height
  expect((await digits()).boxes).toHaveLength(1);
  expect((await chart()).boxes).toHaveLength(1);
  expect(await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height)).toBe(height);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

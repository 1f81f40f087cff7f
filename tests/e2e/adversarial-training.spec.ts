import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { setSlider, watch } from './helpers.ts';

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

interface Point {
  epoch: number;
  runs: Record<'ordinary' | 'adversarial', { loss: number; cleanError: number; fgsmError: number }>;
}
interface Shown {
  state: { alpha: number; epsilon: number; seed: number; epochs: number; n: number; test: string };
  epochs: Point[];
  running: boolean;
  training: boolean;
  paused: boolean;
  numTensors: number | null;
  backend: string | null;
}

async function shown(page: Page): Promise<Shown> {
  return JSON.parse((await page.locator('.adversarial-training').first().getAttribute('data-result'))!) as Shown;
}

/** Waits until the figure has trained `count` epochs with these settings. */
async function trained(page: Page, count: number, want: { alpha?: number; epsilon?: number } = {}): Promise<Shown> {
  let last: Shown | null = null;
  await expect
    .poll(
      async () => {
        last = await shown(page);
        if (want.alpha !== undefined && last.state.alpha !== want.alpha) return false;
        if (want.epsilon !== undefined && last.state.epsilon !== want.epsilon) return false;
        return last.epochs.length >= count && !last.running && !last.training;
      },
      { timeout: 120_000 },
    )
    .toBe(true);
  return last!;
}

/** The same training in Node, from src/lib, through `npm run experiment`. */
function nodeRun(args: string[]): { epochs: Point[] } {
  const out = execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'scripts/experiment.ts', 'adversarial-training', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out);
}

test('trains from the URL state, agrees with the same training in Node, and keeps the tensor count across a reset', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  await page.goto('/embed/adversarial-training/?n=500&epochs=2&backend=wasm');
  const first = await trained(page, 2);
  expect(first.state.n).toBe(500);
  const node = nodeRun(['--n', '500', '--epochs', '2', '--alpha', '0.5', '--epsilon', '0.25', '--seed', '1', '--test', '1000']);
  for (let i = 0; i < 2; i++) {
    for (const r of ['ordinary', 'adversarial'] as const) {
      expect(Math.abs(first.epochs[i].runs[r].cleanError - node.epochs[i].runs[r].cleanError)).toBeLessThan(2);
      expect(Math.abs(first.epochs[i].runs[r].fgsmError - node.epochs[i].runs[r].fgsmError)).toBeLessThan(3);
    }
  }
  await expect(page.locator('.adversarial-training .live')).toContainText('After epoch 2');
  const tensors = first.numTensors;

  // α = 1 by its slider: a fresh training, and the two curves are one
  await setSlider(page, 'alpha', 1);
  const one = await trained(page, 2, { alpha: 1 });
  for (const e of one.epochs) expect(e.runs.adversarial).toEqual(e.runs.ordinary);
  expect(new URL(page.url()).searchParams.get('alpha')).toBe('1');
  expect(one.numTensors).toBe(tensors);

  await page.getByTestId('reset').click();
  await expect.poll(async () => (await shown(page)).epochs.length).toBe(0);
  await page.getByTestId('start').click();
  const again = await trained(page, 2, { alpha: 1 });
  expect(again.epochs).toEqual(one.epochs);
  expect(again.numTensors).toBe(tensors);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('pause stops after the epoch in progress, and training goes on from there', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/embed/adversarial-training/?n=300&epochs=6&backend=wasm');
  await expect.poll(async () => (await shown(page)).epochs.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
  await page.getByTestId('pause').click();
  await expect.poll(async () => { const s = await shown(page); return !s.running && !s.training; }).toBe(true);
  const paused = (await shown(page)).epochs.length;
  await page.waitForTimeout(1500);
  expect((await shown(page)).epochs.length).toBe(paused);
  await page.getByTestId('start').click();
  const done = await trained(page, 6);
  expect(done.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
});

test('a bad URL value is refused with a message; ?step=N gives that step', async ({ page }) => {
  await page.goto('/embed/adversarial-training/?alpha=2&epsilon=big&test=%3Cb%3E&n=300&epochs=1&backend=wasm');
  const messages = page.locator('.figure-messages');
  await expect(messages).toContainText('alpha="2" is outside 0 to 1; using 1.');
  await expect(messages).toContainText('epsilon="big" is not a number; using 0.25.');
  await expect(messages).toContainText('test="<b>" is not one of 1000, 10000; using 1000.');
  expect(await messages.locator('b').count()).toBe(0);
  await trained(page, 1, { alpha: 1, epsilon: 0.25 });

  await page.goto('/embed/adversarial-training/?step=7');
  await expect(messages).toContainText('step="7" is not a step of this figure (1 to 3)');

  await page.goto('/embed/adversarial-training/?step=2&n=300&epochs=1&backend=wasm');
  await expect(page.getByTestId('epsilon')).toHaveValue('0.1');
  const two = await trained(page, 1, { epsilon: 0.1 });
  expect(two.state.alpha).toBe(0.5);
  expect(new URL(page.url()).searchParams.get('step')).toBe('2');
});

test('in the article, the scroll steps set α and ε', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => document.querySelector('[data-scrolly="adversarial-training"] .step[data-step="3"]')!.scrollIntoView({ block: 'center' }));
  await expect.poll(async () => (await shown(page)).state.alpha, { timeout: 60_000 }).toBe(1);
  await page.evaluate(() => document.querySelector('[data-scrolly="adversarial-training"] .step[data-step="2"]')!.scrollIntoView({ block: 'center' }));
  await expect.poll(async () => (await shown(page)).state.epsilon, { timeout: 60_000 }).toBe(0.1);
  expect((await shown(page)).state.alpha).toBe(0.5);
});

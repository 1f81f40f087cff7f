import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hydrated, saveDownloads, scoreExportedModel, watch, figureResult } from './helpers.ts';

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

interface RunPoint {
  run: 'plain' | 'adversarial' | 'decay';
  loss: number;
  cleanLoss: number;
  penalty: number;
  l1: number;
  trainError: number;
  cleanError: number;
  fgsmError: number;
}
interface RaceResult {
  settings: { seed: number; eps: number; lambda: number; epochs: number };
  running: boolean;
  /** an epoch has been asked of the worker and its answer has not come back yet */
  computing: boolean;
  epochs: { epoch: number; runs: RunPoint[] }[];
  finished: number[] | null;
  counts: { train: number; test: number } | null;
  numTensors: number | null;
  backend: string | null;
}

const root = (page: Page) => page.locator('.adversarial-vs-weight-decay').first();
async function result(page: Page): Promise<RaceResult> {
  return figureResult<RaceResult>(root(page));
}
/** Waits until `epochs` epochs are trained and training has stopped. */
async function trained(page: Page, epochs: number, timeout = 120_000): Promise<RaceResult> {
  await expect.poll(async () => {
    const r = await result(page);
    return r.epochs.length >= epochs && !r.running;
  }, { timeout }).toBe(true);
  return result(page);
}

/** The same training in Node from src/lib (wasm), on the same digits. */
function inNode(seed: number, eps: number, lambda: number, epochs: number) {
  const out = execFileSync(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings', 'tests/e2e/node/adversarial-vs-weight-decay.ts', '--seed', String(seed), '--eps', String(eps), '--lambda', String(lambda), '--epochs', String(epochs)],
    { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return JSON.parse(out) as { counts: { train: number; test: number }; epochs: { epoch: number; runs: RunPoint[] }[] };
}

/** Counts the messages between the page and every worker it starts, both ways. */
async function countWorkerMessages(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __workerMessages: number };
    w.__workerMessages = 0;
    const Native = window.Worker;
    window.Worker = class extends Native {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        this.addEventListener('message', () => w.__workerMessages++);
      }
      postMessage(message: unknown, options?: StructuredSerializeOptions | Transferable[]) {
        w.__workerMessages++;
        return (super.postMessage as (...a: unknown[]) => void)(message, options);
      }
    } as typeof Worker;
  });
}
const messages = (page: Page) => page.evaluate(() => (window as unknown as { __workerMessages: number }).__workerMessages);

test('three epochs in the browser: the loss falls, the curves equal Node’s, and the same seed gives the same curves', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  await page.goto('/embed/adversarial-vs-weight-decay/?backend=wasm&epochs=3&seed=7&eps=0.2&lambda=0.15');
  await expect(page.getByTestId('start')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('start').click();
  const first = await trained(page, 3);
  expect(first.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
  expect(first.counts!.test).toBe(2038);
  for (let k = 0; k < 3; k++) expect(first.epochs[2].runs[k].loss).toBeLessThan(first.epochs[0].runs[k].loss);

  // the same URL state, trained in Node on the same digits
  const node = inNode(7, 0.2, 0.15, 3);
  expect(first.counts).toEqual(node.counts);
  const one = 100 / 2038 + 1e-9;
  node.epochs.forEach((e, i) =>
    e.runs.forEach((r, k) => {
      const b = first.epochs[i].runs[k];
      expect(b.run).toBe(r.run);
      expect(Math.abs(b.loss - r.loss)).toBeLessThan(1e-4 * Math.max(1, r.loss));
      expect(Math.abs(b.penalty - r.penalty)).toBeLessThan(1e-4 * Math.max(1, r.penalty));
      expect(b.l1).toBeCloseTo(r.l1, 2);
      expect(Math.abs(b.trainError - r.trainError)).toBeLessThanOrEqual(100 / node.counts.train + 1e-9);
      expect(Math.abs(b.cleanError - r.cleanError)).toBeLessThanOrEqual(one);
      expect(Math.abs(b.fgsmError - r.fgsmError)).toBeLessThanOrEqual(one);
    }),
  );

  // reset, train again: the same seed gives the same curves, and the worker holds no more tensors than before
  await page.getByTestId('reset').click();
  await expect.poll(async () => (await result(page)).epochs.length).toBe(0);
  await page.getByTestId('start').click();
  const second = await trained(page, 3);
  expect(second.epochs).toEqual(first.epochs);
  expect(second.numTensors).toBe(first.numTensors);
  await expect(root(page).locator('.live')).toContainText('Epoch 3 of 3');

  // another seed, other curves
  await page.getByTestId('seed').fill('8');
  await page.getByTestId('seed').press('Enter');
  await expect.poll(async () => (await result(page)).epochs.length).toBe(0);
  await page.getByTestId('start').click();
  const other = await trained(page, 1);
  expect(other.epochs[0].runs[0].loss).not.toBe(first.epochs[0].runs[0].loss);
  expect(new URL(page.url()).searchParams.get('seed')).toBe('8');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('pausing stops the work: no message to or from the worker while paused', async ({ page }) => {
  test.setTimeout(180_000);
  await countWorkerMessages(page);
  await page.goto('/embed/adversarial-vs-weight-decay/?backend=wasm&epochs=100');
  await expect(page.getByTestId('start')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('start').click();
  await expect.poll(async () => (await result(page)).epochs.length, { timeout: 90_000 }).toBeGreaterThanOrEqual(2);
  await page.getByTestId('pause').click();
  // the epoch in flight finishes (the page has its answer); then nothing
  await expect.poll(async () => {
    const r = await result(page);
    return !r.running && !r.computing;
  }, { timeout: 90_000 }).toBe(true);
  const before = await messages(page);
  const epochs = (await result(page)).epochs.length;
  // a window in which nothing may happen: its length does not decide the outcome on a slow machine, only how long we look
  await page.waitForTimeout(2000);
  expect(await messages(page)).toBe(before);
  expect((await result(page)).epochs.length).toBe(epochs);
  await expect(root(page).getByTestId('status')).toContainText('paused');
  // resuming goes on from where it stopped
  await page.getByTestId('start').click();
  await expect.poll(async () => (await result(page)).epochs.length, { timeout: 60_000 }).toBeGreaterThan(epochs);
  expect(await messages(page)).toBeGreaterThan(before);
  await page.getByTestId('pause').click();
  const r = await trained(page, epochs + 1);
  expect(r.epochs.map((e) => e.epoch)).toEqual(r.epochs.map((_, i) => i + 1));
});

/** The finished runs the figure ships (src/figures/adversarial-vs-weight-decay/finished.json, by `npm run finished-runs`). */
const FINISHED = JSON.parse(readFileSync('src/figures/adversarial-vs-weight-decay/finished.json', 'utf8')) as {
  runs: { settings: { epsilon: number; lambda: number }; epochs: { epoch: number; runs: RunPoint[] }[] }[];
};

test('in the article, every step shows a finished run, said to be one, with its weight images, until Train', async ({ page }) => {
  test.setTimeout(180_000);
  const w = watch(page, origin());
  await page.goto('/?backend=wasm');
  const step = (n: number) =>
    page.evaluate((n) => document.querySelector(`[data-scrolly="adversarial-vs-weight-decay"] .step[data-step="${n}"]`)!.scrollIntoView({ block: 'center' }), n);
  await step(2);
  await expect(root(page).getByTestId('finished-note')).toHaveText('A finished run, computed ahead with the same code and seed; press Train to run it live.');
  const epochsOf = (i: number) => FINISHED.runs[i].epochs.map((e) => e.epoch);
  await expect.poll(async () => (await result(page)).finished).toEqual(epochsOf(0));
  expect((await result(page)).epochs).toEqual([]);
  await expect(root(page).locator('.chart.focus')).toHaveCount(1);
  await expect(root(page).locator('.live')).toContainText('A finished run, computed ahead: epoch 30 of 30');
  const last = FINISHED.runs[0].epochs.at(-1)!.runs.find((r) => r.run === 'adversarial')!;
  await expect(root(page).locator('.live')).toContainText(`adversarial, ε = 0.25: clean ${last.cleanError.toFixed(1)} %`);
  // the three weight images are drawn: not blank squares
  const inked = await root(page).locator('.weights canvas').evaluateAll((cs) =>
    cs.map((c) => {
      const x = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
      const seen = new Set<number>();
      for (let i = 0; i < x.length; i += 4) seen.add((x[i] << 16) | (x[i + 1] << 8) | x[i + 2]);
      return seen.size;
    }),
  );
  expect(inked).toHaveLength(3);
  for (const k of inked) expect(k).toBeGreaterThan(10);
  // step 5 trains with ε = λ = 0.1: its own finished run
  await step(5);
  await expect.poll(async () => (await result(page)).settings.eps, { timeout: 60_000 }).toBe(0.1);
  await expect.poll(async () => (await result(page)).finished).toEqual(epochsOf(1));
  const d = FINISHED.runs[1].epochs.at(-1)!.runs.find((r) => r.run === 'decay')!;
  await expect(root(page).locator('.live')).toContainText(`L¹ decay, λ = 0.1: clean ${d.cleanError.toFixed(1)} %`);
  // nothing trains until asked
  const r = await result(page);
  expect(r.running || r.computing).toBe(false);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('Download model: a trained logistic regression as TensorFlow.js files, which score in Node what the figure said', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/embed/adversarial-vs-weight-decay/?backend=wasm&epochs=2');
  await hydrated(page);
  await expect(page.getByTestId('download-model')).toBeDisabled();
  await expect(page.getByTestId('start')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('start').click();
  const done = await trained(page, 2);
  await page.getByTestId('download-which').selectOption('adversarial');
  await page.getByTestId('download-model').click();
  await expect(page.getByTestId('download-files')).toContainText('after epoch 2');
  await expect(page.getByTestId('model-download')).toContainText('the probability that the digit is a 7 rather than a 3');
  const saved = await saveDownloads(page, [0, 1].map((i) => page.getByTestId(`download-file-${i}`)), 'logistic-');
  expect(saved.map((p) => p.split('/').pop())).toEqual(['logistic-3v7-adversarial-epoch2.json', 'logistic-3v7-adversarial-epoch2.weights.bin']);
  const node = scoreExportedModel<{ outputs: number; count: number; error: number }>(saved[0], 'threes-and-sevens');
  expect(node.outputs).toBe(1);
  expect(node.count).toBe(done.counts!.test);
  const adv = done.epochs[1].runs.find((r) => r.run === 'adversarial')!;
  expect(Math.abs(node.error - adv.cleanError)).toBeLessThanOrEqual(100 / node.count + 1e-9);
});

test('a bad URL value is refused with a message; ?step=N gives that step', async ({ page }) => {
  await page.goto('/embed/adversarial-vs-weight-decay/?eps=abc&seed=-5&focus=%3Ci%3Ex%3C%2Fi%3E&epochs=1000');
  const box = page.locator('.figure-messages');
  await expect(box).toContainText('eps="abc" is not a number; using 0.25.');
  await expect(box).toContainText('seed="-5" is outside 0 to 9999; using 0.');
  await expect(box).toContainText('focus="<i>x</i>" is not one of none, weights, loss, penalty, error; using none.');
  await expect(box).toContainText('epochs="1000" is outside 1 to 100; using 100.');
  expect(await box.locator('i').count()).toBe(0);
  await expect(page.getByTestId('start')).toBeEnabled({ timeout: 60_000 });

  await page.goto('/embed/adversarial-vs-weight-decay/?step=0');
  await expect(box).toContainText('step="0" is not a step of this figure (1 to 5)');

  await page.goto('/embed/adversarial-vs-weight-decay/?step=5');
  await expect(page.getByTestId('lambda')).toHaveValue('0.1');
  await expect(page.getByTestId('eps')).toHaveValue('0.1');
  const r = await result(page);
  expect(r.settings).toEqual({ seed: 1, eps: 0.1, lambda: 0.1, epochs: 30 });
  expect(new URL(page.url()).searchParams.get('step')).toBe('5');
});

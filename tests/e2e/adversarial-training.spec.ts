import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { heroResult, hydrated, saveDownloads, scoreExportedModel, setSlider, watch, figureResult } from './helpers.ts';

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

interface Point {
  epoch: number;
  runs: Record<'ordinary' | 'adversarial', { loss: number; cleanError: number; fgsmError: number }>;
}
interface Shown {
  state: { alpha: number; epsilon: number; seed: number; epochs: number; n: number; test: string; focus: string };
  epochs: Point[];
  finished: number[] | null;
  running: boolean;
  training: boolean;
  paused: boolean;
  numTensors: number | null;
  backend: string | null;
}

async function shown(page: Page): Promise<Shown> {
  return figureResult<Shown>(page.locator('.adversarial-training').first());
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
  await page.goto('/embed/adversarial-training/?n=500&epochs=2&run=1&backend=wasm');
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
  // twelve epochs, so that Pause, pressed once the first is in, lands before the last however slow the machine (with
  // six, a loaded machine once saw the first epoch late and the pause came during the sixth: training was complete)
  const EPOCHS = 12;
  await page.goto(`/embed/adversarial-training/?n=300&epochs=${EPOCHS}&run=1&backend=wasm`);
  await expect.poll(async () => (await shown(page)).epochs.length, { timeout: 60_000, intervals: [50] }).toBeGreaterThanOrEqual(1);
  await page.getByTestId('pause').click();
  // the epoch in flight when Pause was pressed still comes, and is kept; then nothing more is asked
  await expect.poll(async () => { const s = await shown(page); return !s.running && !s.training; }).toBe(true);
  const paused = (await shown(page)).epochs.length;
  expect(paused, 'paused before the last epoch').toBeLessThan(EPOCHS);
  await page.waitForTimeout(1500);
  expect((await shown(page)).epochs.length).toBe(paused);
  await page.getByTestId('start').click();
  const done = await trained(page, EPOCHS);
  expect(done.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
});

test('a bad URL value is refused with a message; ?step=N gives that step', async ({ page }) => {
  await page.goto('/embed/adversarial-training/?alpha=2&epsilon=big&test=%3Cb%3E&n=300&epochs=1&run=1&backend=wasm');
  const messages = page.locator('.figure-messages');
  await expect(messages).toContainText('alpha="2" is outside 0 to 1; using 1.');
  await expect(messages).toContainText('epsilon="big" is not a number; using 0.25.');
  await expect(messages).toContainText('test="<b>" is not one of 1000, 10000; using 1000.');
  expect(await messages.locator('b').count()).toBe(0);
  await trained(page, 1, { alpha: 1, epsilon: 0.25 });

  await page.goto('/embed/adversarial-training/?step=7');
  await expect(messages).toContainText('step="7" is not a step of this figure (1 to 4)');

  await page.goto('/embed/adversarial-training/?step=3&n=300&epochs=1&run=1&backend=wasm');
  await expect(page.getByTestId('epsilon')).toHaveValue('0.1');
  const two = await trained(page, 1, { epsilon: 0.1 });
  expect(two.state.alpha).toBe(0.5);
  expect(new URL(page.url()).searchParams.get('step')).toBe('3');
});

test('in the article, the scroll steps set α and ε', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => document.querySelector('[data-scrolly="adversarial-training"] .step[data-step="4"]')!.scrollIntoView({ block: 'center' }));
  await expect.poll(async () => (await shown(page)).state.alpha, { timeout: 60_000 }).toBe(1);
  await page.evaluate(() => document.querySelector('[data-scrolly="adversarial-training"] .step[data-step="3"]')!.scrollIntoView({ block: 'center' }));
  await expect.poll(async () => (await shown(page)).state.epsilon, { timeout: 60_000 }).toBe(0.1);
  expect((await shown(page)).state.alpha).toBe(0.5);
});

/** The finished runs the figure ships (src/figures/adversarial-training/finished.json, by `npm run finished-runs`). */
const FINISHED = JSON.parse(readFileSync('src/figures/adversarial-training/finished.json', 'utf8')) as {
  runs: { settings: { alpha: number; epsilon: number }; epochs: Point[] }[];
};

test('before Train, a finished run at the default settings is shown and said to be one; Train replaces it with the live run', async ({ page }) => {
  const w = watch(page, origin());
  await page.goto('/embed/adversarial-training/?backend=wasm');
  const fig = page.locator('.adversarial-training');
  await expect(fig.getByTestId('finished-note')).toHaveText('A finished run, computed ahead with the same code and seed; press Train to run it live.');
  await expect.poll(async () => (await shown(page)).finished).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const before = await shown(page);
  expect(before.epochs).toEqual([]);
  expect(before.running).toBe(false);
  // the curves drawn are the file's: four series of ten points, and the read-out gives its last epoch
  await expect(fig.locator('.series')).toHaveCount(4);
  const last = FINISHED.runs[0].epochs[9].runs;
  await expect(fig.getByTestId('summary')).toContainText(`In the finished run, after 10 of 10 epochs`);
  await expect(fig.getByTestId('summary')).toContainText(`adversarial ${last.adversarial.cleanError.toFixed(1)} % clean, ${last.adversarial.fgsmError.toFixed(1)} % FGSM`);
  // the steps' other settings have their finished runs too: ε = 0.1 (step 3) shows its own
  await page.goto('/embed/adversarial-training/?step=3&backend=wasm');
  await expect.poll(async () => (await shown(page)).finished?.length).toBe(10);
  await expect(fig.getByTestId('summary')).toContainText(`ordinary ${FINISHED.runs[1].epochs[9].runs.ordinary.cleanError.toFixed(1)} % clean, ${FINISHED.runs[1].epochs[9].runs.ordinary.fgsmError.toFixed(1)} % FGSM`);
  // settings no finished run was made for: nothing pretends to be one
  await page.goto('/embed/adversarial-training/?seed=5&backend=wasm');
  await hydrated(page);
  await expect(fig.getByTestId('start')).toHaveText('Train');
  await expect.poll(async () => (await shown(page)).finished).toBeNull();
  await expect(fig.getByTestId('finished-note')).toHaveCount(0);
  // Train: the finished run gives way to the live one
  await page.goto('/embed/adversarial-training/?backend=wasm');
  await hydrated(page);
  await expect(fig.getByTestId('finished-note')).toBeVisible();
  await fig.getByTestId('start').click();
  await expect(fig.getByTestId('finished-note')).toHaveCount(0);
  expect((await shown(page)).finished).toBeNull();
  await fig.getByTestId('pause').click();
  expect(w.errors).toEqual([]);
});

test('in the article, a step that only changes what is shown lets the training go on; a step that changes what is trained starts again', async ({ page }) => {
  test.setTimeout(400_000);
  await page.goto('/?backend=wasm');
  const step = (n: number) =>
    page.evaluate((n) => document.querySelector(`[data-scrolly="adversarial-training"] .step[data-step="${n}"]`)!.scrollIntoView({ block: 'center' }), n);
  await step(1);
  await expect.poll(async () => (await shown(page)).state.focus, { timeout: 60_000 }).toBe('fgsm');
  // this figure's island has hydrated (the article's others hydrate as they near the screen)
  await expect(page.locator('[data-scrolly="adversarial-training"] astro-island[ssr]')).toHaveCount(0, { timeout: 60_000 });
  const fig = page.locator('[data-scrolly="adversarial-training"] .adversarial-training');
  await expect(fig.getByTestId('finished-note')).toBeVisible();
  // every value the figure reports of its live epochs, as it happens
  await page.evaluate(() => {
    const el = document.querySelector('[data-scrolly="adversarial-training"] .adversarial-training')!;
    const seen: { epochs: number; epsilon: number; focus: string }[] = ((window as unknown as { __seen: unknown[] }).__seen = []) as never;
    new MutationObserver(() => {
      const r = JSON.parse(el.getAttribute('data-result')!);
      seen.push({ epochs: r.epochs.length, epsilon: r.state.epsilon, focus: r.state.focus });
    }).observe(el, { attributes: true, attributeFilter: ['data-result'] });
  });
  await fig.getByTestId('start').click();
  await expect.poll(async () => (await shown(page)).epochs.length, { timeout: 180_000 }).toBeGreaterThanOrEqual(1);
  // step 2 points at the clean curves (the FGSM ones dimmed): the same training, which goes on
  await step(2);
  await expect.poll(async () => (await shown(page)).state.focus, { timeout: 60_000 }).toBe('clean');
  await expect(fig.locator('.series.dim')).toHaveCount(2);
  await expect.poll(async () => (await shown(page)).epochs.length, { timeout: 180_000 }).toBeGreaterThanOrEqual(2);
  const seen = async () => page.evaluate(() => (window as unknown as { __seen: { epochs: number; epsilon: number; focus: string }[] }).__seen);
  const before = (await seen()).filter((r) => r.epsilon === 0.25);
  expect(before.some((r) => r.focus === 'clean' && r.epochs >= 2)).toBe(true);
  // never back to an earlier epoch count while only the view changed
  before.forEach((r, i) => i > 0 && expect(r.epochs).toBeGreaterThanOrEqual(before[i - 1].epochs));
  // step 3 trains something else (ε = 0.1): a new training from the seeded start
  await step(3);
  await expect.poll(async () => (await shown(page)).state.epsilon, { timeout: 60_000 }).toBe(0.1);
  await expect.poll(async () => (await seen()).some((r) => r.epsilon === 0.1 && r.epochs === 0)).toBe(true);
  await fig.getByTestId('pause').click();
});

test('Download model: the trained network as TensorFlow.js files, which load in Node with its clean error and in the site’s Bring a model with its predictions', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/embed/adversarial-training/?n=300&epochs=2&backend=wasm');
  await hydrated(page);
  await expect(page.getByTestId('download-model')).toBeDisabled();
  await page.getByTestId('start').click();
  const done = await trained(page, 2);
  await page.getByTestId('download-which').selectOption('adversarial');
  await page.getByTestId('download-model').click();
  await expect(page.getByTestId('download-files')).toContainText('The adversarially trained (α = 0.5, ε = 0.25) network after epoch 2.');
  const saved = await saveDownloads(page, [0, 1].map((i) => page.getByTestId(`download-file-${i}`)), 'trained-');
  expect(saved.map((p) => p.split('/').pop())).toEqual(['maxout-adversarial-epoch2.json', 'maxout-adversarial-epoch2.weights.bin']);
  // TensorFlow.js in Node: the same clean error on the same 1,000 test digits as the figure reported
  const node = scoreExportedModel<{ outputs: number; error: number; probabilities: number[][] }>(saved[0], 'first-1000');
  expect(node.outputs).toBe(10);
  expect(Math.abs(node.error - done.epochs[1].runs.adversarial.cleanError)).toBeLessThanOrEqual(0.1 + 1e-9);
  // and in the site's "Bring a model": the hero reads test digit 0 with it as TensorFlow.js in Node does
  await page.goto('/embed/fgsm-hero/?backend=wasm');
  await heroResult(page, undefined, 'softmax');
  await page.getByTestId('model-bring-toggle').click();
  await page.getByTestId('model-bring-files').setInputFiles(saved);
  await page.getByTestId('model-bring-name').fill('trained here');
  await page.getByTestId('model-bring-add').click();
  await expect(page.getByTestId('model-bring-found')).toContainText('a LayersModel, input [null, 784], 10 outputs');
  const hero = await heroResult(page, undefined, 'yours:trained here');
  hero.clean.forEach((p, k) => expect(Math.abs(p - node.probabilities[0][k])).toBeLessThan(1e-3));
});

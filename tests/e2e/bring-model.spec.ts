/**
 * Bring your own model: a TensorFlow.js model given through a figure's file picker is loaded in the compute worker,
 * inspected, kept on this device (IndexedDB), offered in every model choice and removable; every bad input is refused
 * with a message that names what is wrong, and harms nothing else.
 */
import { expect, test, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { heroResult, watch } from './helpers.ts';

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;
const FIXTURES = 'tests/fixtures/models';
type Given = { name: string; mimeType: string; buffer: Buffer };
const file = (name: string, buffer: Buffer): Given => ({ name, mimeType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream', buffer });
const fixture = (dir: string): Given[] => readdirSync(join(FIXTURES, dir)).map((n) => file(n, readFileSync(join(FIXTURES, dir, n))));

/** Opens the figure's picker (once), gives it the files and a name, and asks it to load and keep them. */
async function bring(page: Page, files: Given[], name: string) {
  const picker = page.getByTestId('model-bring-files');
  if (!(await picker.isVisible())) await page.getByTestId('model-bring-toggle').click();
  await picker.setInputFiles(files);
  await page.getByTestId('model-bring-name').fill(name);
  await page.getByTestId('model-bring-add').click();
}

interface Point {
  epsilon: number;
  error: number;
  confidence: number | null;
}

test('a small CNN brought through the picker: the hero and fgsm-sweep compute on it as src/lib does in Node; a reload keeps it; removing removes it everywhere', async ({ page }) => {
  test.setTimeout(400_000);
  const w = watch(page, origin());
  const ref = JSON.parse(
    execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'tests/e2e/node/user-model.ts', join(FIXTURES, 'small-cnn'), '0', '0.2', '100'], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  await page.goto('/embed/fgsm-hero/?backend=wasm');
  await heroResult(page, 0.2, 'softmax');
  await bring(page, fixture('small-cnn'), 'small cnn');
  // what the site found, and that it cut the softmax off
  const found = page.getByTestId('model-bring-found');
  await expect(found).toContainText('Kept as “small cnn”: a LayersModel, input [null, 28, 28, 1], 10 outputs, 5,258 parameters');
  await expect(page.getByTestId('model-bring-softmax')).toContainText('cut it off');
  expect(JSON.parse((await found.getAttribute('data-inspection'))!)).toEqual(ref.inspection);
  await expect(page.getByTestId('model')).toHaveValue('yours:small cnn');
  await expect(page.locator('[data-testid="model"] option[value="yours:small cnn"]')).toHaveText('small cnn (yours)');

  // the hero on it: test digit 0 at ε = 0.2, probabilities within 0.2 points of Node's
  const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(Math.abs(100 * (v - b[i]))).toBeLessThan(0.2));
  const hero = await heroResult(page, 0.2, 'yours:small cnn');
  expect(hero.label).toBe(ref.hero.label);
  close(hero.clean, ref.hero.clean);
  close(hero.adversarial, ref.hero.adversarial);
  await expect(page.locator('.fgsm-hero .readout')).toContainText('yours, “small cnn” (kept on this device)');
  expect(new URL(page.url()).searchParams.get('model')).toBe('yours:small cnn');

  // a reload keeps it: the permalink's model is still there, with the same numbers
  await page.reload();
  const again = await heroResult(page, 0.2, 'yours:small cnn');
  close(again.clean, ref.hero.clean);
  close(again.adversarial, ref.hero.adversarial);

  // fgsm-sweep on it: every point of both curves within 0.2 points of Node's
  await page.goto('/embed/fgsm-sweep/?backend=wasm&model=yours:small%20cnn&sample=100&curves=paper');
  await expect(page.getByTestId('model-yours:small cnn')).toBeChecked();
  const root = page.locator('.fgsm-sweep');
  let curve: { clipped: Point[]; unclipped: Point[] } | null = null;
  await expect
    .poll(async () => {
      const r = JSON.parse((await root.getAttribute('data-result')) ?? '{}');
      curve = r.curves?.['yours:small cnn'] ?? null;
      return curve !== null;
    }, { timeout: 300_000 })
    .toBe(true);
  for (const clip of ['clipped', 'unclipped'] as const) {
    const theirs: Point[] = ref.sweep[clip];
    expect(curve![clip]).toHaveLength(theirs.length);
    curve![clip].forEach((p, i) => {
      expect(p.epsilon).toBeCloseTo(theirs[i].epsilon, 9);
      expect(Math.abs(p.error - theirs[i].error)).toBeLessThan(0.2);
      if (theirs[i].confidence !== null) expect(Math.abs(p.confidence! - theirs[i].confidence!)).toBeLessThan(0.2);
    });
  }
  await expect(root.locator('.readout tr[data-model="yours:small cnn"]')).toContainText('yours: small cnn');

  // removed, then another model brought under the same name (the shipped softmax regression as a GraphModel): the
  // curves are that model's, nothing kept from the first one
  await page.getByTestId('model-bring-toggle').click();
  await page.getByTestId('model-bring-remove-small cnn').click();
  await expect(page.getByTestId('model-softmax')).toBeChecked();
  await page.getByTestId('model-bring-files').setInputFiles(fixture('softmax-graph'));
  await page.getByTestId('model-bring-name').fill('small cnn');
  await page.getByTestId('model-bring-add').click();
  await expect(page.getByTestId('model-bring-found')).toContainText('a GraphModel');
  await expect(page.getByTestId('model-yours:small cnn')).toBeChecked();
  let swapped: { clipped: Point[] } | null = null;
  let shipped: { clipped: Point[] } | null = null;
  await expect
    .poll(async () => {
      const r = JSON.parse((await root.getAttribute('data-result')) ?? '{}');
      swapped = r.curves?.['yours:small cnn'] ?? null;
      shipped = r.curves?.softmax ?? null;
      return swapped !== null && shipped !== null && swapped.clipped[10].error !== curve!.clipped[10].error;
    }, { timeout: 300_000 })
    .toBe(true);
  swapped!.clipped.forEach((p, i) => expect(Math.abs(p.error - shipped!.clipped[i].error)).toBeLessThan(0.2));

  // removed here: gone from this choice (back to softmax) and from the hero's
  await page.getByTestId('model-bring-remove-small cnn').click();
  await expect(page.getByTestId('model-yours:small cnn')).toHaveCount(0);
  await expect(page.getByTestId('model-softmax')).toBeChecked();
  await page.goto('/embed/fgsm-hero/?backend=wasm');
  await heroResult(page, 0.2, 'softmax');
  await expect(page.locator('[data-testid="model"] option[value^="yours:"]')).toHaveCount(0);

  // a permalink that names it now says this device does not have it, and offers the picker
  await page.goto('/embed/fgsm-hero/?backend=wasm&model=yours:small%20cnn');
  await expect(page.getByTestId('model-missing')).toContainText('names your model “small cnn”, which this device does not have');
  await expect(page.getByTestId('model-bring-files')).toBeVisible();
  await expect(page.locator('.fgsm-hero')).toContainText('which this device does not have');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('every bad model is refused with a message that names what is wrong, and nothing else is harmed; a GraphModel loads', async ({ page }) => {
  test.setTimeout(300_000);
  const w = watch(page, origin());
  await page.goto('/embed/fgsm-hero/?backend=wasm');
  const softmax = await heroResult(page, 0.2, 'softmax');
  const cnn = fixture('small-cnn');
  const json = cnn.find((f) => f.name === 'model.json')!;
  const weights = cnn.find((f) => f.name === 'weights.bin')!;
  const huge = JSON.parse(json.buffer.toString('utf8'));
  huge.weightsManifest[0].weights.push({ name: 'extra', shape: [4000, 4000], dtype: 'float32' });
  const nan = Buffer.from(new Float32Array(weights.buffer.length / 4).fill(NaN).buffer);
  const cases: [string, Given[], RegExp][] = [
    ['a CIFAR model (32×32×3)', fixture('cifar-shape'), /input is \[null, 32, 32, 3\]; the site gives it one 28×28 grey MNIST digit.*CIFAR/],
    ['five classes', fixture('five-classes'), /gives 5 outputs per digit; the site needs 10/],
    ['weights missing', [json], /names the weight file weights\.bin, not among the files given/],
    ['weights truncated', [json, file('weights.bin', weights.buffer.subarray(0, 10000))], /holds 10,000 bytes, but model\.json describes 21,032 bytes.*truncated/],
    ['weights of the wrong size', [json, fixture('softmax-graph').find((f) => f.name === 'weights.bin')!], /holds 31,400 bytes, but model\.json describes 21,032.*wrong file/],
    ['not a model (a text file)', [file('notes.txt', Buffer.from('hello'))], /No model\.json among/],
    ['not a model (other JSON)', [file('model.json', Buffer.from('{"hello": 1}'))], /JSON but not a TensorFlow\.js model/],
    ['over the size limit', [file('model.json', Buffer.from(JSON.stringify(huge))), weights], /declares 61\.1 MB of weights; the limit is 40\.0 MB, because the whole model stays in this page’s memory/],
    ['an op TensorFlow.js lacks', fixture('unsupported-op'), /op TensorFlow\.js does not support.*HarnessingFrobnicate/],
    ['NaN output', [json, file('weights.bin', nan)], /output is NaN/],
  ];
  for (const [what, files, message] of cases) {
    await test.step(what, async () => {
      await bring(page, files, 'bad');
      await expect(page.getByTestId('model-bring-error')).toHaveText(message);
      await expect(page.getByTestId('model-bring-found')).toHaveCount(0);
    });
  }
  // nothing kept, nothing offered, and the figure still shows the shipped model's numbers
  await expect(page.locator('[data-testid="model"] option[value^="yours:"]')).toHaveCount(0);
  await expect(page.getByTestId('model-bring-list')).toHaveCount(0);
  await expect(page.getByTestId('model')).toHaveValue('softmax');
  expect((await heroResult(page, 0.2, 'softmax')).adversarial).toEqual(softmax.adversarial);

  // a name already taken is refused too
  await bring(page, fixture('softmax-graph'), 'graph');
  await expect(page.getByTestId('model-bring-found')).toContainText('a GraphModel, input [null, 784], 10 outputs, 7,850 parameters');
  await expect(page.getByTestId('model-bring-softmax')).toContainText('cut it off');
  // the shipped softmax regression as a GraphModel: the same numbers as the shipped model
  const graph = await heroResult(page, 0.2, 'yours:graph');
  graph.clean.forEach((v, i) => expect(Math.abs(100 * (v - softmax.clean[i]))).toBeLessThan(0.2));
  graph.adversarial.forEach((v, i) => expect(Math.abs(100 * (v - softmax.adversarial[i]))).toBeLessThan(0.2));
  await bring(page, fixture('softmax-graph'), 'graph');
  await expect(page.getByTestId('model-bring-error')).toContainText('You already have a model named “graph”');
  // the open picker, with its message, what it found and the list of the reader's models: no serious accessibility violation
  const axe = await new AxeBuilder({ page }).include('.fgsm-hero').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

/**
 * A model brought once is offered in every figure that takes a model, and each computes on it with the numbers
 * that the same src/lib functions give in Node for that model: adversarial-slice, logit-surface, logit-sweep, rotation.
 */
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { heroResult, watch } from './helpers.ts';

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;
const DIR = 'tests/fixtures/models/small-cnn';
const MODEL = 'yours:small cnn';
const node = (script: string, ...args: string[]) =>
  JSON.parse(execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', `tests/e2e/node/${script}`, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] }));

async function resultOf<T>(page: Page, root: string, want: (r: T) => boolean): Promise<T> {
  let last: T | null = null;
  await expect
    .poll(async () => {
      const raw = await page.locator(root).first().getAttribute('data-result');
      if (!raw) return false;
      last = JSON.parse(raw) as T;
      return want(last);
    }, { timeout: 240_000 })
    .toBe(true);
  return last!;
}

/** Brings the small CNN through the hero's picker, as "small cnn". */
async function bringOnHero(page: Page) {
  await page.goto('/embed/fgsm-hero/?backend=wasm');
  await heroResult(page, 0.2, 'softmax');
  await page.getByTestId('model-bring-toggle').click();
  await page.getByTestId('model-bring-files').setInputFiles(readdirSync(DIR).map((n) => ({ name: n, mimeType: 'application/octet-stream', buffer: readFileSync(join(DIR, n)) })));
  await page.getByTestId('model-bring-name').fill('small cnn');
  await page.getByTestId('model-bring-add').click();
  await expect(page.getByTestId('model-bring-found')).toContainText('Kept as “small cnn”');
}

test('the small CNN, brought on the hero, computes in adversarial-slice, logit-surface, logit-sweep and rotation as in Node', async ({ page }) => {
  test.setTimeout(600_000);
  const w = watch(page, origin());
  await bringOnHero(page);

  // adversarial-slice: the plane's classes and the origin's logits
  await page.goto('/embed/adversarial-slice/?backend=wasm&model=yours:small%20cnn&digit=3&range=0.6&seed=5');
  await expect(page.getByTestId('slice-model')).toHaveValue(MODEL);
  type Slice = { model: string; digit: number; label: number; predicted: number[]; originLogits: number[]; summary: { wrong: number; wrongAlongFgsm: number; wrongAlongRandom: number } };
  const slice = await resultOf<Slice>(page, '.adversarial-slice', (r) => r.model === MODEL && r.digit === 3 && !!r.predicted);
  const ns = node('slice.ts', `dir:${DIR}`, '3', '0.6', '61', '5', '0');
  expect(slice.label).toBe(ns.label);
  expect(slice.predicted.filter((p, i) => p !== ns.predicted[i]).length).toBeLessThanOrEqual(3);
  for (let k = 0; k < 10; k++) expect(Math.abs(slice.originLogits[k] - ns.logits[30 * 61 * 10 + 30 * 10 + k])).toBeLessThan(1e-3 * Math.max(1, Math.abs(ns.logits[30 * 610 + 300 + k])));
  for (const key of ['wrong', 'wrongAlongFgsm', 'wrongAlongRandom'] as const) expect(Math.abs(slice.summary[key] - ns.summary[key])).toBeLessThan(0.2);
  await expect(page.locator('.adversarial-slice .live')).toContainText(`${MODEL}, test digit 3`);

  // logit-surface: the same plane (its default digit, range and seed), the true class's logit at the origin
  await page.goto('/embed/logit-surface/?backend=wasm&model=yours:small%20cnn&digit=0&range=1&seed=1');
  await expect(page.getByTestId('surface-model')).toHaveValue(MODEL);
  type Surface = { model: string; digit: number; label: number; origin: number; fit: unknown; view: string };
  const surface = await resultOf<Surface>(page, '.logit-surface', (r) => r.model === MODEL && r.digit === 0 && !!r.fit);
  const nsurf = node('slice.ts', `dir:${DIR}`, '0', '1', '61', '1', '0');
  expect(surface.label).toBe(nsurf.label);
  const z = nsurf.logits[30 * 610 + 300 + nsurf.label];
  expect(Math.abs(surface.origin - z)).toBeLessThan(1e-3 * Math.max(1, Math.abs(z)));

  // logit-sweep: the ten logits along the FGSM direction
  await page.goto('/embed/logit-sweep/?backend=wasm&model=yours:small%20cnn&digit=0');
  await expect(page.getByTestId(`model-${MODEL}`)).toBeChecked();
  type Sweep = { model: string; digit: number; range: number; label: number; strip: { eps: number; logits: number[] }[]; cursor: unknown };
  const sweep = await resultOf<Sweep>(page, '.logit-sweep', (r) => r.model === MODEL && !!r.strip && !!r.cursor);
  const nsw = node('logit-sweep.ts', JSON.stringify({ model: `dir:${DIR}`, digit: 0, range: sweep.range }));
  expect(sweep.label).toBe(nsw.label);
  expect(sweep.strip.length).toBe(nsw.strip.length);
  sweep.strip.forEach((p, j) => {
    const scale = Math.max(1, ...nsw.strip[j].logits.map(Math.abs));
    for (let k = 0; k < 10; k++) expect(Math.abs(p.logits[k] - nsw.strip[j].logits[k])).toBeLessThan(2e-4 * scale);
  });

  // rotation: the first 100 digits' smallest flipping angles
  await page.goto('/embed/rotation/?backend=wasm&model=yours:small%20cnn&sample=100');
  await expect(page.getByTestId('model')).toHaveValue(MODEL);
  type Rotation = { sweep: { model: string; sample: number; angles: (number | null)[] } | null };
  const rot = await resultOf<Rotation>(page, '.rotation', (r) => r.sweep?.model === MODEL && r.sweep.sample === 100);
  const nrot = node('rotation.ts', `dir:${DIR}`, '100');
  rot.sweep!.angles.forEach((a, i) => {
    const b = nrot.angles[i];
    if (a === null || b === null) expect(a).toBe(b);
    else expect(Math.abs(a - b)).toBeLessThan(0.01);
  });

  // the figures that cannot run on it say why
  for (const [figure, why] of [['maxout-filters', 'first-layer filters'], ['logistic-3v7', 'threes and sevens'], ['adversarial-vs-weight-decay', 'threes and sevens']]) {
    await page.goto(`/embed/${figure}/?backend=wasm`);
    await expect(page.getByTestId('not-for-yours')).toContainText(`Your own models are not offered here: this figure`);
    await expect(page.getByTestId('not-for-yours')).toContainText(why);
  }
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('the attack ladder climbs on the brought CNN with Node’s numbers, rung by rung', async ({ page }) => {
  test.setTimeout(600_000);
  const w = watch(page, origin());
  await bringOnHero(page);
  await page.goto('/embed/attack-ladder/?backend=wasm&model=yours:small%20cnn&n=100&eps=0.25&climb=all');
  await expect(page.getByTestId('model')).toHaveValue(MODEL);
  type Ladder = { model: string; n: number; eps: number; complete: boolean; rungs: Record<string, { error: number; count: number }> };
  const ladder = await resultOf<Ladder>(page, '.attack-ladder', (r) => r.model === MODEL && r.complete && r.n === 100);
  const ref = node('attack-ladder.ts', JSON.stringify({ model: `dir:${DIR}`, eps: 0.25, n: 100, digit: 0 })) as { rungs: { id: string; error: number }[] };
  expect(Object.keys(ladder.rungs).sort()).toEqual(ref.rungs.map((r) => r.id).sort());
  for (const r of ref.rungs) {
    expect(ladder.rungs[r.id].count).toBe(100);
    expect(Math.abs(ladder.rungs[r.id].error - r.error), `${r.id}: page ${ladder.rungs[r.id].error}, Node ${r.error}`).toBeLessThanOrEqual(0.2);
  }
  // PGD-40 fools it at least as often as FGSM
  expect(ladder.rungs['pgd-40'].error).toBeGreaterThanOrEqual(ladder.rungs.fgsm.error);
  await expect(page.locator('.attack-ladder')).toContainText(MODEL);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

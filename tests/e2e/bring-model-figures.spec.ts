/**
 * A model brought once is offered in every figure that takes a model, and each computes on it with the numbers
 * that the same src/lib functions give in Node for that model: adversarial-slice, logit-surface, logit-sweep, rotation,
 * the attack ladder, transfer-glance, agreement, rubbish-inputs and reproduce-table.
 */
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { heroResult, hydrated, watch } from './helpers.ts';
import { encodeDrawing } from '../../src/lib/data/drawing-code.ts';

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

/** A "1" drawn as a stroke down the middle, as its code (what a permalink carries). */
function drawnOne(): string {
  const px = new Float32Array(784);
  for (let r = 4; r < 24; r++) for (let c = 13; c < 15; c++) px[r * 28 + c] = 1;
  for (let r = 4; r < 24; r++) px[r * 28 + 15] = 0.5;
  return encodeDrawing(px);
}

const near = (a: number, b: number, tol: number, what: string) => expect(Math.abs(a - b), `${what}: page ${a}, Node ${b}`).toBeLessThanOrEqual(tol);

test('the brought CNN joins transfer-glance, agreement, rubbish-inputs and reproduce-table with Node’s numbers', async ({ page }) => {
  test.setTimeout(600_000);
  const w = watch(page, origin());
  await bringOnHero(page);
  const Q = encodeURIComponent(MODEL);

  // transfer-glance: a fourth row and column (FGSM made on it, read by the others; theirs read by it), on a drawn digit
  const code = drawnOne();
  await page.goto(`/embed/transfer-glance/?backend=wasm&yours=${Q}&sample=100&eps=0.25&drawn=${code}`);
  await expect(page.getByTestId('yours')).toHaveValue(MODEL);
  type Glance = { yours: string | null; drawn: string | null; matrix: { models: string[]; sample: number; clean: number[]; error: number[][] } | null; one: { label: number | null; predicted: number[][]; cleanPredicted: number[] } | null };
  const glance = await resultOf<Glance>(page, '.transfer-glance', (r) => r.yours === MODEL && r.drawn === code && r.matrix?.sample === 100);
  expect(glance.matrix!.models).toEqual(['softmax', 'maxout', 'rbf', MODEL]);
  const ng = node('transfer-glance.ts', '0.25', '100', '0', `dir:${DIR}`, code) as { matrix: { clean: number[]; error: number[][] }; digit: { label: number | null; predicted: number[][]; cleanPredicted: number[] } };
  glance.matrix!.clean.forEach((v, i) => near(v, ng.matrix.clean[i], 0.2, `clean error of ${glance.matrix!.models[i]}`));
  glance.matrix!.error.forEach((row, i) => row.forEach((v, j) => near(v, ng.matrix.error[i][j], 0.2, `made on ${glance.matrix!.models[i]}, read by ${glance.matrix!.models[j]}`)));
  expect(glance.one!.label).toBeNull();
  expect(glance.one!.cleanPredicted).toEqual(ng.digit.cleanPredicted);
  expect(glance.one!.predicted).toEqual(ng.digit.predicted);
  await expect(page.getByTestId('cell-yours:small cnn-maxout')).toContainText(glance.matrix!.error[3][1].toFixed(1));
  await expect(page.locator('.transfer-glance .readings thead')).toContainText('yours: small cnn');
  await expect(page.getByTestId('digit-draw')).toBeVisible();

  // agreement: one more reader of maxout's examples, beside softmax and RBF
  await page.goto(`/embed/agreement/?backend=wasm&yours=${Q}&sample=1000`);
  await expect(page.getByTestId('agreement-yours')).toHaveValue(MODEL);
  type Clipped = { clipped: number; unclipped: number };
  type Reader = { model: string; sample: number; error: Clipped; picksMaxoutClass: Clipped; agreesWhenBothErr: Record<string, Clipped>; similarities: { other: string; overall: number; perClass: number[] }[] };
  type Agree = { yours: Reader | null; shown: { matrix: (number | null)[][] } | null; errors: Record<string, Clipped> | null };
  const agree = await resultOf<Agree>(page, '.agreement', (r) => r.yours?.model === MODEL && r.yours.sample === 1000 && !!r.shown && r.shown.matrix.length === 4);
  const na = node('agreement.ts', '1000', `dir:${DIR}`) as Reader;
  const mine = agree.yours!;
  for (const k of ['clipped', 'unclipped'] as const) {
    near(mine.error[k], na.error[k], 0.2, `error on maxout's examples, ${k}`);
    near(mine.picksMaxoutClass[k], na.picksMaxoutClass[k], 0.2, `picks maxout's class, ${k}`);
    for (const m of ['maxout', 'softmax', 'rbf']) near(mine.agreesWhenBothErr[m][k], na.agreesWhenBothErr[m][k], 0.2, `agrees with ${m} when both err, ${k}`);
  }
  mine.similarities.forEach((x, i) => near(x.overall, na.similarities[i].overall, 1e-3, `cosine with ${x.other}`));
  // the matrix shows it: its error on the diagonal, its agreement with softmax in its row
  expect(agree.shown!.matrix[3][3]).toBe(mine.error.clipped);
  expect(agree.shown!.matrix[3][1]).toBe(mine.agreesWhenBothErr.softmax.clipped);
  await expect(page.getByTestId('agreement-matrix')).toContainText('yours: small cnn');
  await expect(page.getByTestId('agreement-cosines')).toContainText('yours–maxout');

  // rubbish-inputs: its rate of confident answers on the same noise, and the classes it gives
  await page.goto(`/embed/rubbish-inputs/?backend=wasm&model=${Q}&count=1000`);
  await expect(page.getByTestId(`model-${MODEL}`)).toBeChecked();
  type Rate = { rate: number; confidence: number; byClass: number[]; confident: number };
  type Rubbish = { extra: string | null; count: number | null; seed: number | null; sigma: number | null; models: Record<string, Rate> | null };
  const rub = await resultOf<Rubbish>(page, '.rubbish-inputs', (r) => r.extra === MODEL && r.count === 1000 && !!r.models?.[MODEL]);
  const nr = node('rubbish-inputs.ts', JSON.stringify({ sigma: rub.sigma, count: 1000, seed: rub.seed, extra: `dir:${DIR}` })) as { models: Record<string, Rate> };
  const ours = rub.models![MODEL];
  const ref = nr.models[`dir:${DIR}`];
  near(ours.rate, ref.rate, 0.2, 'confident answers');
  near(ours.confidence, ref.confidence, 0.2, 'their mean confidence');
  expect(ours.byClass).toEqual(ref.byClass);
  for (const m of ['softmax', 'maxout', 'rbf']) near(rub.models![m].rate, nr.models[m].rate, 0.2, `${m}'s confident answers`);
  await expect(page.getByTestId(`rate-${MODEL}`)).toContainText('yours: small cnn');
  await expect(page.locator('.rubbish-inputs .live')).toContainText('your model “small cnn”');

  // reproduce-table: the rows that apply to any classifier, apart from the paper's, and the clean error as TensorFlow.js itself gives it
  await page.goto(`/embed/reproduce-table/?backend=wasm&yours=${Q}&sample=1000`);
  await hydrated(page);
  await expect(page.getByTestId('yours-model')).toHaveValue(MODEL);
  type Row = { metric: string; site: number; siteUnclipped: number; row: string };
  let yoursRows: { model: string; sample: number; rows: Row[] } | null = null;
  await expect
    .poll(async () => {
      const raw = await page.locator('.reproduce-table').getAttribute('data-yours');
      yoursRows = raw ? JSON.parse(raw) : null;
      return yoursRows?.model === MODEL && yoursRows.sample === 1000;
    }, { timeout: 240_000 })
    .toBe(true);
  const nt = node('reproduce-yours.ts', `dir:${DIR}`, '1000') as { rows: Row[]; independentCleanError: number };
  const got = yoursRows!.rows;
  expect(got.length).toBe(nt.rows.length);
  expect(got.every((r) => r.row === 'yours')).toBe(true);
  got.forEach((r, i) => {
    near(r.site, nt.rows[i].site, 0.2, `${r.metric}, clipped`);
    near(r.siteUnclipped, nt.rows[i].siteUnclipped, 0.2, `${r.metric}, unclipped`);
  });
  expect(got[0].metric).toBe('clean error');
  near(got[0].site, nt.independentCleanError, 0.2, 'clean error against TensorFlow.js’s own predict');
  expect(got.map((r) => r.metric)).toContain('your model “small cnn”’s examples: error of maxout');
  await expect(page.getByTestId('yours-table')).toContainText('FGSM error');
  // the paper's table is not mixed with it: the computed-ahead rows are untouched
  await expect(page.locator('.reproduce-table')).toHaveAttribute('data-source', 'computed-ahead');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('transfer-glance, agreement, rubbish-inputs and reproduce-table naming a model this device lacks say so and offer the picker', async ({ page }) => {
  const w = watch(page, origin());
  for (const [figure, query, testid] of [
    ['transfer-glance', 'yours=yours:elsewhere&sample=100&view=digit', 'yours'],
    ['agreement', 'yours=yours:elsewhere', 'agreement-yours'],
    ['rubbish-inputs', 'model=yours:elsewhere&count=100', 'model'],
    ['reproduce-table', 'yours=yours:elsewhere', 'yours-model'],
  ]) {
    await page.goto(`/embed/${figure}/?backend=wasm&${query}`);
    await expect(page.getByTestId(`${testid}-missing`)).toContainText('“elsewhere”, which this device does not have');
    await expect(page.getByTestId(`${testid}-bring-files`)).toBeAttached();
    // the figure itself is there, not blank
    await expect(page.locator(`.${figure} .figure-title`)).toBeVisible();
  }
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

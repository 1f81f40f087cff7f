/**
 * The reproduction's rows beyond the paper (FGSM, R+FGSM, PGD, PGD with
 * restarts, maxout-adv's FGSM curve) on the quick models, against a direct
 * computation with src/lib/attacks: one batch through `fgsm`, `rfgsm`, `pgd`
 * and `pgdWorst`, counted in plain loops.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { ensureQuickModels, QUICK } from './quick-models.ts';
import { nodeModels } from '../../scripts/lib/node-models.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import { BEYOND, reproduceTable, type RowResult } from '../../src/lib/analysis/reproduce.ts';
import type { Model } from '../../src/lib/analysis/batch.ts';
import { fgsm } from '../../src/lib/attacks/fgsm.ts';
import { pgd, pgdWorst, rfgsm } from '../../src/lib/attacks/pgd.ts';

const N = 60;
const test = loadMnist('test');
const pixels = toFloat(test, 0, N);
const labels = test.labels.slice(0, N);
const BEYOND_ROWS = ['fgsm', 'rfgsm', 'pgd', 'pgd-restarts', 'fgsm-eps'];
let get: (name: string) => Promise<Model>;
let table: RowResult[];

beforeAll(async () => {
  ensureQuickModels();
  await initTf('wasm');
  const models = await nodeModels(QUICK);
  const cache = new Map<string, Promise<Model>>();
  get = (name) => {
    if (!cache.has(name)) cache.set(name, models.model(name));
    return cache.get(name)!;
  };
  table = await reproduceTable({ model: get, test: { pixels, labels } }, BEYOND_ROWS);
}, 600_000);

/** Error (percent) of a model on a batch of images, argmax in plain JavaScript; and which digits it gets wrong. */
async function errorOn(m: Model, images: tf.Tensor2D) {
  const p = m.fns.probabilities(m.params, images);
  const v = (await p.data()) as Float32Array;
  const k = p.shape[1];
  p.dispose();
  const wrong = Array.from({ length: N }, (_, i) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (v[i * k + c] > v[i * k + best]) best = c;
    return best !== labels[i];
  });
  return { error: (100 * wrong.filter(Boolean).length) / N, wrong };
}

const find = (row: string, metric: string) => {
  const r = table.find((t) => t.row === row && t.metric === metric);
  if (!r) throw new Error(`no row ${row} metric ${metric}`);
  return r;
};
const batch = () => ({ x: tf.tensor2d(pixels, [N, 784]), y: tf.tensor1d(Array.from(labels), 'int32') });

describe('the rows beyond the paper', () => {
  it('are the site’s own: named rows, no paper number, reported, clipped only, each setting naming attack, steps, restarts, ε and digits', () => {
    expect(table.length).toBe(4 * 4 * 3 + 4 + BEYOND.curve.length);
    for (const r of table) {
      expect(BEYOND_ROWS).toContain(r.row);
      expect(r.paper).toBeNull();
      expect(r.holds).toBeNull();
      expect(r.tolerance).toBe('reported');
      expect(Number.isNaN(r.siteUnclipped)).toBe(true);
      expect(r.site).toBeGreaterThanOrEqual(0);
      expect(r.site).toBeLessThanOrEqual(100);
      expect(r.setting).toContain(`first ${N} test digits`);
      expect(r.setting).toMatch(/ε (=|from)/);
    }
    expect(find('pgd', 'PGD error, maxout-adv, ε = 0.25').setting).toBe('PGD: 40 steps of 0.025 from a random start, 1 restart, ε = 0.25, clipped; first 60 test digits');
    expect(find('pgd-restarts', 'PGD error, maxout, ε = 0.25, 5 restarts').setting).toContain('strongest of 5 restarts');
    expect(find('rfgsm', 'R+FGSM error, softmax, ε = 0.2').setting).toContain('a random ±0.1 step, then FGSM with 0.1');
  });

  it('FGSM, R+FGSM and PGD errors equal a direct computation with the attacks on one batch', async () => {
    const { x, y } = batch();
    for (const name of BEYOND.models) {
      const m = await get(name);
      for (const eps of BEYOND.epsilons) {
        const f = fgsm(m.fns, m.params, x, y, eps, { clip: true });
        expect(find('fgsm', `FGSM error, ${name}, ε = ${eps}`).site, `FGSM ${name} ${eps}`).toBe((await errorOn(m, f.adversarial)).error);
        const r = rfgsm(m.fns, m.params, x, y, eps, eps / 2, BEYOND.seed, { clip: true });
        expect(find('rfgsm', `R+FGSM error, ${name}, ε = ${eps}`).site, `R+FGSM ${name} ${eps}`).toBe((await errorOn(m, r)).error);
        tf.dispose([f.adversarial, f.direction, r]);
        // PGD (40 gradient passes) at two of the four ε, to keep the test short
        if (eps !== 0.1 && eps !== 0.25) continue;
        const p = pgd(m.fns, m.params, x, y, { epsilon: eps, stepSize: eps / 10, steps: 40, randomStart: true, seed: BEYOND.seed, clip: true });
        expect(find('pgd', `PGD error, ${name}, ε = ${eps}`).site, `PGD ${name} ${eps}`).toBe((await errorOn(m, p)).error);
        p.dispose();
      }
    }
    tf.dispose([x, y]);
  }, 600_000);

  it('PGD with 5 restarts counts a digit when any restart fools the model, which is what pgdWorst keeps; never below one restart', async () => {
    const { x, y } = batch();
    for (const name of ['softmax', 'maxout-adv']) {
      const m = await get(name);
      const options = { epsilon: 0.25, stepSize: 0.025, steps: 40, randomStart: true, seed: BEYOND.seed, clip: true };
      const any = new Array<boolean>(N).fill(false);
      for (let r = 0; r < 5; r++) {
        const p = pgd(m.fns, m.params, x, y, { ...options, seed: BEYOND.seed + r });
        (await errorOn(m, p)).wrong.forEach((w, i) => (any[i] ||= w));
        p.dispose();
      }
      const worst = await pgdWorst(m.fns, m.params, x, y, { ...options, restarts: 5 });
      const w = await errorOn(m, worst);
      worst.dispose();
      const site = find('pgd-restarts', `PGD error, ${name}, ε = 0.25, 5 restarts`).site;
      expect(site).toBe((100 * any.filter(Boolean).length) / N);
      expect(site).toBe(w.error);
      expect(site).toBeGreaterThanOrEqual(find('pgd', `PGD error, ${name}, ε = 0.25`).site);
    }
    tf.dispose([x, y]);
  }, 600_000);

  it('PGD at ε = 0.25 on the networks of the paper’s recipe equals a direct computation', async () => {
    const rows = await reproduceTable({ model: get, test: { pixels, labels } }, ['pgd-0.25-paper']);
    expect(rows.map((r) => r.metric)).toEqual(['PGD error, maxout-paper, ε = 0.25', 'PGD error, maxout-adv-paper, ε = 0.25']);
    const { x, y } = batch();
    for (const [i, name] of ['maxout-paper', 'maxout-adv-paper'].entries()) {
      const m = await get(name);
      const p = pgd(m.fns, m.params, x, y, { epsilon: 0.25, stepSize: 0.025, steps: 40, randomStart: true, seed: BEYOND.seed, clip: true });
      expect(rows[i].site, name).toBe((await errorOn(m, p)).error);
      expect(rows[i].row).toBe('pgd');
      p.dispose();
    }
    tf.dispose([x, y]);
  }, 600_000);

  it('maxout-adv’s FGSM curve: one point per ε from 0 to 0.3, each the error of fgsm at that ε', async () => {
    expect(BEYOND.curve).toEqual([0, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.225, 0.25, 0.275, 0.3]);
    const m = await get('maxout-adv');
    const { x, y } = batch();
    const clean = await errorOn(m, x);
    expect(find('fgsm-eps', 'FGSM error at ε = 0, maxout-adv').site).toBe(clean.error);
    for (const eps of BEYOND.curve) {
      const f = fgsm(m.fns, m.params, x, y, eps, { clip: true });
      expect(find('fgsm-eps', `FGSM error at ε = ${eps}, maxout-adv`).site, `ε = ${eps}`).toBe((await errorOn(m, f.adversarial)).error);
      tf.dispose([f.adversarial, f.direction]);
    }
    tf.dispose([x, y]);
  });

  it('leave out a model the manifest does not list, and use the sample they are given', async () => {
    const without = (name: string) => (name === 'maxout-pgd' ? Promise.reject(new Error(`manifest.json: no model named "${name}" in the manifest`)) : get(name));
    const rows = await reproduceTable({ model: without, test: { pixels, labels }, beyondSample: 20 }, ['fgsm', 'pgd-restarts']);
    expect(rows.map((r) => r.metric)).toEqual([
      ...['softmax', 'maxout', 'maxout-adv'].flatMap((n) => BEYOND.epsilons.map((e) => `FGSM error, ${n}, ε = ${e}`)),
      ...['softmax', 'maxout', 'maxout-adv'].map((n) => `PGD error, ${n}, ε = 0.25, 5 restarts`),
    ]);
    for (const r of rows) expect(r.setting).toContain('first 20 test digits');
    // another failure is still an error
    const broken = (name: string) => (name === 'maxout' ? Promise.reject(new Error('maxout.bin: SHA-256 does not match')) : get(name));
    await expect(reproduceTable({ model: broken, test: { pixels, labels }, beyondSample: 20 }, ['fgsm'])).rejects.toThrow('SHA-256');
  });
});

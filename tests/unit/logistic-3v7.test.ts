/**
 * The paper's Fig. 2 from a 3-vs-7 logistic regression, checked against a
 * per-digit float64 loop: z = wᵀx + b, and FGSM written out by hand as
 * x − ε y sign(w) (y = +1 for a 7, −1 for a 3), clipped to [0, 1].
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { ensureQuickModels, QUICK } from './quick-models.ts';
import { nodeModels } from '../../scripts/lib/node-models.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import { logistic3v7Figure, shownIndices } from '../../src/lib/analysis/logistic-3v7.ts';
import { row5, Reproduction } from '../../src/lib/analysis/reproduce.ts';
import type { Model } from '../../src/lib/analysis/batch.ts';

const N = 2000;
const test = loadMnist('test');
const pixels = toFloat(test, 0, N);
const labels = test.labels.slice(0, N);
const loaded = new Map<string, Promise<Model>>();
/** Each model loaded once (as the worker does), so the tensor count measures the figure alone. */
const models = {
  model(name: string): Promise<Model> {
    if (!loaded.has(name)) loaded.set(name, nodeModels(QUICK).then((m) => m.model(name)));
    return loaded.get(name)!;
  },
};

beforeAll(async () => {
  ensureQuickModels();
  await initTf('wasm');
  for (const name of ['logistic-3v7', 'logistic-3v7-adv', 'logistic-3v7-l1']) await models.model(name);
}, 300_000);

/** Errors (percent) over the 3s and 7s of the sample, by a loop in float64. */
function byHand(w: Float32Array, b: number, eps: number) {
  let n = 0, cleanWrong = 0, clippedWrong = 0, unclippedWrong = 0;
  for (let i = 0; i < N; i++) {
    if (labels[i] !== 3 && labels[i] !== 7) continue;
    n++;
    const y = labels[i] === 7 ? 1 : -1;
    let z = b, zc = b, zu = b;
    for (let k = 0; k < 784; k++) {
      const x = pixels[i * 784 + k];
      const s = w[k] > 0 ? 1 : w[k] < 0 ? -1 : 0;
      const moved = x - eps * y * s;
      z += w[k] * x;
      zu += w[k] * moved;
      zc += w[k] * Math.min(1, Math.max(0, moved));
    }
    // class 7 when z > 0 (the model's logits are [0, z]; a tie goes to the first, 3)
    const wrong = (v: number) => (v > 0 ? 1 : -1) !== y;
    if (wrong(z)) cleanWrong++;
    if (wrong(zc)) clippedWrong++;
    if (wrong(zu)) unclippedWrong++;
  }
  return { n, clean: (100 * cleanWrong) / n, clipped: (100 * clippedWrong) / n, unclipped: (100 * unclippedWrong) / n };
}

describe('the paper’s Fig. 2 from a 3-vs-7 logistic regression', () => {
  it('the first 3s and 7s of the test set, in test order', () => {
    expect(shownIndices([7, 3, 1, 3, 7, 7, 3], 2)).toEqual([1, 3, 0, 4]);
    expect(shownIndices([3, 3], 2)).toEqual([0, 1]);
  });

  for (const name of ['logistic-3v7', 'logistic-3v7-adv', 'logistic-3v7-l1'] as const) {
    it(`${name}: clean and FGSM errors equal a per-digit float64 loop; sign(w) is the perturbation`, async () => {
      const before = tf.memory().numTensors;
      for (const eps of [0, 0.1, 0.25]) {
        const f = await logistic3v7Figure({ model: models.model, test: { pixels, labels }, modelName: name, epsilon: eps, perClass: 4 });
        const ref = byHand(f.weights, f.bias, eps);
        expect(f.clean.count).toBe(ref.n);
        // float32 against float64: a digit within rounding of the boundary may fall either way
        expect(Math.abs(f.clean.error - ref.clean)).toBeLessThanOrEqual(100 / ref.n + 1e-9);
        expect(Math.abs(f.fgsm.clipped.error - ref.clipped)).toBeLessThanOrEqual(100 / ref.n + 1e-9);
        expect(Math.abs(f.fgsm.unclipped.error - ref.unclipped)).toBeLessThanOrEqual(100 / ref.n + 1e-9);
        if (eps === 0) expect(f.fgsm.clipped.error).toBe(f.clean.error);
        expect(f.l1).toBeCloseTo(f.weights.reduce((s, v) => s + Math.abs(v), 0), 2);
        for (let k = 0; k < 784; k++) expect(f.sign[k]).toBe(Math.sign(f.weights[k]));
        // the shown digits: 4 threes then 4 sevens; each adversarial 3 is x + ε sign(w), each 7 x − ε sign(w), clipped
        expect(f.digits.labels).toEqual([3, 3, 3, 3, 7, 7, 7, 7]);
        f.digits.testIndex.forEach((t, j) => {
          const y = f.digits.labels[j] === 7 ? 1 : -1;
          for (let k = 0; k < 784; k += 37) {
            const x = pixels[t * 784 + k];
            expect(f.digits.clean[j * 784 + k]).toBe(x);
            expect(f.digits.adversarial[j * 784 + k]).toBeCloseTo(Math.min(1, Math.max(0, x - eps * y * f.sign[k])), 6);
          }
          expect([3, 7]).toContain(f.digits.cleanPredicted[j]);
        });
        expect(f.row5 === null).toBe(name !== 'logistic-3v7');
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('for the plain model the numbers are row 5 of the reproduction', async () => {
    const f = await logistic3v7Figure({ model: models.model, test: { pixels, labels }, modelName: 'logistic-3v7', epsilon: 0.25 });
    const rows = await row5(new Reproduction({ model: models.model, test: { pixels, labels } }));
    expect(f.row5).toEqual(rows);
    expect(rows.find((r) => r.metric === 'clean error')!.site).toBe(f.clean.error);
    expect(rows.find((r) => r.metric === 'FGSM error')!.site).toBe(f.fgsm.clipped.error);
    expect(rows.find((r) => r.metric === 'FGSM error')!.siteUnclipped).toBe(f.fgsm.unclipped.error);
  });

  it('refuses a model that is not a 3-vs-7 logistic regression, and an ε out of range', async () => {
    await expect(logistic3v7Figure({ model: models.model, test: { pixels, labels }, modelName: 'softmax' as never, epsilon: 0.25 })).rejects.toThrow('not a 3-vs-7');
    await expect(logistic3v7Figure({ model: models.model, test: { pixels, labels }, modelName: 'logistic-3v7', epsilon: 2 })).rejects.toThrow('ε');
  });
});

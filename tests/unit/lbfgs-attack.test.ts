/**
 * The L-BFGS attack of Szegedy et al. (src/lib/attacks/lbfgs.ts) and its
 * comparison with FGSM (src/lib/analysis/lbfgs-vs-fgsm.ts) on the quick
 * models: the result lies in the box [0, 1], is classified as its target by a
 * separate forward pass, and the search over c keeps what it says it keeps;
 * ∇J towards the target against the softmax model's gradient in closed form.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { ensureQuickModels, QUICK } from './quick-models.ts';
import { nodeModels } from '../../scripts/lib/node-models.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import type { Model } from '../../src/lib/analysis/batch.ts';
import { lbfgsAttack, targetLoss } from '../../src/lib/attacks/lbfgs.ts';
import { lbfgsVsFgsm } from '../../src/lib/analysis/lbfgs-vs-fgsm.ts';

const test = loadMnist('test');
const digit = (i: number) => toFloat(test, i, i + 1);
let softmax: Model;
let maxout: Model;
let W: Float32Array;
let b: Float32Array;

beforeAll(async () => {
  ensureQuickModels();
  await initTf('wasm');
  const models = await nodeModels(QUICK);
  softmax = await models.model('softmax');
  maxout = await models.model('maxout');
  W = (await softmax.params.W.data()) as Float32Array;
  b = (await softmax.params.b.data()) as Float32Array;
}, 300_000);

/** The softmax model's probabilities in float64, written out here. */
function probabilities(x: ArrayLike<number>): number[] {
  const z = Array.from({ length: 10 }, (_, k) => {
    let s = b[k];
    for (let i = 0; i < 784; i++) s += x[i] * W[i * 10 + k];
    return s;
  });
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const total = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / total);
}
const argmax = (v: ArrayLike<number>) => Array.from(v).indexOf(Math.max(...Array.from(v)));

describe('the L-BFGS attack', () => {
  it('J towards the target and its gradient equal the closed form W(p − e_t)', async () => {
    const x = digit(0);
    for (const t of [3, 7]) {
      const { value, gradient } = await targetLoss(softmax, x, t);
      const p = probabilities(x);
      expect(value).toBeCloseTo(-Math.log(p[t]), 4);
      for (let i = 0; i < 784; i += 7) {
        let g = 0;
        for (let k = 0; k < 10; k++) g += W[i * 10 + k] * (p[k] - (k === t ? 1 : 0));
        expect(gradient[i]).toBeCloseTo(g, 5);
      }
    }
  });

  it('on the softmax model: stays in [0, 1], reaches each target, and keeps the smallest r that reaches it', async () => {
    for (const [i, t] of [[0, 3], [1, 8], [2, 7], [3, 6]]) {
      const x = digit(i);
      const r = await lbfgsAttack(softmax, x, t);
      expect(r.reached, `digit ${i} → ${t}`).toBe(true);
      for (let k = 0; k < 784; k++) {
        expect(r.adversarial[k]).toBeGreaterThanOrEqual(0);
        expect(r.adversarial[k]).toBeLessThanOrEqual(1);
        expect(r.perturbation[k]).toBeCloseTo(r.adversarial[k] - x[k], 6);
      }
      // a forward pass in float64 here agrees: the adversarial digit is read as t
      const p = probabilities(r.adversarial);
      expect(argmax(p)).toBe(t);
      expect(r.predicted).toBe(t);
      expect(p[t]).toBeCloseTo(r.probabilities[t], 4);
      // the sizes are those of r
      let l2 = 0, linf = 0;
      for (const v of r.perturbation) {
        l2 += v * v;
        linf = Math.max(linf, Math.abs(v));
      }
      expect(r.l2).toBeCloseTo(Math.sqrt(l2), 5);
      expect(r.linf).toBeCloseTo(linf, 6);
      // the search: the result is the smallest reaching minimiser, and a larger c shrinks r
      const reaching = r.solves.filter((s) => s.reached);
      expect(r.l2).toBeCloseTo(Math.min(...reaching.map((s) => s.l2)), 5);
      expect(r.solves.some((s) => !s.reached && s.c > r.c)).toBe(true);
      const byC = [...r.solves].sort((a, c) => a.c - c.c);
      expect(byC[byC.length - 1].l2).toBeLessThan(byC[0].l2);
      expect(r.iterations).toBe(r.solves.reduce((s, v) => s + v.iterations, 0));
      expect(r.evaluations).toBeGreaterThan(r.iterations);
    }
  });

  it('on the maxout network: reaches its target inside the box', async () => {
    const x = digit(0);
    const r = await lbfgsAttack(maxout, x, 3, { bisections: 2 });
    expect(r.reached).toBe(true);
    expect(r.adversarial.every((v) => v >= 0 && v <= 1)).toBe(true);
    const check = tf.tidy(() => maxout.fns.logits(maxout.params, tf.tensor2d(r.adversarial, [1, 784])));
    expect(argmax(await check.data())).toBe(3);
    check.dispose();
  });

  it('beside FGSM: one gradient against hundreds, every tensor freed, cancelling stops', async () => {
    const before = tf.memory().numTensors;
    const x = digit(0);
    const both = await lbfgsVsFgsm(softmax, x, test.labels[0], 3, 0.25);
    expect(both.fgsm.evaluations).toBe(1);
    expect(both.lbfgs.evaluations).toBeGreaterThan(20);
    // FGSM moves every pixel it can by ε exactly (clipped to the box)
    expect(both.fgsm.linf).toBeCloseTo(0.25, 6);
    for (let k = 0; k < 784; k++) {
      const v = both.fgsm.adversarial[k];
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(argmax(probabilities(both.fgsm.adversarial))).toBe(both.fgsm.predicted);
    expect(argmax(both.cleanProbabilities)).toBe(argmax(probabilities(x)));
    // the L-BFGS perturbation, the smallest it found in L², is far smaller in L² than FGSM's
    expect(both.lbfgs.l2).toBeLessThan(both.fgsm.l2 / 2);
    // reusing the L-BFGS result changes only the FGSM side
    const again = await lbfgsVsFgsm(softmax, x, test.labels[0], 3, 0.1, { lbfgs: both.lbfgs });
    expect(again.lbfgs).toBe(both.lbfgs);
    expect(again.fgsm.linf).toBeCloseTo(0.1, 6);
    expect(tf.memory().numTensors).toBe(before);
    await expect(lbfgsAttack(softmax, x, 3, { cancelled: () => true })).rejects.toThrow('cancelled');
    expect(tf.memory().numTensors).toBe(before);
  });
});

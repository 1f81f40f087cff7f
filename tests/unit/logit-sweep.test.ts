/**
 * The logit sweep of §8 (the paper's Figure 4): exactly linear in ε for the
 * shallow softmax model (checked against its weights in float64), piecewise
 * linear for the maxout network (second differences vanish except at a few
 * kinks, and the kinks do not multiply when the grid is refined, as the
 * curvature of a smooth function would), and each batched point equal to the
 * same point computed alone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { ensureQuickModels, QUICK } from './quick-models.ts';
import { nodeModels } from '../../scripts/lib/node-models.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import type { Model } from '../../src/lib/analysis/batch.ts';
import { fgsm } from '../../src/lib/attacks/fgsm.ts';
import { logitSweep, predictionBands, secondDifferences, stripIndices, sweepEpsilons } from '../../src/lib/analysis/logit-sweep.ts';

const test = loadMnist('test');
const DIGITS = [4, 0, 1];
let softmax: Model;
let maxout: Model;
let W: Float32Array; // 784 × 10
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

const digit = (i: number) => toFloat(test, i, i + 1);

/** ∇ₓJ of the softmax model in float64: W (softmax(Wᵀx + b) − e_y). */
function gradient64(x: ArrayLike<number>, y: number): number[] {
  const z = Array.from({ length: 10 }, (_, k) => {
    let s = b[k];
    for (let i = 0; i < 784; i++) s += x[i] * W[i * 10 + k];
    return s;
  });
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const total = e.reduce((s, v) => s + v, 0);
  const r = e.map((v, k) => v / total - (k === y ? 1 : 0));
  return Array.from({ length: 784 }, (_, i) => r.reduce((s, rk, k) => s + rk * W[i * 10 + k], 0));
}

describe('the logit sweep', () => {
  it('is exactly linear for shallow softmax regression, with the slope Wᵀ sign(∇ₓJ)', async () => {
    for (const i of DIGITS) {
      const x = digit(i);
      const s = await logitSweep(softmax, x, test.labels[i], { range: 15, points: 301, strip: 7 });
      const scale = Math.max(...Array.from(s.logits, Math.abs));
      expect(Math.max(...secondDifferences(s.logits, 10))).toBeLessThan(2e-5 * scale);
      const g = gradient64(x, test.labels[i]);
      const big = Math.max(...g.map(Math.abs));
      for (let k = 0; k < 10; k++) {
        // the slope from the ends of the sweep, against Σᵢ Wᵢₖ sign(gᵢ) in float64 (pixels whose gradient is at float32 noise left out of the bound)
        const slope = (s.logits[300 * 10 + k] - s.logits[k]) / 30;
        let ref = 0;
        let unsure = 0;
        for (let p = 0; p < 784; p++) {
          if (Math.abs(g[p]) < 1e-5 * big) unsure += Math.abs(W[p * 10 + k]);
          else ref += W[p * 10 + k] * Math.sign(g[p]);
        }
        expect(Math.abs(slope - ref)).toBeLessThanOrEqual(unsure + 1e-3 * Math.max(1, Math.abs(ref)));
        // and z(0) is the clean logit
        let z0 = b[k];
        for (let p = 0; p < 784; p++) z0 += x[p] * W[p * 10 + k];
        expect(s.logits[150 * 10 + k]).toBeCloseTo(z0, 3);
      }
    }
  });

  it('is piecewise linear for the maxout network: second differences vanish except at a few kinks', async () => {
    for (const i of DIGITS) {
      const x = digit(i);
      const kinked = async (points: number) => {
        const s = await logitSweep(maxout, x, test.labels[i], { range: 15, points, strip: 1 });
        const scale = Math.max(...Array.from(s.logits, Math.abs));
        const d2 = secondDifferences(s.logits, 10);
        let count = 0;
        for (let p = 0; p < points - 2; p++) {
          let worst = 0;
          for (let k = 0; k < 10; k++) worst = Math.max(worst, d2[p * 10 + k]);
          if (worst > 1e-4 * scale) count++;
        }
        return count;
      };
      const coarse = await kinked(601);
      const fine = await kinked(1201);
      // most of the sweep is straight
      expect(coarse / 599).toBeLessThan(0.5);
      expect(fine / 1199).toBeLessThan(0.35);
      // a kink is a point: halving the step does not double the points it touches (curvature would)
      expect(fine).toBeLessThan(1.6 * coarse + 4);
      // and it is not linear everywhere: the network bends somewhere on ±15
      expect(coarse).toBeGreaterThan(0);
    }
  });

  it('gives each ε the logits of x + ε·sign(∇ₓJ) computed alone, and the strip the images at its ε', async () => {
    const i = 4;
    const x = digit(i);
    const s = await logitSweep(maxout, x, test.labels[i], { range: 10, points: 41, strip: 5 });
    expect(Array.from(s.stripIndices)).toEqual([0, 10, 20, 30, 40]);
    const xt = tf.tensor2d(x, [1, 784]);
    const yt = tf.tensor1d([test.labels[i]], 'int32');
    const { direction, adversarial } = fgsm(maxout.fns, maxout.params, xt, yt, 1, { clip: false });
    const d = (await direction.data()) as Float32Array;
    tf.dispose([xt, yt, adversarial]);
    for (const p of [0, 7, 20, 33, 40]) {
      const eps = s.epsilons[p];
      const moved = Float32Array.from(x, (v, k) => v + eps * d[k]);
      const z = tf.tidy(() => maxout.fns.logits(maxout.params, tf.tensor2d(moved, [1, 784])));
      const alone = (await z.data()) as Float32Array;
      z.dispose();
      for (let k = 0; k < 10; k++) expect(s.logits[p * 10 + k]).toBeCloseTo(alone[k], 3);
      const predicted = alone.indexOf(Math.max(...alone));
      expect(s.predicted[p]).toBe(predicted);
      const j = Array.from(s.stripIndices).indexOf(p);
      if (j >= 0) for (let k = 0; k < 784; k += 37) expect(s.stripImages[j * 784 + k]).toBeCloseTo(moved[k], 5);
    }
    direction.dispose();
  });

  it('the grid, the strip, the bands, the checks; every tensor is freed', async () => {
    expect(Array.from(sweepEpsilons(15, 7))).toEqual([-15, -10, -5, 0, 5, 10, 15]);
    expect(Array.from(stripIndices(601, 1))).toEqual([300]);
    expect(predictionBands([-2, -1, 0, 1, 2], [3, 3, 4, 4, 9])).toEqual([
      { predicted: 3, from: 0, to: 1, start: -2, end: -1 },
      { predicted: 4, from: 2, to: 3, start: 0, end: 1 },
      { predicted: 9, from: 4, to: 4, start: 2, end: 2 },
    ]);
    await expect(logitSweep(softmax, digit(0), 7, { range: 15, points: 300, strip: 3 })).rejects.toThrow('odd number');
    await expect(logitSweep(softmax, digit(0), 7, { range: -1, points: 301, strip: 3 })).rejects.toThrow('range');
    const before = tf.memory().numTensors;
    await logitSweep(maxout, digit(0), 7, { range: 15, points: 601, strip: 9 });
    await logitSweep(softmax, digit(0), 7, { range: 15, points: 601, strip: 9 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

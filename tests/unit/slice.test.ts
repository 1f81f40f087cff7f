/**
 * The plane through a digit (§8): its origin is the clean digit, its FGSM axis
 * is FGSM computed directly, and on the shallow softmax model (unclipped) every
 * logit is the closed form z(a, b) = z₀ + a·Wᵀd₁ + b·Wᵀd₂, written out in float64 here.
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
import { axisValue, gridIndex, planeFit, randomSignDirection, sliceGrid, summariseSlice, trueClassSurface } from '../../src/lib/analysis/slice.ts';

const test = loadMnist('test');
let softmax: Model;
let maxout: Model;

beforeAll(async () => {
  ensureQuickModels();
  await initTf('wasm');
  const models = await nodeModels(QUICK);
  softmax = await models.model('softmax');
  maxout = await models.model('maxout');
}, 300_000);

const digit = (i: number) => ({ pixels: toFloat(test, i, i + 1), label: test.labels[i] });

async function logitsOf(m: Model, x: tf.Tensor2D): Promise<Float32Array> {
  const z = m.fns.logits(m.params, x);
  const v = (await z.data()) as Float32Array;
  z.dispose();
  return v;
}
const argMax = (v: ArrayLike<number>) => {
  let best = 0;
  for (let k = 1; k < v.length; k++) if (v[k] > v[best]) best = k;
  return best;
};

describe('the random sign direction', () => {
  it('is ±1 everywhere, the same for the same seed, different for another', () => {
    const a = randomSignDirection(7);
    expect(a.every((v) => v === 1 || v === -1)).toBe(true);
    expect(randomSignDirection(7)).toEqual(a);
    const b = randomSignDirection(8);
    expect(b).not.toEqual(a);
    // about half of each sign
    const plus = a.filter((v) => v > 0).length;
    expect(plus).toBeGreaterThan(330);
    expect(plus).toBeLessThan(454);
  });

  it('the axis is symmetric with 0 exactly in the middle', () => {
    expect(axisValue(30, 61, 0.7)).toBe(0);
    expect(axisValue(0, 61, 0.7)).toBeCloseTo(-0.7, 12);
    expect(axisValue(60, 61, 0.7)).toBeCloseTo(0.7, 12);
  });
});

describe('sliceGrid', () => {
  for (const clip of [false, true]) {
    it(`its origin is the clean digit (clip ${clip})`, async () => {
      for (const [m, i] of [[softmax, 0], [maxout, 0], [maxout, 3]] as const) {
        const { pixels, label } = digit(i);
        const grid = await sliceGrid(m, pixels, label, { range: 0.5, size: 21, seed: 1, clip, batchSize: 100 });
        const x = tf.tensor2d(pixels, [1, 784]);
        const z = await logitsOf(m, x);
        x.dispose();
        const o = gridIndex(grid, 10, 10);
        expect(grid.predicted[o]).toBe(argMax(z));
        for (let k = 0; k < 10; k++) expect(Math.abs(grid.logits[o * 10 + k] - z[k])).toBeLessThan(1e-4 * Math.max(1, Math.abs(z[k])));
      }
    });

    it(`its FGSM axis is FGSM at that ε computed directly (clip ${clip})`, async () => {
      for (const m of [softmax, maxout]) {
        const { pixels, label } = digit(1);
        const size = 15;
        const grid = await sliceGrid(m, pixels, label, { range: 0.35, size, seed: 3, clip });
        const mid = (size - 1) / 2;
        for (let j = 0; j < size; j++) {
          const eps = grid.axis[j];
          const x = tf.tensor2d(pixels, [1, 784]);
          const y = tf.tensor1d([label], 'int32');
          const { direction, adversarial } = fgsm(m.fns, m.params, x, y, eps, { clip });
          const z = await logitsOf(m, adversarial);
          const d = (await direction.data()) as Float32Array;
          tf.dispose([x, y, direction, adversarial]);
          expect(d).toEqual(grid.fgsmDirection);
          const p = gridIndex(grid, mid, j);
          expect(grid.predicted[p]).toBe(argMax(z));
          for (let k = 0; k < 10; k++) expect(Math.abs(grid.logits[p * 10 + k] - z[k])).toBeLessThan(1e-4 * Math.max(1, Math.abs(z[k])));
        }
      }
    });
  }

  it('on softmax regression, unclipped, every logit is z₀ + a·Wᵀd₁ + b·Wᵀd₂ (float64)', async () => {
    const W = (await softmax.params.W.data()) as Float32Array; // 784 × 10
    const bias = (await softmax.params.b.data()) as Float32Array;
    const { pixels, label } = digit(2);
    const grid = await sliceGrid(softmax, pixels, label, { range: 1, size: 9, seed: 11, clip: false, batchSize: 20 });
    const proj = (v: ArrayLike<number>) => Array.from({ length: 10 }, (_, k) => {
      let s = 0;
      for (let i = 0; i < 784; i++) s += v[i] * W[i * 10 + k];
      return s;
    });
    const z0 = proj(pixels).map((s, k) => s + bias[k]);
    const w1 = proj(grid.fgsmDirection);
    const w2 = proj(randomSignDirection(11));
    let worst = 0;
    for (let i = 0; i < 9; i++) {
      for (let j = 0; j < 9; j++) {
        const p = gridIndex(grid, i, j);
        const want = z0.map((z, k) => z + grid.axis[j] * w1[k] + grid.axis[i] * w2[k]);
        for (let k = 0; k < 10; k++) worst = Math.max(worst, Math.abs(grid.logits[p * 10 + k] - want[k]) / Math.max(1, Math.abs(want[k])));
        expect(grid.predicted[p]).toBe(argMax(want));
      }
    }
    expect(worst).toBeLessThan(1e-4);
    // the true class's logit is a plane: the fit finds its slopes (Wᵀd₁)_y and (Wᵀd₂)_y and explains all of it
    const fit = planeFit(grid, trueClassSurface(grid, 'logit'));
    expect(fit.r2).toBeGreaterThan(1 - 1e-8);
    expect(fit.ca).toBeCloseTo(w1[label], 3);
    expect(fit.cb).toBeCloseTo(w2[label], 3);
    expect(fit.c0).toBeCloseTo(z0[label], 3);
    // the FGSM direction lowers the true class against the others: Wᵀd₁ favours some other class over y
    expect(Math.max(...w1.map((v, k) => (k === label ? -Infinity : v - w1[label])))).toBeGreaterThan(0);
  });

  it('the surface and the summary read the grid as they say', async () => {
    const { pixels, label } = digit(0);
    const grid = await sliceGrid(maxout, pixels, label, { range: 0.5, size: 11, seed: 1, clip: false });
    const logit = trueClassSurface(grid, 'logit');
    const margin = trueClassSurface(grid, 'margin');
    for (let p = 0; p < 121; p++) {
      const z = Array.from(grid.logits.subarray(p * 10, p * 10 + 10));
      expect(logit[p]).toBe(z[label]);
      expect(margin[p]).toBeCloseTo(z[label] - Math.max(...z.filter((_, k) => k !== label)), 5);
      // the margin is positive exactly where the true class wins
      expect(margin[p] > 0).toBe(grid.predicted[p] === label);
    }
    const s = summariseSlice(grid, label);
    let wrong = 0;
    for (const p of grid.predicted) if (p !== label) wrong++;
    expect(s.wrong).toBeCloseTo((100 * wrong) / 121, 9);
    const alongF = [6, 7, 8, 9, 10].filter((j) => grid.predicted[gridIndex(grid, 5, j)] !== label);
    expect(s.wrongAlongFgsm).toBeCloseTo((100 * alongF.length) / 5, 9);
    expect(s.firstWrongAlongFgsm).toBe(alongF.length ? grid.axis[alongF[0]] : null);
  });

  it('planeFit: a plane plus a bump is fitted by its plane, and R² falls with the bump', () => {
    const size = 21;
    const axis = Float32Array.from({ length: size }, (_, i) => axisValue(i, size, 2));
    const plane = new Float32Array(size * size), bumped = new Float32Array(size * size);
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        plane[i * size + j] = 3 - 2 * axis[j] + 0.5 * axis[i];
        bumped[i * size + j] = plane[i * size + j] + 4 * Math.exp(-(axis[j] ** 2 + axis[i] ** 2));
      }
    }
    const f = planeFit({ size, axis }, plane);
    expect(f.ca).toBeCloseTo(-2, 5);
    expect(f.cb).toBeCloseTo(0.5, 5);
    expect(f.c0).toBeCloseTo(3, 5);
    expect(f.r2).toBeCloseTo(1, 9);
    const g = planeFit({ size, axis }, bumped);
    // a bump symmetric about 0 leaves the slopes alone
    expect(g.ca).toBeCloseTo(-2, 5);
    expect(g.cb).toBeCloseTo(0.5, 5);
    expect(g.r2).toBeLessThan(0.9);
  });

  it('frees every tensor, and refuses an even grid', async () => {
    const { pixels, label } = digit(0);
    const before = tf.memory().numTensors;
    await sliceGrid(maxout, pixels, label, { range: 0.5, size: 7, seed: 1, clip: true });
    expect(tf.memory().numTensors).toBe(before);
    await expect(sliceGrid(maxout, pixels, label, { range: 0.5, size: 8, seed: 1, clip: true })).rejects.toThrow(/odd/);
  });
});

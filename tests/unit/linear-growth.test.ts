/**
 * §3's linear growth against computations written out here in float64 plain
 * JavaScript: ε‖w‖₁ from the weights read back, the closed form ε·m·n over many
 * seeds, and the softmax model's logit shifts as dot products of W's columns
 * with η, with η rebuilt from a float64 gradient.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import {
  linearGrowth,
  logitShift,
  MEAN_ABS_NORMAL,
  ONE_GREY_LEVEL,
  predictedShift,
  SD_ABS_NORMAL,
  shiftBand,
  sweepDimensions,
  WEIGHT_CHUNK,
  weightSlice,
} from '../../src/lib/analysis/linear-growth.ts';
import { nodeModels } from '../../scripts/lib/node-models.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import type { Model } from '../../src/lib/analysis/batch.ts';

/** The first n weights drawn with `seed`, read back chunk by chunk. */
async function weights(seed: number, n: number): Promise<Float64Array> {
  const out = new Float64Array(n);
  for (let k = 0, start = 0; start < n; k++, start += WEIGHT_CHUNK) {
    const t = weightSlice(seed, k, Math.min(WEIGHT_CHUNK, n - start));
    out.set(await t.data(), start);
    t.dispose();
  }
  return out;
}

describe('the dimensions swept', () => {
  it('run from 10 to 10⁷, four a decade, sorted and distinct, with the named ones added', () => {
    const ns = sweepDimensions([784, 150528]);
    expect(ns[0]).toBe(10);
    expect(ns[ns.length - 1]).toBe(10_000_000);
    expect(ns).toContain(784);
    expect(ns).toContain(150528);
    expect(ns).toContain(1000);
    expect(ns.length).toBe(25 + 2);
    for (let i = 1; i < ns.length; i++) expect(ns[i]).toBeGreaterThan(ns[i - 1]);
    expect(sweepDimensions([3, 2e7, 12.5])).toEqual(sweepDimensions());
  });

  it('the band holds ε·m·n and widens as √n', () => {
    const [lo, hi] = shiftBand(0.1, 10_000);
    expect((lo + hi) / 2).toBeCloseTo(predictedShift(0.1, 10_000), 9);
    expect(hi - lo).toBeCloseTo(0.1 * 4 * SD_ABS_NORMAL * 100, 9);
    expect(MEAN_ABS_NORMAL).toBeCloseTo(0.7978845608, 9);
  });
});

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`wᵀη for η = ε·sign(w) on the ${backend} backend`, () => {
    beforeAll(async () => {
      await initTf(backend);
    });

    it('equals ε‖w‖₁ computed in float64 from the weights, for small n', async () => {
      const eps = 0.25;
      const ns = [1, 2, 10, 11, 100, 784, 5000];
      const points = await linearGrowth(ns, eps, 7);
      const w = await weights(7, 5000);
      for (const p of points) {
        let l1 = 0;
        for (let i = 0; i < p.n; i++) l1 += Math.abs(w[i]);
        expect(p.shift).toBeCloseTo(eps * l1, 3);
        expect(Math.abs(p.shift - eps * l1)).toBeLessThan(1e-5 * eps * l1 + 1e-6);
        expect(Math.abs(p.l1 - l1)).toBeLessThan(1e-5 * l1 + 1e-6);
        // the budget never grows: ‖η‖∞ = ε for every n, ‖η‖₂ = ε√n
        expect(p.linf).toBeCloseTo(eps, 7);
        expect(p.l2).toBeCloseTo(eps * Math.sqrt(p.n), 4);
      }
      // a smaller n uses the first weights of a larger one
      const alone = await linearGrowth([10], eps, 7);
      expect(alone[0].shift).toBeCloseTo(points[2].shift, 5);
    });

    it('scales with ε exactly, and ‖η‖∞ is ε even at one grey level', async () => {
      const a = await linearGrowth([784], 0.25, 3);
      const b = await linearGrowth([784], ONE_GREY_LEVEL, 3);
      expect(b[0].shift / a[0].shift).toBeCloseTo(ONE_GREY_LEVEL / 0.25, 6);
      expect(b[0].linf).toBeCloseTo(ONE_GREY_LEVEL, 8);
      expect(b[0].l1).toBeCloseTo(a[0].l1, 3);
      const zero = await linearGrowth([784], 0, 3);
      expect(zero[0].shift).toBe(0);
      expect(zero[0].linf).toBe(0);
    });

    it('adds up across a chunk boundary like a float64 sum', async () => {
      const n = WEIGHT_CHUNK + 5;
      const [p] = await linearGrowth([n], 0.1, 11);
      const w = await weights(11, n);
      let l1 = 0;
      for (const v of w) l1 += Math.abs(v);
      expect(Math.abs(p.shift - 0.1 * l1) / (0.1 * l1)).toBeLessThan(1e-5);
    });

    it('frees every tensor it allocates', async () => {
      const before = tf.memory().numTensors;
      await linearGrowth(sweepDimensions([784], 2, 10, 100_000), 0.05, 2);
      await linearGrowth([WEIGHT_CHUNK + 1], 0.05, 2);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('stops between chunks when cancelled', async () => {
      const before = tf.memory().numTensors;
      let chunks = 0;
      await expect(
        linearGrowth([3 * WEIGHT_CHUNK], 0.1, 1, { cancelled: () => chunks > 0, onProgress: () => chunks++ }),
      ).rejects.toThrow('cancelled');
      expect(chunks).toBe(1);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}

describe('wᵀη against the closed form ε·m·n (wasm)', () => {
  beforeAll(async () => {
    await initTf('wasm');
  });

  it('averages to ε·m·n over 200 draws of w at n = 784, and 95 % of draws fall in the ±2σ band', async () => {
    const eps = 0.25, n = 784, draws = 200;
    const shifts: number[] = [];
    for (let seed = 100; seed < 100 + draws; seed++) shifts.push((await linearGrowth([n], eps, seed))[0].shift);
    const mean = shifts.reduce((s, v) => s + v, 0) / draws;
    const sd = eps * SD_ABS_NORMAL * Math.sqrt(n);
    // the mean of 200 draws has standard error sd/√200; allow four of them
    expect(Math.abs(mean - predictedShift(eps, n))).toBeLessThan((4 * sd) / Math.sqrt(draws));
    const [lo, hi] = shiftBand(eps, n);
    const inside = shifts.filter((s) => s >= lo && s <= hi).length / draws;
    expect(inside).toBeGreaterThan(0.9);
    expect(inside).toBeLessThan(0.99);
  });

  it('is ε·m·n within 5 standard deviations all the way to n = 10⁷ (0.1 % there), with ‖η‖∞ still ε', async () => {
    const eps = ONE_GREY_LEVEL;
    const points = await linearGrowth(sweepDimensions([150_528]), eps, 1);
    expect(points.length).toBe(26);
    for (const p of points) {
      const sd = eps * SD_ABS_NORMAL * Math.sqrt(p.n);
      expect(Math.abs(p.shift - predictedShift(eps, p.n)), `n = ${p.n}`).toBeLessThan(5 * sd);
      expect(Math.abs(p.shift - eps * p.l1)).toBeLessThan(1e-6 * p.shift);
      expect(p.linf).toBeCloseTo(eps, 8);
      expect(Math.abs(p.l2 / (eps * Math.sqrt(p.n)) - 1)).toBeLessThan(1e-5);
    }
    const last = points[points.length - 1];
    expect(last.n).toBe(10_000_000);
    expect(Math.abs(last.shift / predictedShift(eps, last.n) - 1)).toBeLessThan(1e-3);
  });
});

describe('the softmax model’s logit shifts under FGSM (wasm, the shipped weights)', () => {
  let model: Model;
  let W: Float32Array;
  let b: Float32Array;
  const test = loadMnist('test');

  beforeAll(async () => {
    await initTf('wasm');
    model = await (await nodeModels('models')).model('softmax');
    W = (await model.params.W.data()) as Float32Array;
    b = (await model.params.b.data()) as Float32Array;
  });

  /** The FGSM η of one digit, from a float64 gradient of −log softmax(xW + b)[y] = W(p − e_y). */
  function referenceEta(x: Float32Array, y: number, eps: number, clip: boolean) {
    const z = Array.from({ length: 10 }, (_, k) => {
      let s = b[k];
      for (let i = 0; i < 784; i++) s += x[i] * W[i * 10 + k];
      return s;
    });
    const top = Math.max(...z);
    const e = z.map((v) => Math.exp(v - top));
    const total = e.reduce((s, v) => s + v, 0);
    const p = e.map((v) => v / total);
    const g = Array.from({ length: 784 }, (_, i) => {
      let s = 0;
      for (let k = 0; k < 10; k++) s += W[i * 10 + k] * (p[k] - (k === y ? 1 : 0));
      return s;
    });
    const eta = g.map((gi, i) => {
      const moved = x[i] + eps * Math.sign(gi);
      return (clip ? Math.min(1, Math.max(0, moved)) : moved) - x[i];
    });
    return { g, eta, z };
  }

  const dot = (eta: ArrayLike<number>, k: number) => {
    let s = 0;
    for (let i = 0; i < 784; i++) s += eta[i] * W[i * 10 + k];
    return s;
  };

  for (const [digit, eps] of [[0, 0.25], [1, 0.1], [4, ONE_GREY_LEVEL]] as const) {
    it(`digit ${digit}, ε = ${eps.toFixed(4)}: each logit moves by W's column · η, within ε‖W₍:,k₎‖₁`, async () => {
      const x = toFloat(test, digit, digit + 1);
      const y = test.labels[digit];
      const before = tf.memory().numTensors;
      const r = await logitShift(model.fns, model.params, x, y, eps);
      expect(tf.memory().numTensors).toBe(before);
      const ref = referenceEta(x, y, eps, true);
      const refUnclipped = referenceEta(x, y, eps, false);
      const gmax = Math.max(...ref.g.map(Math.abs));
      // the direction is the sign of the float64 gradient wherever that sign is not lost in float32 rounding
      const disagree: number[] = [];
      for (let i = 0; i < 784; i++) {
        if (Math.abs(ref.g[i]) > 1e-4 * gmax) expect(r.direction[i]).toBe(Math.sign(ref.g[i]));
        if (r.direction[i] !== Math.sign(ref.g[i])) disagree.push(i);
      }
      expect(disagree.length).toBeLessThan(4);
      const agree = 784 - disagree.length;
      for (let k = 0; k < 10; k++) {
        // the shift is the dot product of class k's weights with the η the library made …
        expect(r.shift[k]).toBeCloseTo(dot(r.eta, k), 3);
        // … which is the η rebuilt here, up to pixels whose gradient sign is a rounding call
        const slack = disagree.reduce((t, i) => t + 2 * eps * Math.abs(W[i * 10 + k]), 0);
        expect(Math.abs(r.shift[k] - dot(ref.eta, k))).toBeLessThan(1e-3 + slack);
        expect(Math.abs(r.shiftUnclipped[k] - dot(refUnclipped.eta, k))).toBeLessThan(1e-3 + slack);
        // a linear model's logits move by exactly that
        expect(r.logitChange[k]).toBeCloseTo(r.shift[k], 3);
        expect(r.cleanLogits[k]).toBeCloseTo(ref.z[k], 3);
        // and never by more than ε‖W₍:,k₎‖₁
        let col = 0;
        for (let i = 0; i < 784; i++) col += Math.abs(W[i * 10 + k]);
        expect(r.bound[k]).toBeCloseTo(eps * col, 3);
        expect(Math.abs(r.shiftUnclipped[k])).toBeLessThanOrEqual(r.bound[k] * (1 + 1e-5));
        expect(Math.abs(r.shift[k])).toBeLessThanOrEqual(r.bound[k] * (1 + 1e-5));
      }
      // the attack lowers the true class's logit relative to every other class
      for (let k = 0; k < 10; k++) if (k !== y) expect(r.shiftUnclipped[k]).toBeGreaterThan(r.shiftUnclipped[y]);

      // the budget: unclipped, every pixel with a non-zero gradient moves by exactly ε
      expect(r.budgetUnclipped.linf).toBeCloseTo(eps, 6);
      expect(r.budgetUnclipped.changed).toBe(ref.g.filter((v) => v !== 0).length);
      expect(r.budgetUnclipped.full).toBe(r.budgetUnclipped.changed);
      expect(r.budgetUnclipped.l1).toBeCloseTo(eps * r.budgetUnclipped.changed, 2);
      expect(r.budgetUnclipped.pixels).toBe(784);
      // clipped, pixels pushed past 0 or 1 move less or not at all
      const changed = r.eta.filter((v) => v !== 0).length;
      const full = r.eta.filter((v) => Math.abs(v) > eps - 1e-6).length;
      let l1 = 0;
      for (const v of r.eta) l1 += Math.abs(v);
      expect(r.budget.changed).toBe(changed);
      expect(r.budget.full).toBe(full);
      expect(r.budget.l1).toBeCloseTo(l1, 3);
      expect(r.budget.linf).toBeLessThanOrEqual(eps + 1e-6);
      expect(r.budget.changed).toBeLessThan(784);
      expect(Math.abs(changed - ref.eta.filter((v) => v !== 0).length)).toBeLessThanOrEqual(784 - agree);
    });
  }
});

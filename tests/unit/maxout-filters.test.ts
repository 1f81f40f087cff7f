/**
 * The localisation of first-layer filters (§6, the paper's Fig. 3), checked on
 * closed forms (a delta filter scores 1, a uniform one k²/784, a k × k block 1,
 * a pair of far-apart pixels 1/2) and against a per-window loop in float64.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { ensureQuickModels, QUICK } from './quick-models.ts';
import { nodeModels } from '../../scripts/lib/node-models.ts';
import { seeded } from '../../src/lib/random.ts';
import { filterLocalisation, unitFilters, unitOrder, windowLocalisation } from '../../src/lib/analysis/maxout-filters.ts';
import type { Model } from '../../src/lib/analysis/batch.ts';

let maxout: Model;
let pieces = 0;
beforeAll(async () => {
  ensureQuickModels();
  await initTf('wasm');
  maxout = await (await nodeModels(QUICK)).model('maxout');
  if (maxout.architecture.kind !== 'maxout') throw new Error('not a maxout network');
  pieces = maxout.architecture.pieces;
}, 300_000);

/** Filters as the columns of a [784, n] matrix. */
function columns(filters: number[][]): tf.Tensor2D {
  const n = filters.length;
  const out = new Float32Array(784 * n);
  filters.forEach((f, c) => f.forEach((v, i) => (out[i * n + c] = v)));
  return tf.tensor2d(out, [784, n]);
}
async function scores(filters: number[][], k: number): Promise<number[]> {
  const W = columns(filters);
  const t = windowLocalisation(W, k);
  const out = Array.from(await t.data());
  tf.dispose([W, t]);
  return out;
}
/** The same measure as a plain loop over every k × k window, in float64. */
function reference(f: ArrayLike<number>, k: number): number {
  let total = 0;
  for (let i = 0; i < 784; i++) total += f[i] * f[i];
  let best = 0;
  for (let r = 0; r + k <= 28; r++)
    for (let c = 0; c + k <= 28; c++) {
      let s = 0;
      for (let dr = 0; dr < k; dr++) for (let dc = 0; dc < k; dc++) s += f[(r + dr) * 28 + c + dc] ** 2;
      best = Math.max(best, s);
    }
  return total > 0 ? best / total : 0;
}

describe('window localisation', () => {
  it('a delta filter scores 1 and a uniform one k²/784, whatever the sign and scale', async () => {
    for (const k of [1, 3, 7, 10, 28]) {
      const delta = new Array(784).fill(0);
      delta[13 * 28 + 5] = -3.5;
      const corner = new Array(784).fill(0);
      corner[0] = 0.01;
      const uniform = new Array(784).fill(0.2);
      const signs = Array.from({ length: 784 }, (_, i) => (i % 3 ? 1.5 : -1.5));
      const [d, c, u, s] = await scores([delta, corner, uniform, signs], k);
      expect(d).toBeCloseTo(1, 4);
      expect(c).toBeCloseTo(1, 4);
      expect(u).toBeCloseTo((k * k) / 784, 4);
      expect(s).toBeCloseTo((k * k) / 784, 4);
    }
  });

  it('a k × k block scores 1; two far-apart equal pixels 1/2; zeros score 0', async () => {
    const block = new Array(784).fill(0);
    for (let r = 4; r < 11; r++) for (let c = 15; c < 22; c++) block[r * 28 + c] = 1 + ((r + c) % 2);
    const pair = new Array(784).fill(0);
    pair[0] = 2;
    pair[783] = -2;
    const [b7, p7, z] = await scores([block, pair, new Array(784).fill(0)], 7);
    expect(b7).toBeCloseTo(1, 5);
    expect(p7).toBeCloseTo(0.5, 5);
    expect(z).toBe(0);
    const [b6] = await scores([block], 6);
    expect(b6).toBeLessThan(1);
  });

  it('equals a per-window loop on random filters and on the maxout network’s own', async () => {
    const r = seeded(7);
    const random = Array.from({ length: 12 }, (_, j) => Array.from({ length: 784 }, (_, i) => r.normal() * (j % 2 ? Math.exp(-(((i % 28) - 14) ** 2) / 8) : 1)));
    for (const k of [4, 7]) {
      const got = await scores(random, k);
      random.forEach((f, j) => expect(Math.abs(got[j] - reference(f, k))).toBeLessThan(1e-5));
    }
    const W1 = maxout.params.W1 as tf.Tensor2D;
    const set = await filterLocalisation(W1, pieces, 7);
    const w = (await W1.data()) as Float32Array;
    const n = W1.shape[1];
    for (const c of [0, 1, 17, n - 1]) {
      const f = Array.from({ length: 784 }, (_, i) => w[i * n + c]);
      expect(Math.abs(set.localisation[c] - reference(f, 7))).toBeLessThan(1e-5);
    }
    // a unit's score is the mean of its pieces'
    const u = 3;
    const mean = Array.from({ length: pieces }, (_, p) => set.localisation[u * pieces + p]).reduce((a, b) => a + b, 0) / pieces;
    expect(set.unitLocalisation[u]).toBeCloseTo(mean, 6);
    const sorted = Array.from(set.localisation).sort((a, b) => a - b);
    expect(set.median).toBeCloseTo((sorted[n / 2 - 1] + sorted[n / 2]) / 2, 6);
    expect(set.p90).toBe(sorted[Math.floor(0.9 * (n - 1))]);
  });

  it('orders units and reads out their pieces; every tensor is freed; a bad window is refused', async () => {
    expect(unitOrder([0.1, 0.5, 0.3, 0.5], 'localisation')).toEqual([1, 3, 2, 0]);
    expect(unitOrder([0.1, 0.5, 0.3], 'unit')).toEqual([0, 1, 2]);
    const before = tf.memory().numTensors;
    const W1 = maxout.params.W1 as tf.Tensor2D;
    const w = (await W1.data()) as Float32Array;
    const n = W1.shape[1];
    const f = await unitFilters(W1, pieces, [2, 0]);
    expect(f.length).toBe(2 * pieces * 784);
    // unit 2, its last piece, pixel 100; then unit 0, piece 1, pixel 400
    expect(f[(pieces - 1) * 784 + 100]).toBe(w[100 * n + 2 * pieces + pieces - 1]);
    expect(f[(pieces + 1) * 784 + 400]).toBe(w[400 * n + 1]);
    await filterLocalisation(W1, pieces, 5);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => windowLocalisation(W1, 0)).toThrow(RangeError);
    expect(() => windowLocalisation(W1, 29)).toThrow(RangeError);
  });
});

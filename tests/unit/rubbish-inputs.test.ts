/**
 * Appendix A's rubbish inputs at any σ: a model that always answers uniformly
 * is never confident; the shallow softmax model's rate, confidence and class
 * counts equal a float64 per-input loop over its weights; σ scales the same
 * seeded draws; the figure's numbers are rows 18 and 20 of the reproduction.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { ensureQuickModels, QUICK } from './quick-models.ts';
import { nodeModels } from '../../scripts/lib/node-models.ts';
import type { Model } from '../../src/lib/analysis/batch.ts';
import type { ModelFunctions } from '../../src/lib/models/architectures.ts';
import { Reproduction, row18, row20, rubbish, rubbishInputs } from '../../src/lib/analysis/reproduce.ts';
import { rubbishFigure } from '../../src/lib/analysis/rubbish-inputs.ts';

let get: (name: string) => Promise<Model>;

beforeAll(async () => {
  ensureQuickModels();
  await initTf('wasm');
  const models = await nodeModels(QUICK);
  const cache = new Map<string, Promise<Model>>();
  get = (name) => {
    if (!cache.has(name)) cache.set(name, models.model(name));
    return cache.get(name)!;
  };
}, 300_000);

/** A model whose answer is 1/10 for every class, whatever the input. */
function uniformModel(name: string, output: 'softmax' | 'independent'): Model {
  const fns: ModelFunctions = {
    logits: (_p, x) => tf.tidy(() => tf.zeros([x.shape[0], 10]) as tf.Tensor2D),
    loss: () => tf.scalar(0),
    probabilities: (_p, x) => tf.tidy(() => tf.fill([x.shape[0], 10], 0.1) as tf.Tensor2D),
    shapes: () => ({}),
    output,
  };
  return { name, architecture: { kind: 'softmax', inputs: 784, classes: 10 }, fns, params: {} };
}

describe('rubbish inputs', () => {
  it('a model that always answers uniformly gives no confident answer: every rate is 0', async () => {
    const uniform = async (name: string) => uniformModel(name, name === 'rbf' ? 'independent' : 'softmax');
    const r = new Reproduction({ model: uniform, test: { pixels: new Float32Array(0), labels: new Uint8Array(0) }, rubbishCount: 200, rubbishSigma: 2 });
    for (const name of ['softmax', 'maxout', 'rbf']) {
      const s = await rubbish(r, name);
      expect(s.rate).toBe(0);
      expect(s.confidence).toBe(0);
      expect(s.confident).toBe(0);
      expect(s.count).toBe(200);
      expect(s.byClass).toEqual(new Array(10).fill(0));
    }
    for (const row of await row18(r)) expect(row.site).toBe(0);
    for (const row of await row20(r)) expect(row.site).toBe(0);
    const f = await rubbishFigure({ model: uniform, sigma: 1, count: 50, seed: 7 });
    for (const m of Object.values(f.models)) expect(m.rate).toBe(0);
    for (const a of Object.values(f.answers)) for (const p of a.confidence) expect(p).toBeCloseTo(0.1, 6);
  });

  it('σ scales the same seeded draws, and the seed picks them', () => {
    const one = rubbishInputs(20, 5);
    const three = rubbishInputs(20, 5, 3);
    for (let i = 0; i < one.length; i++) expect(three[i]).toBeCloseTo(3 * one[i], 5);
    expect(rubbishInputs(20, 6)).not.toEqual(one);
    expect(rubbishInputs(20, 5)).toEqual(one);
  });

  it('the softmax model’s rate, confidence and classes equal a float64 loop over its weights, at several σ', async () => {
    const m = await get('softmax');
    const W = (await m.params.W.data()) as Float32Array;
    const b = (await m.params.b.data()) as Float32Array;
    for (const sigma of [0.3, 1, 2.5]) {
      const n = 400;
      const f = await rubbishFigure({ model: get, sigma, count: n, seed: 11 });
      const x = rubbishInputs(n, 11, sigma);
      let confident = 0, conf = 0;
      const byClass = new Array(10).fill(0);
      for (let i = 0; i < n; i++) {
        const z = Array.from({ length: 10 }, (_, k) => {
          let s = b[k];
          for (let j = 0; j < 784; j++) s += x[i * 784 + j] * W[j * 10 + k];
          return s;
        });
        const mx = Math.max(...z);
        const e = z.map((v) => Math.exp(v - mx));
        const total = e.reduce((s, v) => s + v, 0);
        const p = Math.max(...e) / total;
        if (p > 0.5) {
          confident++;
          conf += p;
          byClass[z.indexOf(mx)]++;
        }
      }
      const s = f.models.softmax;
      // one input may sit on p = 0.5 within float32 rounding
      expect(Math.abs(s.confident - confident)).toBeLessThanOrEqual(1);
      expect(Math.abs(s.rate - (100 * confident) / n)).toBeLessThanOrEqual(100 / n + 1e-9);
      if (confident > 0) expect(Math.abs(s.confidence - (100 * conf) / confident)).toBeLessThan(0.5);
      expect(s.byClass.reduce((a, c, k) => a + Math.abs(c - byClass[k]), 0)).toBeLessThanOrEqual(2);
      // the figure's numbers are rows 18 and 20 at this σ
      const find = (metric: string) => f.rows.find((row) => row.metric.startsWith(metric))!;
      expect(find('confident answers, softmax').site).toBe(s.rate);
      expect(find('confident answers, maxout').site).toBe(f.models.maxout.rate);
      expect(find('confident answers, RBF').site).toBe(f.models.rbf.rate);
      expect(find('mean confidence of those, maxout').site).toBe(f.models.maxout.confidence);
      expect(find('share in class “8”').site).toBeCloseTo(f.models.maxout.confident ? (100 * f.models.maxout.byClass[8]) / f.models.maxout.confident : 0, 9);
      if (sigma !== 1) expect(find('confident answers, softmax').setting).toContain(`${sigma}²`);
      expect(f.images).toEqual(x.slice(0, 8 * 784));
      expect(f.answers.softmax.predicted.length).toBe(8);
    }
  });

  it('checks its options, reports progress, and frees every tensor', async () => {
    await expect(rubbishFigure({ model: get, sigma: 0, count: 10, seed: 1 })).rejects.toThrow('σ');
    await expect(rubbishFigure({ model: get, sigma: 1, count: 0, seed: 1 })).rejects.toThrow('count');
    await rubbishFigure({ model: get, sigma: 1, count: 10, seed: 1 });
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    await rubbishFigure({ model: get, sigma: 1.5, count: 300, seed: 3, onProgress: (f) => seen.push(f) });
    expect(tf.memory().numTensors).toBe(before);
    expect(seen.length).toBeGreaterThan(2);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
  });
});

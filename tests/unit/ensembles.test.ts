/**
 * §9's ensemble figure at any ε: its two numbers are row 17's, and both equal
 * a per-digit reference written here (FGSM by `fgsm` on one digit at a time,
 * the ensemble's answer as the mean of its members' softmax outputs, each
 * member run on its own); at ε = 0 every error is the clean error.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { ensureQuickModels, QUICK } from './quick-models.ts';
import { nodeModels } from '../../scripts/lib/node-models.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import type { Model } from '../../src/lib/analysis/batch.ts';
import { memberParams, modelFunctions } from '../../src/lib/models/architectures.ts';
import { fgsm } from '../../src/lib/attacks/fgsm.ts';
import { Reproduction, row17 } from '../../src/lib/analysis/reproduce.ts';
import { ensembleFigure } from '../../src/lib/analysis/ensembles.ts';

const N = 60;
const test = loadMnist('test');
const sample = { pixels: toFloat(test, 0, N), labels: test.labels.slice(0, N) };
let get: (name: string) => Promise<Model>;
let members: Model[];
let ensemble: Model;

beforeAll(async () => {
  ensureQuickModels();
  await initTf('wasm');
  const models = await nodeModels(QUICK);
  const cache = new Map<string, Promise<Model>>();
  get = (name) => {
    if (!cache.has(name)) cache.set(name, models.model(name));
    return cache.get(name)!;
  };
  ensemble = await get('ensemble');
  if (ensemble.architecture.kind !== 'ensemble') throw new Error('not an ensemble');
  const a = ensemble.architecture;
  members = Array.from({ length: a.members }, (_, i) => ({ name: `m${i + 1}`, architecture: a.member, fns: modelFunctions(a.member), params: memberParams(ensemble.params, i) }));
}, 300_000);

/** The ensemble's class for one input: the mean of the members' softmax outputs, member by member. */
async function ensembleClass(x: Float32Array): Promise<number> {
  const mean = new Array(10).fill(0);
  for (const m of members) {
    const p = tf.tidy(() => m.fns.probabilities(m.params, tf.tensor2d(x, [1, 784])));
    const v = await p.data();
    p.dispose();
    for (let k = 0; k < 10; k++) mean[k] += v[k] / members.length;
  }
  return mean.indexOf(Math.max(...mean));
}

/** Percent of digits the ensemble gets wrong after FGSM made on `source`, one digit at a time. */
async function reference(source: Model, epsilon: number, clip: boolean): Promise<number> {
  let wrong = 0;
  for (let i = 0; i < N; i++) {
    const x = tf.tensor2d(sample.pixels.subarray(i * 784, (i + 1) * 784), [1, 784]);
    const y = tf.tensor1d([sample.labels[i]], 'int32');
    const { direction, adversarial } = fgsm(source.fns, source.params, x, y, epsilon, { clip });
    const adv = (await adversarial.data()) as Float32Array;
    tf.dispose([x, y, direction, adversarial]);
    if ((await ensembleClass(adv)) !== sample.labels[i]) wrong++;
  }
  return (100 * wrong) / N;
}

describe('the ensemble figure', () => {
  it('is row 17 at its ε, and equals a per-digit reference on the whole ensemble and on member 1', async () => {
    for (const epsilon of [0.1, 0.25]) {
      const f = await ensembleFigure({ model: get, test: sample, epsilon });
      expect(f.members).toBe(members.length);
      const direct = await row17(new Reproduction({ model: get, test: sample, epsilon }));
      expect(f.rows.map((r) => [r.metric, r.site, r.siteUnclipped])).toEqual(direct.map((r) => [r.metric, r.site, r.siteUnclipped]));
      const whole = f.rows.find((r) => r.metric.includes('whole'))!;
      const one = f.rows.find((r) => r.metric.includes('one member'))!;
      expect(whole.paper).toBe(91.1);
      expect(one.paper).toBe(87.9);
      // a digit on a tie between batched and single products may differ: one digit in N
      const step = 100 / N + 1e-9;
      expect(Math.abs(whole.site - (await reference(ensemble, epsilon, true)))).toBeLessThanOrEqual(step);
      expect(Math.abs(whole.siteUnclipped - (await reference(ensemble, epsilon, false)))).toBeLessThanOrEqual(step);
      expect(Math.abs(one.site - (await reference(members[0], epsilon, true)))).toBeLessThanOrEqual(step);
      expect(Math.abs(one.siteUnclipped - (await reference(members[0], epsilon, false)))).toBeLessThanOrEqual(step);
    }
  });

  it('at ε = 0 every error is the clean error', async () => {
    const f = await ensembleFigure({ model: get, test: sample, epsilon: 0 });
    for (const r of f.rows) {
      expect(r.site).toBeCloseTo(f.clean, 9);
      expect(r.siteUnclipped).toBeCloseTo(f.clean, 9);
    }
    let wrong = 0;
    for (let i = 0; i < N; i++) if ((await ensembleClass(sample.pixels.subarray(i * 784, (i + 1) * 784))) !== sample.labels[i]) wrong++;
    expect(Math.abs(f.clean - (100 * wrong) / N)).toBeLessThanOrEqual(100 / N + 1e-9);
  });

  it('reports progress in order, frees every tensor, refuses a bad ε and stops when cancelled', async () => {
    await ensembleFigure({ model: get, test: sample, epsilon: 0.2 });
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    await ensembleFigure({ model: get, test: sample, epsilon: 0.3, onProgress: (f) => seen.push(f) });
    expect(tf.memory().numTensors).toBe(before);
    expect(seen.length).toBeGreaterThan(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    expect(seen[seen.length - 1]).toBe(1);
    await expect(ensembleFigure({ model: get, test: sample, epsilon: -1 })).rejects.toThrow('ε');
    await expect(ensembleFigure({ model: get, test: sample, epsilon: 0.25, cancelled: () => true })).rejects.toThrow('cancelled');
    expect(tf.memory().numTensors).toBe(before);
  });
});

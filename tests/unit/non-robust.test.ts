/**
 * D_det (Ilyas et al. 2019) on MNIST: the labelling (y + 1) mod 10, the
 * projected targeted attack (checked against the softmax model's gradient
 * written out in float64, and against a per-digit loop), the seeded student
 * and the whole experiment on a few digits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { ensureQuickModels, QUICK } from './quick-models.ts';
import { nodeModels } from '../../scripts/lib/node-models.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import type { Model } from '../../src/lib/analysis/batch.ts';
import { ddetExperiment, detTarget, detTargets, scoreOnTest, targetedAttack, trainStudent } from '../../src/lib/analysis/non-robust.ts';

const N = 60;
const trainSet = loadMnist('train');
const testSet = loadMnist('test');
const pixels = toFloat(trainSet, 0, N);
const labels = trainSet.labels.slice(0, N);
let softmax: Model;
let maxout: Model;

beforeAll(async () => {
  ensureQuickModels();
  await initTf('wasm');
  const models = await nodeModels(QUICK);
  softmax = await models.model('softmax');
  maxout = await models.model('maxout');
}, 300_000);

describe('the labelling of D_det', () => {
  it('labels every digit with the class after its own, (y + 1) mod 10', () => {
    expect(Array.from({ length: 10 }, (_, y) => detTarget(y))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 0]);
    const t = detTargets(labels);
    for (let i = 0; i < N; i++) {
      expect(t[i]).toBe((labels[i] + 1) % 10);
      expect(t[i]).not.toBe(labels[i]);
    }
  });
});

describe('the targeted attack', () => {
  it('one step on softmax regression is x − a·sign(W(p − e_t)) projected, as computed in float64', async () => {
    const W = (await softmax.params.W.data()) as Float32Array;
    const b = (await softmax.params.b.data()) as Float32Array;
    const eps = 0.1;
    const a = 0.04;
    const n = 10;
    const t = detTargets(labels.subarray(0, n));
    const r = await targetedAttack(softmax, pixels.slice(0, n * 784), t, { epsilon: eps, steps: 1, stepSize: a });
    let mismatched = 0;
    for (let i = 0; i < n; i++) {
      const x = pixels.subarray(i * 784, (i + 1) * 784);
      const z = Array.from({ length: 10 }, (_, k) => {
        let s = b[k];
        for (let j = 0; j < 784; j++) s += x[j] * W[j * 10 + k];
        return s;
      });
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const total = e.reduce((s, v) => s + v, 0);
      const d = e.map((v, k) => v / total - (k === t[i] ? 1 : 0));
      for (let j = 0; j < 784; j++) {
        let g = 0;
        for (let k = 0; k < 10; k++) g += W[j * 10 + k] * d[k];
        const want = Math.min(1, Math.max(0, Math.min(x[j] + eps, Math.max(x[j] - eps, x[j] - a * Math.sign(g)))));
        if (Math.abs(r.pixels[i * 784 + j] - want) > 1e-5) mismatched++;
      }
    }
    // a sign may differ only where the gradient is at float32 rounding level
    expect(mismatched).toBeLessThan(0.002 * n * 784);
  });

  it('reaches the target for most digits on the quick maxout model and never leaves the ε-ball or [0, 1]', async () => {
    const eps = 0.2;
    const t = detTargets(labels);
    const r = await targetedAttack(maxout, pixels, t, { epsilon: eps, steps: 10, batchSize: 25 });
    expect(r.reached / N).toBeGreaterThan(0.8);
    expect(r.maxChange).toBeLessThanOrEqual(eps + 1e-6);
    let worst = 0;
    for (let i = 0; i < pixels.length; i++) {
      worst = Math.max(worst, Math.abs(r.pixels[i] - pixels[i]));
      expect(r.pixels[i]).toBeGreaterThanOrEqual(0);
      expect(r.pixels[i]).toBeLessThanOrEqual(1);
    }
    expect(worst).toBeLessThanOrEqual(eps + 1e-6);
    expect(Math.abs(worst - r.maxChange)).toBeLessThan(1e-6);
    // the reported classes are the model's on the returned digits, and "reached" counts the targets among them
    const p = tf.tidy(() => tf.argMax(maxout.fns.logits(maxout.params, tf.tensor2d(r.pixels, [N, 784])), 1));
    const predicted = (await p.data()) as Int32Array;
    p.dispose();
    expect(Array.from(r.predicted)).toEqual(Array.from(predicted));
    expect(r.reached).toBe(Array.from(predicted).filter((c, i) => c === t[i]).length);
    // the same on the quick softmax model
    const s = await targetedAttack(softmax, pixels, t, { epsilon: eps, steps: 10 });
    expect(s.reached / N).toBeGreaterThan(0.8);
    expect(s.maxChange).toBeLessThanOrEqual(eps + 1e-6);
  });

  it('attacks each digit as it would alone (batches do not mix), and ε = 0 changes nothing', async () => {
    const n = 6;
    const t = detTargets(labels.subarray(0, n));
    const batched = await targetedAttack(maxout, pixels.slice(0, n * 784), t, { epsilon: 0.15, steps: 4 });
    for (let i = 0; i < n; i++) {
      const one = await targetedAttack(maxout, pixels.slice(i * 784, (i + 1) * 784), [t[i]], { epsilon: 0.15, steps: 4 });
      let diff = 0;
      for (let j = 0; j < 784; j++) diff = Math.max(diff, Math.abs(one.pixels[j] - batched.pixels[i * 784 + j]));
      expect(diff).toBeLessThan(1e-5);
      expect(one.predicted[0]).toBe(batched.predicted[i]);
    }
    const none = await targetedAttack(maxout, pixels.slice(0, n * 784), t, { epsilon: 0, steps: 3 });
    expect(none.maxChange).toBe(0);
  });

  it('frees every tensor', async () => {
    const before = tf.memory().numTensors;
    await targetedAttack(maxout, pixels.slice(0, 10 * 784), detTargets(labels.subarray(0, 10)), { epsilon: 0.1, steps: 2 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the student', () => {
  it('is seeded (two runs agree) and learns real digits with their true labels', async () => {
    const n = 1000;
    const data = { pixels: toFloat(trainSet, 0, n), labels: trainSet.labels.slice(0, n) };
    const before = tf.memory().numTensors;
    const a = await trainStudent('softmax', data, { epochs: 8, seed: 5 });
    const b = await trainStudent('softmax', data, { epochs: 8, seed: 5 });
    const [wa, wb] = await Promise.all([a.params.W.data(), b.params.W.data()]);
    expect(Array.from(wa)).toEqual(Array.from(wb));
    const test = { pixels: toFloat(testSet, 0, 500), labels: testSet.labels.slice(0, 500) };
    const score = await scoreOnTest(a, test);
    expect(score.accuracy).toBeGreaterThan(75);
    // the accuracy is the share of test digits predicted as their label, counted digit by digit
    let right = 0;
    for (let i = 0; i < 500; i++) {
      const p = tf.tidy(() => tf.argMax(a.fns.logits(a.params, tf.tensor2d(test.pixels.subarray(i * 784, (i + 1) * 784), [1, 784])), 1));
      if ((await p.data())[0] === test.labels[i]) right++;
      p.dispose();
    }
    expect(score.accuracy).toBeCloseTo((100 * right) / 500, 6);
    tf.dispose([...Object.values(a.params), ...Object.values(b.params)]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the experiment', () => {
  it('runs end to end on a few digits, reports its stages in order and frees its tensors', async () => {
    const n = 100;
    const train = { pixels: toFloat(trainSet, 0, n), labels: trainSet.labels.slice(0, n) };
    const test = { pixels: toFloat(testSet, 0, 200), labels: testSet.labels.slice(0, 200) };
    const before = tf.memory().numTensors;
    const stages: string[] = [];
    let last = -1;
    const r = await ddetExperiment(softmax, train, test, {
      epsilon: 0.2,
      steps: 3,
      student: 'softmax',
      epochs: 2,
      seed: 1,
      control: true,
      keep: 4,
      onProgress: (f, _label, stage) => {
        expect(f).toBeGreaterThanOrEqual(last - 1e-9);
        last = f;
        if (stages[stages.length - 1] !== stage) stages.push(stage);
      },
    });
    expect(stages).toEqual(['attack', 'train', 'test']);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.count).toBe(n);
    expect(r.test.count).toBe(200);
    expect(r.control).not.toBeNull();
    expect(r.maxChange).toBeLessThanOrEqual(0.2 + 1e-6);
    expect(Array.from(r.examples.targets)).toEqual(Array.from(train.labels.slice(0, 4), (y) => (y + 1) % 10));
    expect(r.examples.adversarial.length).toBe(4 * 784);
    const again = await ddetExperiment(softmax, train, test, { epsilon: 0.2, steps: 3, student: 'softmax', epochs: 2, seed: 1 });
    expect(again.test.accuracy).toBe(r.test.accuracy);
    expect(again.reachedTarget).toBe(r.reachedTarget);
  });

  it('stops when cancelled', async () => {
    const train = { pixels: toFloat(trainSet, 0, 50), labels: trainSet.labels.slice(0, 50) };
    const before = tf.memory().numTensors;
    let calls = 0;
    await expect(
      ddetExperiment(softmax, train, train, { epsilon: 0.1, steps: 5, student: 'softmax', epochs: 1, seed: 1, cancelled: () => ++calls > 2 }),
    ).rejects.toThrow('cancelled');
    expect(tf.memory().numTensors).toBe(before);
  });
});

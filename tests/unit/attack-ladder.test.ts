/**
 * The attack ladder (src/lib/analysis/attack-ladder.ts) on the quick models,
 * against direct calls of the attacks it is made of (fgsm, rfgsm, pgd, pgdWorst
 * on the whole batch) and errors counted here, digit by digit, from a separate
 * forward pass; and against what must hold whatever the model: at ε = 0 every
 * rung is the clean error, and the worst of five restarts leaves no digit more
 * probability on its true class than PGD-40 alone.
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
import { pgd, pgdWorst, rfgsm } from '../../src/lib/attacks/pgd.ts';
import { attackLadder, LADDER, LADDER_SEED, ladderDigit, ladderRung } from '../../src/lib/analysis/attack-ladder.ts';

const N = 40;
const EPS = 0.2;
const test = loadMnist('test');
const pixels = toFloat(test, 0, N);
const labels = test.labels.slice(0, N);
const sample = { pixels, labels };
let model: Model;
let softmax: Model;

beforeAll(async () => {
  ensureQuickModels();
  await initTf('wasm');
  const loaded = await nodeModels(QUICK);
  model = await loaded.model('maxout-adv');
  softmax = await loaded.model('softmax');
}, 300_000);

/** Percent of the digits the model gets wrong on these images, one digit at a time. */
async function errorOf(m: Model, images: tf.Tensor2D | Float32Array, n = N): Promise<{ error: number; trueP: number[] }> {
  const data = images instanceof Float32Array ? images : ((await images.data()) as Float32Array);
  let wrong = 0;
  const trueP: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = tf.tidy(() => m.fns.probabilities(m.params, tf.tensor2d(data.subarray(i * 784, (i + 1) * 784), [1, 784])));
    const v = Array.from(await p.data());
    p.dispose();
    if (v.indexOf(Math.max(...v)) !== labels[i]) wrong++;
    trueP.push(v[labels[i]]);
  }
  return { error: (100 * wrong) / n, trueP };
}

function batch() {
  return { x: tf.tensor2d(pixels, [N, 784]), y: tf.tensor1d(Array.from(labels), 'int32') };
}

describe('the attack ladder', () => {
  it('has the rungs of the figure, in order, with their cost in gradients per digit', () => {
    expect(LADDER.map((r) => r.id)).toEqual(['clean', 'fgsm', 'rfgsm', 'pgd-1', 'pgd-2', 'pgd-5', 'pgd-10', 'pgd-20', 'pgd-40', 'pgd-40x5']);
    expect(LADDER.map((r) => r.gradients)).toEqual([0, 1, 1, 1, 2, 5, 10, 20, 40, 200]);
  });

  it('the FGSM and R+FGSM rungs are the errors of fgsm and rfgsm (α = ε/2) called on the batch', async () => {
    const { x, y } = batch();
    const f = fgsm(model.fns, model.params, x, y, EPS, { clip: true });
    const r = rfgsm(model.fns, model.params, x, y, EPS, EPS / 2, LADDER_SEED, { clip: true });
    const want = { fgsm: (await errorOf(model, f.adversarial)).error, rfgsm: (await errorOf(model, r)).error };
    const got = {
      fgsm: (await ladderRung(model, sample, EPS, 'fgsm')).result,
      rfgsm: (await ladderRung(model, sample, EPS, 'rfgsm')).result,
    };
    expect(got.fgsm.error).toBe(want.fgsm);
    expect(got.rfgsm.error).toBe(want.rfgsm);
    expect(got.fgsm.count).toBe(N);
    expect((await ladderRung(model, sample, EPS, 'clean')).result.error).toBe((await errorOf(model, pixels)).error);
    tf.dispose([x, y, f.direction, f.adversarial, r]);
  });

  it('a PGD rung is pgd with k steps of 2.5ε/k from the seeded random start, image for image', async () => {
    const { x, y } = batch();
    for (const k of [1, 5]) {
      const direct = pgd(model.fns, model.params, x, y, { epsilon: EPS, stepSize: (2.5 * EPS) / k, steps: k, randomStart: true, seed: LADDER_SEED, clip: true });
      const want = (await direct.data()) as Float32Array;
      const rung = await ladderRung(model, sample, EPS, `pgd-${k}`);
      let maxDiff = 0;
      for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(want[i] - rung.images[i]));
      expect(maxDiff, `pgd-${k}`).toBe(0);
      expect(rung.result.error).toBe((await errorOf(model, direct)).error);
      // every image in the ε-ball and in [0, 1]
      for (let i = 0; i < want.length; i++) {
        expect(Math.abs(rung.images[i] - pixels[i])).toBeLessThanOrEqual(EPS + 1e-6);
        expect(rung.images[i]).toBeGreaterThanOrEqual(0);
        expect(rung.images[i]).toBeLessThanOrEqual(1);
      }
      direct.dispose();
    }
    tf.dispose([x, y]);
  });

  it('the restarts rung reusing PGD-40 equals five restarts of pgdWorst, and is never weaker than PGD-40 on any digit', async () => {
    // the first 12 digits: 480 gradient passes each for the direct run and the ladder's
    const n = 12;
    const small = { pixels: pixels.slice(0, n * 784), labels: labels.slice(0, n) };
    const x = tf.tensor2d(small.pixels, [n, 784]);
    const y = tf.tensor1d(Array.from(small.labels), 'int32');
    const direct = await pgdWorst(model.fns, model.params, x, y, { epsilon: EPS, stepSize: (2.5 * EPS) / 40, steps: 40, randomStart: true, seed: LADDER_SEED, restarts: 5 });
    const want = (await direct.data()) as Float32Array;
    const pgd40 = await ladderRung(model, small, EPS, 'pgd-40');
    const reused = await ladderRung(model, small, EPS, 'pgd-40x5', {}, pgd40.images);
    expect(Array.from(reused.images)).toEqual(Array.from(want));
    const one = (await errorOf(model, pgd40.images, n)).trueP;
    const worst = await errorOf(model, reused.images, n);
    expect(reused.result.error).toBe(worst.error);
    worst.trueP.forEach((p, i) => expect(p, `digit ${i}`).toBeLessThanOrEqual(one[i]));
    expect(reused.result.trueProbability).toBeLessThanOrEqual(pgd40.result.trueProbability);
    tf.dispose([x, y, direct]);
  });

  it('at ε = 0 every rung is the clean error; the whole ladder reports every rung in order, and its batches do not change FGSM', async () => {
    const zero = await attackLadder(softmax, sample, 0);
    const clean = (await errorOf(softmax, pixels)).error;
    expect(zero.rungs.map((r) => r.id)).toEqual(LADDER.map((r) => r.id));
    for (const r of zero.rungs) expect(r.error, r.id).toBe(clean);
    const fractions: number[] = [];
    const ladder = await attackLadder(softmax, sample, 0.1, { batchSize: 15, onProgress: (f) => fractions.push(f) });
    expect(fractions.every((f, i) => f >= 0 && f <= 1 + 1e-9 && (i === 0 || f >= fractions[i - 1] - 1e-9))).toBe(true);
    expect(fractions[fractions.length - 1]).toBeCloseTo(1, 6);
    const { x, y } = batch();
    const f = fgsm(softmax.fns, softmax.params, x, y, 0.1, { clip: true });
    expect(ladder.rungs[1].error).toBe((await errorOf(softmax, f.adversarial)).error);
    tf.dispose([x, y, f.direction, f.adversarial]);
  });

  it('stops with a cancellation between steps, and leaves no tensor behind, cancelled or not', async () => {
    const before = tf.memory().numTensors;
    let calls = 0;
    await expect(ladderRung(model, sample, EPS, 'pgd-20', { cancelled: () => ++calls > 3 })).rejects.toThrow('cancelled');
    expect(tf.memory().numTensors).toBe(before);
    await ladderRung(model, sample, EPS, 'rfgsm');
    await ladderRung(model, { pixels: pixels.slice(0, 5 * 784), labels: labels.slice(0, 5) }, EPS, 'pgd-2');
    await ladderDigit(model, pixels.slice(0, 784), labels[0], EPS);
    expect(tf.memory().numTensors).toBe(before);
    await expect(ladderRung(model, sample, EPS, 'nonsense')).rejects.toThrow('no rung named');
    await expect(ladderRung(model, sample, 2, 'fgsm')).rejects.toThrow('ε must be');
  });

  it('one digit: its FGSM image is fgsm’s, its PGD image is pgd’s, and the loss is traced at the start and after each of the 40 steps', async () => {
    const i = 3;
    const one = pixels.slice(i * 784, (i + 1) * 784);
    const d = await ladderDigit(model, one, labels[i], EPS);
    const x = tf.tensor2d(one, [1, 784]);
    const y = tf.tensor1d([labels[i]], 'int32');
    const f = fgsm(model.fns, model.params, x, y, EPS, { clip: true });
    const p = pgd(model.fns, model.params, x, y, { epsilon: EPS, stepSize: (2.5 * EPS) / 40, steps: 40, randomStart: true, seed: LADDER_SEED, clip: true });
    expect(Array.from(d.fgsm.image)).toEqual(Array.from(await f.adversarial.data()));
    expect(Array.from(d.pgd.image)).toEqual(Array.from(await p.data()));
    const loss = async (t: tf.Tensor2D) => {
      const l = model.fns.loss(model.params, t, y);
      const v = (await l.data())[0];
      l.dispose();
      return v;
    };
    expect(d.trace.loss.length).toBe(41);
    expect(d.trace.loss[40]).toBeCloseTo(await loss(p), 5);
    expect(d.pgd.loss).toBeCloseTo(await loss(p), 5);
    expect(d.fgsm.loss).toBeCloseTo(await loss(f.adversarial), 5);
    expect(d.clean.loss).toBeCloseTo(await loss(x), 5);
    // the true-class probability along the way is exp(−loss) for a softmax model
    d.trace.loss.forEach((l, k) => expect(d.trace.trueProbability[k]).toBeCloseTo(Math.exp(-l), 4));
    expect(d.label).toBe(labels[i]);
    tf.dispose([x, y, f.direction, f.adversarial, p]);
  });
});

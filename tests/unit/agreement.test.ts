/**
 * §8's agreement figure: the effective linear weights against the closed form
 * of softmax regression (W_c − mean_k W_k, float64 here) and against a
 * per-digit loop on the maxout network; the agreement numbers are row 15's, and
 * each model's error is the error of that model on FGSM examples made directly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { ensureQuickModels, QUICK } from './quick-models.ts';
import { nodeModels } from '../../scripts/lib/node-models.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import type { Model } from '../../src/lib/analysis/batch.ts';
import { Reproduction, row15 } from '../../src/lib/analysis/reproduce.ts';
import { fgsm } from '../../src/lib/attacks/fgsm.ts';
import { agreementFigure, cosine, effectiveWeights, readerOnMaxout, weightSimilarities } from '../../src/lib/analysis/agreement.ts';

const N = 60;
const test = loadMnist('test');
const sample = { pixels: toFloat(test, 0, N), labels: test.labels.slice(0, N) };
let models: Awaited<ReturnType<typeof nodeModels>>;
let softmax: Model;
let maxout: Model;

beforeAll(async () => {
  ensureQuickModels();
  await initTf('wasm');
  models = await nodeModels(QUICK);
  softmax = await models.model('softmax');
  maxout = await models.model('maxout');
}, 300_000);

describe('effective linear weights', () => {
  it('of softmax regression are W_c − mean_k W_k, for every class present', async () => {
    const W = (await softmax.params.W.data()) as Float32Array; // 784 × 10
    const e = await effectiveWeights(softmax, sample, { batchSize: 17 });
    const counts = new Array(10).fill(0);
    for (const l of sample.labels) counts[l]++;
    expect(Array.from(e.counts)).toEqual(counts);
    let worst = 0;
    for (let c = 0; c < 10; c++) {
      if (!counts[c]) continue;
      for (let i = 0; i < 784; i++) {
        let mean = 0;
        for (let k = 0; k < 10; k++) mean += W[i * 10 + k] / 10;
        const want = W[i * 10 + c] - mean;
        worst = Math.max(worst, Math.abs(e.weights[c * 784 + i] - want));
      }
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('of the maxout network are the per-class mean of per-digit gradients', async () => {
    const e = await effectiveWeights(maxout, sample, { batchSize: 25 });
    const sums = Array.from({ length: 10 }, () => new Float64Array(784));
    for (let d = 0; d < N; d++) {
      const y = sample.labels[d];
      const g = tf.tidy(() =>
        tf.grad((x: tf.Tensor) => {
          const z = maxout.fns.logits(maxout.params, x as tf.Tensor2D).squeeze() as tf.Tensor1D;
          return tf.sub(tf.sum(tf.slice(z, [y], [1])), tf.mean(z));
        })(tf.tensor2d(sample.pixels.subarray(d * 784, (d + 1) * 784), [1, 784])),
      );
      const v = (await g.data()) as Float32Array;
      g.dispose();
      for (let i = 0; i < 784; i++) sums[y][i] += v[i];
    }
    let worst = 0, scale = 0;
    for (let c = 0; c < 10; c++) {
      if (!e.counts[c]) continue;
      for (let i = 0; i < 784; i++) {
        const want = sums[c][i] / e.counts[c];
        worst = Math.max(worst, Math.abs(e.weights[c * 784 + i] - want));
        scale = Math.max(scale, Math.abs(want));
      }
    }
    expect(worst).toBeLessThan(1e-4 * scale);
  });

  it('cosines: a model against itself is 1, the pairs are as named', async () => {
    expect(cosine([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([1, 0], [-1, 0])).toBe(-1);
    const e = await effectiveWeights(softmax, sample);
    const s = weightSimilarities({ maxout: e, softmax: e, rbf: e });
    expect(s.map((x) => x.pair)).toEqual([['maxout', 'softmax'], ['maxout', 'rbf'], ['softmax', 'rbf']]);
    for (const x of s) {
      expect(x.overall).toBeCloseTo(1, 6);
      x.perClass.forEach((v, c) => expect(v).toBeCloseTo(e.counts[c] ? 1 : 0, 6));
    }
  });
});

describe('the agreement figure', () => {
  it('shows row 15 as reproduce.ts computes it, and each model’s error on maxout’s FGSM examples', async () => {
    const options = { model: (n: string) => models.model(n), test: sample };
    const fig = await agreementFigure(new Reproduction(options));
    expect(fig.rows).toEqual(await row15(new Reproduction(options)));
    expect(fig.sample).toBe(N);
    // the examples, made here directly with FGSM on maxout
    const x = tf.tensor2d(sample.pixels, [N, 784]);
    const y = tf.tensor1d(Array.from(sample.labels), 'int32');
    for (const clip of [true, false]) {
      const { direction, adversarial } = fgsm(maxout.fns, maxout.params, x, y, 0.25, { clip });
      for (const name of ['maxout', 'softmax', 'rbf'] as const) {
        const m = await models.model(name);
        const p = tf.tidy(() => tf.argMax(m.fns.logits(m.params, adversarial), 1));
        const pred = (await p.data()) as Int32Array;
        p.dispose();
        let wrong = 0;
        for (let i = 0; i < N; i++) if (pred[i] !== sample.labels[i]) wrong++;
        expect(fig.errors[name][clip ? 'clipped' : 'unclipped']).toBeCloseTo((100 * wrong) / N, 9);
      }
      tf.dispose([direction, adversarial]);
    }
    tf.dispose([x, y]);
    expect(fig.similarities).toHaveLength(3);
    for (const s of fig.similarities) for (const v of s.perClass) expect(Math.abs(v)).toBeLessThanOrEqual(1 + 1e-9);
  }, 120_000);
});

describe('one more reader of maxout’s examples (a model the reader brings)', () => {
  it('counts as row 15 does: softmax as the extra reader gives row 15’s softmax numbers and the figure’s cosines', async () => {
    const options = { model: (n: string) => models.model(n), test: sample };
    const fig = await agreementFigure(new Reproduction(options));
    const mine = await readerOnMaxout(new Reproduction(options), 'softmax');
    const row = (re: RegExp) => fig.rows.find((r) => re.test(r.metric))!;
    expect(mine.sample).toBe(N);
    for (const clip of ['clipped', 'unclipped'] as const) {
      const key = clip === 'clipped' ? 'site' : 'siteUnclipped';
      expect(mine.error[clip]).toBe(fig.errors.softmax[clip]);
      expect(mine.picksMaxoutClass[clip]).toBe(row(/maxout errs: softmax picks/)[key]);
      expect(mine.agreesWhenBothErr.maxout[clip]).toBe(row(/both err: softmax agrees with maxout/)[key]);
      expect(mine.agreesWhenBothErr.rbf[clip]).toBe(row(/both err: RBF agrees with softmax/)[key]);
      expect(mine.agreesWhenBothErr.softmax[clip]).toBe(100);
    }
    expect(mine.similarities.map((x) => x.other)).toEqual(['maxout', 'softmax', 'rbf']);
    expect(mine.similarities[0].overall).toBeCloseTo(fig.similarities.find((x) => x.pair.join() === 'maxout,softmax')!.overall, 9);
    expect(mine.similarities[2].overall).toBeCloseTo(fig.similarities.find((x) => x.pair.join() === 'softmax,rbf')!.overall, 9);
    expect(mine.similarities[1].overall).toBeCloseTo(1, 6);
  }, 120_000);
});

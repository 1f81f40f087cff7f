/**
 * §7: the RBF unit's confidence against its closed form, the 2-D toy's
 * ordering (far from the data the RBF model is less sure than the linear one),
 * and the MNIST histograms against a per-digit count.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { ensureQuickModels, QUICK } from './quick-models.ts';
import { nodeModels } from '../../scripts/lib/node-models.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import { Reproduction, row14, row14Additions } from '../../src/lib/analysis/reproduce.ts';
import { confidenceHistogram, rbfImmunity } from '../../src/lib/analysis/rbf-immunity.ts';
import { confidenceMap, probabilitiesAt, rbfUnit, toyBlobs, toyFgsm, trainToy, type PlainParams, type TrainedToy } from '../../src/lib/analysis/rbf-toy.ts';

let linear: TrainedToy;
let rbf: TrainedToy;
const data = toyBlobs(1);

beforeAll(async () => {
  ensureQuickModels();
  await initTf('wasm');
  linear = await trainToy('linear', data, 1);
  rbf = await trainToy('rbf', data, 1);
}, 300_000);

const plain = (mu: number[], gamma: number[]): PlainParams => ({ mu: { values: Float32Array.from(mu), shape: [2, 2] }, gamma: { values: Float32Array.from(gamma), shape: [2, 2] } });

describe('the RBF unit', () => {
  it('gives exp(−Σ γ²(x − μ)²), decaying as exp(−β t²) along any ray from μ', async () => {
    // [inputs, classes]: unit 0 at μ = (1, −2) with γ = (0.5, 1.5); unit 1 at (0, 0) with γ = (1, 1)
    const params = plain([1, 0, -2, 0], [0.5, 1, 1.5, 1]);
    const mu0 = [1, -2], g0 = [0.5, 1.5];
    for (const dir of [[1, 0], [0, 1], [0.6, -0.8]]) {
      const beta = g0[0] ** 2 * dir[0] ** 2 + g0[1] ** 2 * dir[1] ** 2;
      const ts = [0, 0.5, 1, 2, 3];
      const pts = Float32Array.from(ts.flatMap((t) => [mu0[0] + t * dir[0], mu0[1] + t * dir[1]]));
      const p = await probabilitiesAt('rbf', params, pts);
      ts.forEach((t, i) => {
        const closed = Math.exp(-beta * t * t);
        expect(p[2 * i]).toBeCloseTo(closed, 5);
        expect(p[2 * i]).toBeCloseTo(rbfUnit([pts[2 * i], pts[2 * i + 1]], mu0, g0), 5);
        if (i > 0) expect(p[2 * i]).toBeLessThan(p[2 * (i - 1)]);
      });
      expect(p[0]).toBeCloseTo(1, 6);
    }
    // the two outputs are independent: they need not add up to one
    const far = await probabilitiesAt('rbf', params, Float32Array.from([10, 10]));
    expect(far[0] + far[1]).toBeLessThan(1e-10);
  });
});

describe('the 2-D toy', () => {
  it('both models learn the blobs', () => {
    expect(linear.accuracy).toBeGreaterThan(95);
    expect(rbf.accuracy).toBeGreaterThan(95);
    expect(linear.losses[linear.losses.length - 1]).toBeLessThan(linear.losses[0]);
    expect(rbf.losses[rbf.losses.length - 1]).toBeLessThan(rbf.losses[0]);
  });

  it('far from the data the RBF model is less sure than the linear one; at the data both are sure', async () => {
    const far = Float32Array.from([6, 6, -6, -6, 6, -6, -6, 6, 0, 6, 5, 0]);
    const pl = await probabilitiesAt('linear', linear.params, far);
    const pr = await probabilitiesAt('rbf', rbf.params, far);
    for (let i = 0; i < far.length / 2; i++) {
      const cl = Math.max(pl[2 * i], pl[2 * i + 1]);
      const cr = Math.max(pr[2 * i], pr[2 * i + 1]);
      expect(cr).toBeLessThan(cl);
    }
    // along the line between the blobs and beyond, the linear model's confidence only grows; the RBF model's peaks and falls
    const ray = Float32Array.from([2, 2, 4, 4, 6, 6, 8, 8]);
    const l = await probabilitiesAt('linear', linear.params, ray);
    const r = await probabilitiesAt('rbf', rbf.params, ray);
    for (let i = 1; i < 4; i++) {
      expect(l[2 * i + 1]).toBeGreaterThanOrEqual(l[2 * (i - 1) + 1]);
      expect(r[2 * i + 1]).toBeLessThan(r[2 * (i - 1) + 1]);
    }
    // the map's corners agree with the points
    const map = await confidenceMap('rbf', rbf.params, 5);
    const corner = await probabilitiesAt('rbf', rbf.params, Float32Array.from([-6, 6]));
    expect(map.confidence[0]).toBeCloseTo(Math.max(corner[0], corner[1]), 6);
  });

  it('an FGSM step moves every coordinate by ε against the closed-form gradient sign, and a long one leaves the RBF model unsure', async () => {
    const x: [number, number] = [data.points[2], data.points[3]];
    const y = data.labels[1];
    // linear: ∂J/∂x = W (p − e_y), written out
    const W = linear.params.W.values, b = linear.params.b.values;
    const z = [0, 1].map((k) => x[0] * W[k] + x[1] * W[2 + k] + b[k]);
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    const p = e.map((v) => v / (e[0] + e[1]));
    const g = [0, 1].map((j) => [0, 1].reduce((s, k) => s + W[2 * j + k] * (p[k] - (k === y ? 1 : 0)), 0));
    const step = await toyFgsm('linear', linear.params, x, y, 1.5);
    [0, 1].forEach((j) => expect(step.to[j]).toBeCloseTo(x[j] + 1.5 * Math.sign(g[j]), 5));
    const long = [await toyFgsm('linear', linear.params, x, y, 5.5), await toyFgsm('rbf', rbf.params, x, y, 5.5)];
    expect(Math.max(...long[0].after)).toBeGreaterThan(0.99);
    expect(Math.max(...long[1].after)).toBeLessThan(0.05);
    expect(Math.max(...long[1].after)).toBeLessThan(Math.max(...long[1].before));
  });

  it('training, maps and steps free every tensor; the same seed trains the same models', async () => {
    const before = tf.memory().numTensors;
    const again = await trainToy('rbf', data, 1);
    await confidenceMap('linear', linear.params, 11);
    await toyFgsm('rbf', rbf.params, [0, 0], 0, 1);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(again.params.mu.values)).toEqual(Array.from(rbf.params.mu.values));
    expect(Array.from(toyBlobs(2).points.slice(0, 4))).not.toEqual(Array.from(data.points.slice(0, 4)));
  });
});

describe('the MNIST panel', () => {
  it('bins confidences by decade fraction, split by right and wrong', () => {
    const h = confidenceHistogram([1, 0.5, 1e-3, 1e-9, 0], [true, false, true, false, true], -8, 4);
    expect(h.right.length).toBe(32);
    expect(h.right[31]).toBe(1); // p = 1
    expect(h.wrong[Math.floor((Math.log10(0.5) + 8) * 4)]).toBe(1);
    expect(h.right[(-3 + 8) * 4]).toBe(1);
    expect(h.wrong[0]).toBe(1); // below 1e-8
    expect(h.right[0]).toBe(1); // 0
  });

  it('uses row 14 of the reproduction and counts every digit once, per a per-digit loop', async () => {
    const models = await nodeModels(QUICK);
    const test = loadMnist('test');
    const n = 200;
    const sample = { pixels: toFloat(test, 0, n), labels: test.labels.slice(0, n) };
    const r = new Reproduction({ model: models.model, test: sample });
    const got = await rbfImmunity(r);
    const direct = await row14(new Reproduction({ model: models.model, test: sample }));
    const additions = await row14Additions(new Reproduction({ model: models.model, test: sample }));
    // the paper's three metrics, then the wider RBF network's four beside them
    expect(additions.map((a) => a.metric)).toEqual(['FGSM error, rbf-wide', 'confidence on mistakes, rbf-wide', 'mean confidence on clean digits, rbf-wide', 'clean error, rbf-wide']);
    expect(got.rows).toEqual([...direct, ...additions]);
    const total = (h: { right: number[]; wrong: number[] }) => h.right.reduce((a, b) => a + b, 0) + h.wrong.reduce((a, b) => a + b, 0);
    expect(total(got.clean)).toBe(n);
    expect(total(got.fgsm)).toBe(n);
    // wrong FGSM digits: their count is row 14's error
    const wrong = got.fgsm.wrong.reduce((a, b) => a + b, 0);
    expect((100 * wrong) / n).toBeCloseTo(direct[0].site, 6);
    // clean error per digit
    const m = await models.model('rbf');
    let errs = 0;
    for (let i = 0; i < n; i++) {
      const p = tf.tidy(() => m.fns.probabilities(m.params, tf.tensor2d(sample.pixels.subarray(i * 784, (i + 1) * 784), [1, 784])));
      const v = Array.from(await p.data());
      p.dispose();
      if (v.indexOf(Math.max(...v)) !== sample.labels[i]) errs++;
    }
    expect(got.rbfCleanError).toBeCloseTo((100 * errs) / n, 6);
  }, 120_000);
});

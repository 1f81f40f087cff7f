import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initTf } from './setup-tf.ts';
import { recipes } from '../../scripts/lib/recipes.ts';
import { trainRecipe, type DataSets } from '../../scripts/lib/trainer.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import { logisticAdversarialObjective, logisticL1Objective, ordinaryObjective, softplus } from '../../src/lib/train/objectives.ts';
import { modelFunctions } from '../../src/lib/models/architectures.ts';
import { fgsm } from '../../src/lib/attacks/fgsm.ts';
import { seeded } from '../../src/lib/random.ts';
import { maxoutLayer, maxoutLayerAutodiff } from '../../src/lib/models/maxout.ts';

beforeAll(async () => {
  await initTf('wasm');
});

describe('the §5 adversarial logistic objective, in its correct form', () => {
  it('equals the loss at the explicitly perturbed input x − ε y sign(w), for y = 1 and y = −1', async () => {
    const w = [0.5, -1.5, 2, 0, -0.25];
    const b = 0.3;
    const eps = 0.1;
    const params = { w: tf.tensor2d(w, [5, 1]), b: tf.tensor1d([b]) };
    const xs = [[0.1, 0.9, 0.3, 0.5, 0.2], [0.7, 0.2, 0.1, 0.4, 0.9]];
    for (const [k, x] of xs.entries()) {
      for (const cls of [0, 1]) {
        const y = cls === 1 ? 1 : -1;
        const loss = logisticAdversarialObjective(eps)(params, tf.tensor2d(x, [1, 5]), tf.tensor1d([cls], 'int32'), { seed: k })();
        const got = (await loss.data())[0];
        // worst case inside the ε-ball: move each pixel by −ε y sign(wᵢ), then the ordinary logistic loss
        const xt = x.map((v, i) => v - eps * y * Math.sign(w[i]));
        const z = xt.reduce((s, v, i) => s + v * w[i], b);
        const expected = Math.log1p(Math.exp(-y * z));
        expect(got).toBeCloseTo(expected, 5);
        // and the perturbation really is the worst: random points of the ball never exceed it
        for (let t = 0; t < 50; t++) {
          const xr = x.map((v) => v + eps * (2 * Math.random() - 1));
          const zr = xr.reduce((s, v, i) => s + v * w[i], b);
          expect(Math.log1p(Math.exp(-y * zr))).toBeLessThanOrEqual(expected + 1e-9);
        }
      }
    }
  });

  it('the paper’s printed form subtracts the penalty for y = −1, which is why it is not used', () => {
    const w = [1, -1], b = 0, eps = 0.2, x = [0.3, 0.6], y = -1;
    const z = x[0] * w[0] + x[1] * w[1] + b;
    const l1 = Math.abs(w[0]) + Math.abs(w[1]);
    const printed = Math.log1p(Math.exp(y * (eps * l1 - z)));
    const correct = Math.log1p(Math.exp(eps * l1 - y * z));
    const clean = Math.log1p(Math.exp(-y * z));
    expect(printed).toBeLessThan(clean);
    expect(correct).toBeGreaterThan(clean);
  });

  it('L¹ weight decay pays λ‖w‖₁ outside ζ', async () => {
    const params = { w: tf.tensor2d([2, -3], [2, 1]), b: tf.tensor1d([0]) };
    const loss = logisticL1Objective(0.5)(params, tf.tensor2d([[1, 0]]), tf.tensor1d([1], 'int32'), { seed: 0 })();
    expect((await loss.data())[0]).toBeCloseTo(Math.log1p(Math.exp(-2)) + 0.5 * 5, 5);
    const sp = softplus(tf.tensor1d([-100, 0, 100]));
    const v = Array.from(await sp.data());
    expect(v[0]).toBeCloseTo(Math.exp(-100), 10);
    expect(v[1]).toBeCloseTo(Math.log(2), 6);
    expect(v[2]).toBeCloseTo(100, 4);
  });
});

describe('the §5 objectives against the long way round and finite differences', () => {
  const logistic = modelFunctions({ kind: 'logistic', inputs: 784, negative: 3, positive: 7 });
  const D = 784;
  const draw = (r: ReturnType<typeof seeded>, n: number, scale: number) => Array.from({ length: n }, () => r.normal() * scale);

  it('the adversarial loss equals the ordinary loss on the FGSM example (perturb first), for random w, b, x', async () => {
    const r = seeded(11);
    for (let trial = 0; trial < 5; trial++) {
      const n = 16;
      const eps = [0.05, 0.1, 0.25, 0.3, 0.5][trial];
      const w = tf.tensor2d(draw(r, D, 0.05), [D, 1]);
      const b = tf.tensor1d([r.normal()]);
      const x = tf.tensor2d(Array.from({ length: n * D }, () => r.next()), [n, D]);
      const y = tf.tensor1d(Array.from({ length: n }, () => (r.next() < 0.5 ? 0 : 1)), 'int32');
      const params = { w, b };
      const closedForm = logisticAdversarialObjective(eps)(params, x, y, { seed: 0 })();
      // the long way: the site's FGSM on the model (not clipped: the objective's worst case is over the whole ε-ball), then the ordinary loss
      const { direction, adversarial } = fgsm(logistic, params, x, y, eps, { clip: false });
      const longWay = ordinaryObjective(logistic)(params, adversarial, y, { seed: 0 })();
      const [a, c] = [(await closedForm.data())[0], (await longWay.data())[0]];
      expect(Math.abs(a - c)).toBeLessThan(1e-4 * Math.max(1, Math.abs(c)));
      // and FGSM's direction is −y sign(w), as §5 derives
      const dir = await direction.data();
      const wv = await w.data();
      const yv = await y.data();
      for (let i = 0; i < n; i++) for (let k = 0; k < D; k += 13) expect(dir[i * D + k]).toBe(-(2 * yv[i] - 1) * Math.sign(wv[k]));
      tf.dispose([w, b, x, y, closedForm, direction, adversarial, longWay]);
    }
  });

  it('the gradients of the adversarial and the L¹-decay objectives match finite differences', async () => {
    const r = seeded(5);
    const d = 12, n = 9, eps = 0.2, lambda = 0.15;
    const w0 = draw(r, d, 0.8);
    const b0 = 0.3;
    const xs = Array.from({ length: n * d }, () => r.next());
    const ys = Array.from({ length: n }, (_, i) => i % 2);
    const zeta = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    /** Both losses in float64, written out. */
    const loss = (kind: 'adversarial' | 'decay', w: number[], b: number) => {
      const l1 = w.reduce((s, v) => s + Math.abs(v), 0);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const y = 2 * ys[i] - 1;
        const m = y * (w.reduce((s, v, k) => s + v * xs[i * d + k], 0) + b);
        total += kind === 'adversarial' ? zeta(eps * l1 - m) : zeta(-m);
      }
      return total / n + (kind === 'decay' ? lambda * l1 : 0);
    };
    for (const kind of ['adversarial', 'decay'] as const) {
      const objective = kind === 'adversarial' ? logisticAdversarialObjective(eps) : logisticL1Objective(lambda);
      const x = tf.tensor2d(xs, [n, d]);
      const y = tf.tensor1d(ys, 'int32');
      const w = tf.tensor2d(w0, [d, 1]);
      const b = tf.tensor1d([b0]);
      const value = objective({ w, b }, x, y, { seed: 0 })();
      expect((await value.data())[0]).toBeCloseTo(loss(kind, w0, b0), 5);
      const [gw, gb] = tf.grads((wi: tf.Tensor, bi: tf.Tensor) => objective({ w: wi, b: bi }, x, y, { seed: 0 })())([w, b]);
      const gwv = await gw.data();
      const h = 1e-6;
      for (let k = 0; k < d; k++) {
        const plus = [...w0], minus = [...w0];
        plus[k] += h;
        minus[k] -= h;
        const fd = (loss(kind, plus, b0) - loss(kind, minus, b0)) / (2 * h);
        expect(Math.abs(gwv[k] - fd), `${kind}, ∂/∂w${k}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(fd)));
      }
      const fdb = (loss(kind, w0, b0 + h) - loss(kind, w0, b0 - h)) / (2 * h);
      expect(Math.abs((await gb.data())[0] - fdb)).toBeLessThan(1e-4 * Math.max(1, Math.abs(fdb)));
      tf.dispose([x, y, w, b, value, gw, gb]);
    }
  });
});

describe('the maxout layer’s hand-written gradient', () => {
  it('matches autodiff for x, W and b', async () => {
    const x = tf.randomUniform([16, 30], 0, 1, 'float32', 1) as tf.Tensor2D;
    const W = tf.randomNormal([30, 8 * 3], 0, 0.3, 'float32', 2) as tf.Tensor2D;
    const b = tf.randomNormal([8 * 3], 0, 0.1, 'float32', 3) as tf.Tensor1D;
    const f = (layer: typeof maxoutLayer) => (xi: tf.Tensor, Wi: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.square(layer(xi as tf.Tensor2D, Wi as tf.Tensor2D, bi as tf.Tensor1D, 3)));
    const a = tf.grads(f(maxoutLayer))([x, W, b]);
    const r = tf.grads(f(maxoutLayerAutodiff))([x, W, b]);
    for (let i = 0; i < 3; i++) {
      const diff = (await tf.max(tf.abs(tf.sub(a[i], r[i]))).data())[0];
      const scale = (await tf.max(tf.abs(r[i])).data())[0];
      expect(diff).toBeLessThan(1e-5 * Math.max(1, scale));
    }
  });
});

describe('resumable training', () => {
  it('a run stopped after one epoch and resumed ends where an uninterrupted run ends', async () => {
    const train = loadMnist('train');
    const test = loadMnist('test');
    const data: DataSets = {
      train: { count: 600, pixels: toFloat(train, 0, 600), labels: train.labels.slice(0, 600) },
      test: { count: 100, pixels: toFloat(test, 0, 100), labels: test.labels.slice(0, 100) },
      describe: 'test',
    };
    const base = recipes(true).find((r) => r.name === 'maxout-adv')!;
    const recipe = { ...base, epochs: 3, allowHalf: false };
    const order = [recipe.name];
    const a = mkdtempSync(join(tmpdir(), 'run-a-'));
    const b = mkdtempSync(join(tmpdir(), 'run-b-'));
    expect(await trainRecipe(recipe, data, { outDir: a, checkpointDir: join(a, 'ck'), order })).toBe(true);
    expect(await trainRecipe(recipe, data, { outDir: b, checkpointDir: join(b, 'ck'), order, maxEpochsThisRun: 1 })).toBe(false);
    expect(await trainRecipe(recipe, data, { outDir: b, checkpointDir: join(b, 'ck'), order })).toBe(true);
    const ma = JSON.parse(readFileSync(join(a, 'manifest.json'), 'utf8'));
    const mb = JSON.parse(readFileSync(join(b, 'manifest.json'), 'utf8'));
    expect(mb.models[0].weights[0].sha256).toBe(ma.models[0].weights[0].sha256);
    expect(mb.models[0].metrics).toEqual(ma.models[0].metrics);
  });
});

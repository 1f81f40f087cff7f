import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { exactSign, fgsm, fgsmExample, inputGradient } from '../../src/lib/attacks/fgsm.ts';
import { modelFunctions, softmaxCrossEntropySum, type Params } from '../../src/lib/models/architectures.ts';
import { seeded } from '../../src/lib/random.ts';

/** A small softmax model with seeded weights (8 inputs, 3 classes). */
function smallModel(seed: number, inputs = 8, classes = 3) {
  const r = seeded(seed);
  const W = Array.from({ length: inputs * classes }, () => r.normal());
  const b = Array.from({ length: classes }, () => r.normal() * 0.1);
  const arch = { kind: 'softmax' as const, inputs, classes };
  const params: Params = { W: tf.tensor2d(W, [inputs, classes]), b: tf.tensor1d(b) };
  return { arch, fns: modelFunctions(arch), params, W, b };
}

/** J(x) in float64, written out independently of the library. */
function lossF64(W: number[], b: number[], inputs: number, classes: number, x: number[], y: number): number {
  const z = Array.from({ length: classes }, (_, k) => b[k] + x.reduce((s, xi, i) => s + xi * W[i * classes + k], 0));
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, zk) => s + Math.exp(zk - m), 0));
  return lse - z[y];
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`FGSM on the ${backend} backend`, () => {
    beforeAll(async () => {
      await initTf(backend);
    });

    it('η equals ε times the sign of a central finite-difference gradient', async () => {
      const inputs = 8, classes = 3;
      const { fns, params, W, b } = smallModel(7, inputs, classes);
      const r = seeded(11);
      for (let trial = 0; trial < 5; trial++) {
        const x = Array.from({ length: inputs }, () => r.next());
        const y = trial % classes;
        const h = 1e-5;
        const fd = x.map((_, i) => {
          const plus = x.slice(), minus = x.slice();
          plus[i] += h;
          minus[i] -= h;
          return (lossF64(W, b, inputs, classes, plus, y) - lossF64(W, b, inputs, classes, minus, y)) / (2 * h);
        });
        const eps = 0.1;
        const xt = tf.tensor2d(x, [1, inputs]);
        const yt = tf.tensor1d([y], 'int32');
        const { direction, adversarial } = fgsm(fns, params, xt, yt, eps, { clip: false });
        const eta = Array.from(await tf.sub(adversarial, xt).data());
        const dir = Array.from(await direction.data());
        for (let i = 0; i < inputs; i++) {
          expect(dir[i]).toBe(Math.sign(fd[i]));
          expect(eta[i]).toBeCloseTo(eps * Math.sign(fd[i]), 6);
        }
        tf.dispose([xt, yt, direction, adversarial]);
      }
    });

    it('the input gradient matches finite differences in value', async () => {
      const inputs = 8, classes = 3;
      const { fns, params, W, b } = smallModel(3, inputs, classes);
      const x = Array.from({ length: inputs }, (_, i) => (i + 1) / 10);
      const y = 2;
      const g = tf.tidy(() => inputGradient(fns, params, tf.tensor2d(x, [1, inputs]), tf.tensor1d([y], 'int32')));
      const got = Array.from(await g.data());
      g.dispose();
      for (let i = 0; i < inputs; i++) {
        const plus = x.slice(), minus = x.slice();
        plus[i] += 1e-5;
        minus[i] -= 1e-5;
        const fd = (lossF64(W, b, inputs, classes, plus, y) - lossF64(W, b, inputs, classes, minus, y)) / 2e-5;
        expect(got[i]).toBeCloseTo(fd, 3);
      }
    });

    it('the sign is ±1 for gradients of magnitude 1e-9 (tf.sign returns 0 on wasm there)', async () => {
      const g = tf.tensor1d([1e-9, -1e-9, 3e-12, -4e-20, 0, 1e-8, -1]);
      const s = exactSign(g);
      expect(Array.from(await s.data())).toEqual([1, -1, 1, -1, 0, 1, -1]);
      tf.dispose([g, s]);
    });

    it('FGSM still perturbs every pixel of a digit the model is all but certain of', async () => {
      // A model so confident that ∇ₓJ is around 1e-12 per pixel.
      const inputs = 16, classes = 2;
      const W = Array.from({ length: inputs * classes }, (_, k) => ((k % 2 === 0 ? 1 : -1) * ((k % 5) + 1)) / 4);
      const arch = { kind: 'softmax' as const, inputs, classes };
      const params: Params = { W: tf.tensor2d(W, [inputs, classes]), b: tf.tensor1d([30, -30]) };
      const fns = modelFunctions(arch);
      const x = new Float32Array(inputs).fill(0.5);
      const ex = await fgsmExample(fns, params, x, 0, 0.25);
      expect(ex.cleanProbabilities[0]).toBeGreaterThan(0.999999);
      const moved = Array.from(ex.adversarial, (v, i) => Math.abs(v - x[i]));
      for (const m of moved) expect(m).toBeCloseTo(0.25, 6);
      tf.dispose(Object.values(params));
    });

    it('the loss is computed from logits, finite where probabilities saturate', async () => {
      const logits = tf.tensor2d([[200, -200, 0]]);
      const l = softmaxCrossEntropySum(logits, tf.tensor1d([1], 'int32'));
      const v = (await l.data())[0];
      expect(v).toBeCloseTo(400, 3);
      tf.dispose([logits, l]);
    });

    it('clipping keeps x + η inside [0, 1]', async () => {
      const { fns, params } = smallModel(5);
      const x = tf.tensor2d([[0, 1, 0.05, 0.95, 0.5, 0.5, 0, 1]]);
      const { adversarial } = fgsm(fns, params, x, tf.tensor1d([0], 'int32'), 0.3, { clip: true });
      const a = Array.from(await adversarial.data());
      for (const v of a) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      tf.dispose([x, adversarial]);
    });

    it('frees every tensor it allocates', async () => {
      const { fns, params } = smallModel(9);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 20; i++) await fgsmExample(fns, params, new Float32Array(8).fill(0.3), null, 0.1);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}

describe('the cross-entropy gradient of a model sure of its answer', () => {
  it('keeps the true class’s term when pᵧ rounds to 1 in float32', async () => {
    await initTf('wasm');
    // p = softmax([30, 0, 0]): pᵧ = 1 in float32, the others exp(−30) ≈ 9.4e−14
    const z = tf.tensor2d([[30, 0, 0]]);
    const g = tf.grad((zi: tf.Tensor) => softmaxCrossEntropySum(zi as tf.Tensor2D, tf.tensor1d([0], 'int32')))(z);
    const got = Array.from(await g.data());
    const small = Math.exp(-30) / (1 + 2 * Math.exp(-30));
    expect(got[0]).toBeLessThan(0);
    expect(got[0] / (-2 * small)).toBeCloseTo(1, 4);
    expect(got[1] / small).toBeCloseTo(1, 4);
    // a linear model sure of class 0: FGSM must lower class 0's logit, not only raise the others
    const W = tf.tensor2d([[3, 0, 0], [0, 1, 0], [0, 0, 1], [2, 2, 2]]);
    const params = { W, b: tf.tensor1d([20, 0, 0]) };
    const fns = modelFunctions({ kind: 'softmax', inputs: 4, classes: 3 });
    const x = tf.tensor2d([[0.5, 0.5, 0.5, 0.5]]);
    const dir = Array.from(await (await fgsm(fns, params, x, tf.tensor1d([0], 'int32'), 0.1)).direction.data());
    // ∂J/∂x₀ = Σₖ (∂J/∂zₖ)·W₀ₖ = −3·Σ_{k≠0} pₖ < 0; x₃ moves all logits alike: its gradient is 0 exactly
    expect(dir[0]).toBe(-1);
    expect(dir[1]).toBe(1);
    expect(dir[2]).toBe(1);
    expect(dir[3]).toBe(0);
    tf.dispose([z, g, W, params.b, x]);
  });
});

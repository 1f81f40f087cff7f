import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { modelFunctions, softmaxCrossEntropySum } from '../../src/lib/models/architectures.ts';
import { naiveSoftmaxCrossEntropySum, withNaiveGradient } from '../../src/lib/attacks/naive-gradient.ts';
import { inputGradient } from '../../src/lib/attacks/fgsm.ts';

const gradAt = async (loss: (z: tf.Tensor2D, y: tf.Tensor1D) => tf.Scalar, logits: number[], label: number) => {
  const z = tf.tensor2d([logits]);
  const y = tf.tensor1d([label], 'int32');
  const g = tf.grad((zi: tf.Tensor) => loss(zi as tf.Tensor2D, y))(z);
  const values = Array.from(await g.data());
  tf.dispose([z, y, g]);
  return values;
};

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`the paper's setting on the ${backend} backend`, () => {
    it('at logits [30, 0, 0] (float32) the naive gradient’s true-class term is exactly 0 and the site’s is not', async () => {
      await initTf(backend);
      const other = Math.exp(-30) / (1 + 2 * Math.exp(-30));
      // float32 rounds p₀ = 1 − 2·9.4e-14 to 1, so p₀ − 1 vanishes; −Σ_{k≠y} pₖ keeps it
      expect(Math.fround(1 - 2 * other)).toBe(1);
      const naive = await gradAt(naiveSoftmaxCrossEntropySum, [30, 0, 0], 0);
      const site = await gradAt(softmaxCrossEntropySum, [30, 0, 0], 0);
      expect(naive[0]).toBe(0);
      expect(site[0]).not.toBe(0);
      expect(site[0] / (-2 * other)).toBeCloseTo(1, 4);
    });

    it('so FGSM moves the other way: a softmax model at logits [30, 0, 0], through withNaiveGradient and as the site computes it', async () => {
      await initTf(backend);
      // one input pixel x = 1, W = [30, 1, 2], b = [0, −1, −2]: logits [30, 0, 0]
      const fns = modelFunctions({ kind: 'softmax', inputs: 1, classes: 3 });
      const params = { W: tf.tensor2d([[30, 1, 2]]), b: tf.tensor1d([0, -1, -2]) };
      const x = tf.tensor2d([[1]]);
      const y = tf.tensor1d([0], 'int32');
      const other = Math.exp(-30) / (1 + 2 * Math.exp(-30));
      const read = async (t: tf.Tensor) => {
        const v = (await t.data())[0];
        t.dispose();
        return v;
      };
      // ∂J/∂x = Σₖ Wₖ ∂J/∂zₖ: naive 30·0 + 1·p₁ + 2·p₂ = 3p > 0; the site's 30·(−2p) + p + 2p = −57p < 0
      const naive = await read(inputGradient(withNaiveGradient(fns), params, x, y));
      const site = await read(inputGradient(fns, params, x, y));
      expect(naive / (3 * other)).toBeCloseTo(1, 3);
      expect(site / (-57 * other)).toBeCloseTo(1, 3);
      tf.dispose([params.W, params.b, x, y]);
    });
  });
}

describe("the paper's setting: the naive cross-entropy gradient", () => {
  it('leaves a model without a softmax (the RBF network) as it is', () => {
    const rbf = modelFunctions({ kind: 'rbf', inputs: 4, classes: 2 });
    expect(withNaiveGradient(rbf)).toBe(rbf);
  });

  it('loses the true class term at logits [30, 0, 0], where the site keeps it', async () => {
    // p₀ = 1 / (1 + 2e⁻³⁰) rounds to 1 in float32; the others are e⁻³⁰ / (1 + 2e⁻³⁰) ≈ 9.36e-14
    const other = Math.exp(-30) / (1 + 2 * Math.exp(-30));
    const naive = await gradAt(naiveSoftmaxCrossEntropySum, [30, 0, 0], 0);
    const site = await gradAt(softmaxCrossEntropySum, [30, 0, 0], 0);
    expect(naive[0]).toBe(0);
    expect(site[0]).toBeLessThan(0);
    expect(site[0]).toBeCloseTo(-2 * other, 20);
    expect(site[0] / (-2 * other)).toBeCloseTo(1, 4);
    for (const g of [naive, site]) {
      expect(g[1] / other).toBeCloseTo(1, 4);
      expect(g[2] / other).toBeCloseTo(1, 4);
    }
  });

  it('agrees with the site gradient and with finite differences where the model is unsure', async () => {
    const logits = [0.3, -1.2, 2.0, 0.5];
    const naive = await gradAt(naiveSoftmaxCrossEntropySum, logits, 1);
    const site = await gradAt(softmaxCrossEntropySum, logits, 1);
    const f = (z: number[]) => -(z[1] - Math.log(z.reduce((s, v) => s + Math.exp(v), 0)));
    const h = 1e-3;
    for (let k = 0; k < logits.length; k++) {
      const up = logits.map((v, i) => (i === k ? v + h : v));
      const down = logits.map((v, i) => (i === k ? v - h : v));
      const fd = (f(up) - f(down)) / (2 * h);
      expect(naive[k]).toBeCloseTo(fd, 3);
      expect(site[k]).toBeCloseTo(fd, 3);
    }
  });
});

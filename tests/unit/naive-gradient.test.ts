import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { softmaxCrossEntropySum } from '../../src/lib/models/architectures.ts';
import { naiveSoftmaxCrossEntropySum } from '../../src/lib/attacks/naive-gradient.ts';

const gradAt = async (loss: (z: tf.Tensor2D, y: tf.Tensor1D) => tf.Scalar, logits: number[], label: number) => {
  const z = tf.tensor2d([logits]);
  const y = tf.tensor1d([label], 'int32');
  const g = tf.grad((zi: tf.Tensor) => loss(zi as tf.Tensor2D, y))(z);
  const values = Array.from(await g.data());
  tf.dispose([z, y, g]);
  return values;
};

describe("the paper's setting: the naive cross-entropy gradient", () => {
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

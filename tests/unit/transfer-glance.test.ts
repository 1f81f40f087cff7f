/**
 * §2's transfer glance (src/lib/analysis/transfer-glance.ts) on the quick
 * models, against a per-digit loop written here: each digit attacked alone
 * through the site's FGSM (one row at a time) and read by a separate forward
 * pass of each model.
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
import { TRANSFER_MODELS, transferDigit, transferMatrix } from '../../src/lib/analysis/transfer-glance.ts';

const N = 60;
const test = loadMnist('test');
const pixels = toFloat(test, 0, N);
const labels = test.labels.slice(0, N);
let models: Model[];

beforeAll(async () => {
  ensureQuickModels();
  await initTf('wasm');
  const loaded = await nodeModels(QUICK);
  models = await Promise.all(TRANSFER_MODELS.map((m) => loaded.model(m)));
}, 300_000);

/** Digit i attacked on `source` alone, then the class each model gives it. */
async function perDigit(source: Model, i: number, eps: number): Promise<{ image: Float32Array; read: number[] }> {
  const x = tf.tensor2d(pixels.subarray(i * 784, (i + 1) * 784), [1, 784]);
  const y = tf.tensor1d([labels[i]], 'int32');
  const { direction, adversarial } = fgsm(source.fns, source.params, x, y, eps, { clip: true });
  const image = (await adversarial.data()) as Float32Array;
  const read: number[] = [];
  for (const m of models) {
    const z = m.fns.logits(m.params, adversarial);
    const v = Array.from(await z.data());
    read.push(v.indexOf(Math.max(...v)));
    z.dispose();
  }
  tf.dispose([x, y, direction, adversarial]);
  return { image, read };
}

describe('the transfer glance', () => {
  it('each cell is the error of the column’s model on digits attacked through the row’s, digit by digit', async () => {
    const eps = 0.2;
    const m = await transferMatrix(models, pixels, labels, eps, { batchSize: 17 });
    expect(m.models).toEqual(['softmax', 'maxout', 'rbf']);
    expect(m.sample).toBe(N);
    for (let s = 0; s < models.length; s++) {
      const wrong = [0, 0, 0];
      for (let i = 0; i < N; i++) {
        const { read } = await perDigit(models[s], i, eps);
        read.forEach((r, j) => r !== labels[i] && wrong[j]++);
      }
      // a tie broken differently by a batched and a single-row product may move one digit
      for (let j = 0; j < 3; j++) expect(Math.abs(m.error[s][j] - (100 * wrong[j]) / N), `${m.models[s]} → ${m.models[j]}`).toBeLessThanOrEqual(100 / N + 1e-9);
    }
    // at ε = 0 every row is the clean error
    const zero = await transferMatrix(models, pixels, labels, 0);
    for (const row of zero.error) expect(row).toEqual(zero.clean);
  });

  it('one digit: the adversarial image of each source and what each model reads; every tensor freed', async () => {
    const before = tf.memory().numTensors;
    const one = await transferDigit(models, pixels.subarray(0, 784), labels[0], 0.25);
    expect(one.label).toBe(labels[0]);
    for (let s = 0; s < 3; s++) {
      const ref = await perDigit(models[s], 0, 0.25);
      const img = one.images.subarray(s * 784, (s + 1) * 784);
      for (let k = 0; k < 784; k++) expect(img[k]).toBeCloseTo(ref.image[k], 6);
      expect(one.predicted[s]).toEqual(ref.read);
      for (const c of one.confidence[s]) expect(c).toBeGreaterThanOrEqual(0);
    }
    await transferMatrix(models, pixels, labels, 0.1);
    expect(tf.memory().numTensors).toBe(before);
    await expect(transferMatrix(models, pixels, labels, 0.1, { cancelled: () => true })).rejects.toThrow('cancelled');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a digit without a label (a drawing): each source attacks it away from its own clean answer', async () => {
    const x = pixels.subarray(784, 2 * 784);
    const one = await transferDigit(models, x, null, 0.25);
    expect(one.label).toBeNull();
    for (let s = 0; s < 3; s++) {
      // the same digit with the source's own answer as its label: the same image from that source
      const labelled = await transferDigit(models, x, one.cleanPredicted[s], 0.25);
      expect(one.images.subarray(s * 784, (s + 1) * 784)).toEqual(labelled.images.subarray(s * 784, (s + 1) * 784));
      expect(one.predicted[s]).toEqual(labelled.predicted[s]);
    }
  });
});

/**
 * The worker's one way of reading a request's digit (src/compute/digit-input.ts): a test digit with its label, or
 * the reader's drawing, decoded from its code and labelled with the class the model gives it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { nodeModels } from '../../scripts/lib/node-models.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import { encodeDrawing, quantiseDrawing } from '../../src/lib/data/drawing-code.ts';
import { checks, type RequestContext } from '../../src/compute/handler.ts';
import { ComputeError } from '../../src/compute/context.ts';
import { digitOrDrawing } from '../../src/compute/digit-input.ts';
import type { Model } from '../../src/lib/analysis/batch.ts';

const test = loadMnist('test');
let model: Model;
const asked: number[] = [];
const ctx = {
  check: checks,
  testDigit: async (i: number) => (asked.push(i), { pixels: toFloat(test, i, i + 1), label: test.labels[i] }),
} as unknown as RequestContext;

beforeAll(async () => {
  await initTf('wasm');
  model = await (await nodeModels('models')).model('softmax');
}, 120_000);

/** The class with the largest logit, read from the model's logits (not through predict's probabilities). */
function ownClass(pixels: Float32Array): number {
  const z = tf.tidy(() => model.fns.logits(model.params, tf.tensor2d(pixels, [1, 784])).dataSync());
  return Array.prototype.indexOf.call(z, Math.max(...z));
}

describe('digitOrDrawing', () => {
  it('a test digit comes with its label and no drawing', async () => {
    const x = await digitOrDrawing(ctx, { digit: 1, drawn: '' }, model);
    expect([x.digit, x.label, x.drawn]).toEqual([1, test.labels[1], '']);
    expect(Array.from(x.pixels)).toEqual(Array.from(toFloat(test, 1, 2)));
  });

  it('a drawing replaces the test digit, labelled with the model’s own answer', async () => {
    // a 2 and a 7 mixed: not a test digit, so its label can only come from the model
    const a = toFloat(test, 1, 2), b = toFloat(test, 0, 1);
    const pixels = quantiseDrawing(a.map((v, i) => Math.max(v, 0.6 * b[i])));
    const code = encodeDrawing(pixels);
    asked.length = 0;
    const x = await digitOrDrawing(ctx, { digit: 5, drawn: code }, model);
    expect(asked).toEqual([]);
    expect(x.digit).toBe(5);
    expect(x.drawn).toBe(code);
    expect(Array.from(x.pixels)).toEqual(Array.from(pixels));
    expect(x.label).toBe(ownClass(pixels));
  });

  it('a code that is not a drawing is an input error that says so; a bad test digit is named', async () => {
    const err = await digitOrDrawing(ctx, { digit: 0, drawn: 'AAE' }, model).catch((e) => e);
    expect(err).toBeInstanceOf(ComputeError);
    expect(err.info.kind).toBe('input');
    expect(err.message).toMatch(/^the drawing: /);
    await expect(digitOrDrawing(ctx, { digit: 10_000 }, model)).rejects.toThrow(/the test digit must be a whole number from 0 to 9,999/);
  });
});

/**
 * What FGSM does to a model over a set of digits (rows 1, 2, 5, 10, 14 of the
 * paper's results): clean error, then error and mean confidence on the
 * adversarial examples, clipped to [0, 1] and unclipped (the two conventions of
 * the reproduction, shared/paper facts). "Mean confidence" is the mean
 * probability of the predicted class over the adversarial examples the model
 * gets wrong.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelFunctions, Params } from '../models/architectures.ts';
import { fgsm } from '../attacks/fgsm.ts';

export interface FgsmEvaluation {
  digits: number;
  epsilon: number;
  cleanError: number;
  cleanConfidence: number;
  fgsmError: number;
  fgsmConfidence: number;
  fgsmErrorUnclipped: number;
  fgsmConfidenceUnclipped: number;
}

interface Tally {
  wrong: number;
  confidenceOnWrong: number;
  confidence: number;
}

async function tally(probabilities: tf.Tensor2D, labels: Uint8Array, offset: number, into: Tally) {
  const [pred, conf] = tf.tidy(() => [tf.argMax(probabilities, 1), tf.max(probabilities, 1)]);
  const p = (await pred.data()) as Int32Array;
  const c = (await conf.data()) as Float32Array;
  pred.dispose();
  conf.dispose();
  for (let i = 0; i < p.length; i++) {
    into.confidence += c[i];
    if (p[i] !== labels[offset + i]) {
      into.wrong++;
      into.confidenceOnWrong += c[i];
    }
  }
}

/**
 * @param pixels count × 784 floats in [0, 1]
 * @param onProgress called with the fraction done after each batch
 */
export async function fgsmEvaluation(
  model: ModelFunctions,
  params: Params,
  pixels: Float32Array,
  labels: Uint8Array,
  epsilon: number,
  options: { batchSize?: number; onProgress?: (fraction: number) => void } = {},
): Promise<FgsmEvaluation> {
  const n = labels.length;
  const batchSize = options.batchSize ?? 1000;
  const clean: Tally = { wrong: 0, confidenceOnWrong: 0, confidence: 0 };
  const clipped: Tally = { wrong: 0, confidenceOnWrong: 0, confidence: 0 };
  const unclipped: Tally = { wrong: 0, confidenceOnWrong: 0, confidence: 0 };
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const x = tf.tensor2d(pixels.subarray(start * 784, end * 784), [end - start, 784]);
    const y = tf.tensor1d(Array.from(labels.subarray(start, end)), 'int32');
    const probs = model.probabilities(params, x);
    const { direction, adversarial } = fgsm(model, params, x, y, epsilon, { clip: true });
    const advProbs = model.probabilities(params, adversarial);
    const raw = tf.tidy(() => model.probabilities(params, tf.add(x, tf.mul(direction, epsilon)) as tf.Tensor2D));
    await tally(probs, labels, start, clean);
    await tally(advProbs, labels, start, clipped);
    await tally(raw, labels, start, unclipped);
    tf.dispose([x, y, probs, direction, adversarial, advProbs, raw]);
    options.onProgress?.(end / n);
  }
  const pct = (a: number, b: number) => (b === 0 ? 0 : (100 * a) / b);
  return {
    digits: n,
    epsilon,
    cleanError: pct(clean.wrong, n),
    cleanConfidence: pct(clean.confidence, n),
    fgsmError: pct(clipped.wrong, n),
    fgsmConfidence: pct(clipped.confidenceOnWrong, clipped.wrong),
    fgsmErrorUnclipped: pct(unclipped.wrong, n),
    fgsmConfidenceUnclipped: pct(unclipped.confidenceOnWrong, unclipped.wrong),
  };
}

/**
 * Batched primitives every analysis is built from: predictions and FGSM over
 * many digits, a batch at a time (batching is most of the speed), every result
 * read back asynchronously, every tensor freed.
 */
import * as tf from '@tensorflow/tfjs';
import type { Architecture, ModelFunctions, Params } from '../models/architectures.ts';
import { fgsm } from '../attacks/fgsm.ts';

export interface Model {
  name: string;
  architecture: Architecture;
  fns: ModelFunctions;
  params: Params;
}

export interface Predictions {
  /** Predicted class index per digit. */
  predicted: Int32Array;
  /** Probability of the predicted class. */
  confidence: Float32Array;
  /** All class probabilities, count × classes. */
  probabilities: Float32Array;
  classes: number;
}

export interface BatchOptions {
  batchSize?: number;
  /** Called after each batch with the number of digits done. */
  onBatch?: (done: number) => void;
  /** Checked between batches; true stops with a CancelledError. */
  cancelled?: () => boolean;
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

const DEFAULT_BATCH = 500;

export async function predict(model: Model, pixels: Float32Array, options: BatchOptions = {}): Promise<Predictions> {
  const n = pixels.length / 784;
  const bs = options.batchSize ?? DEFAULT_BATCH;
  let classes = 0;
  const predicted = new Int32Array(n);
  const confidence = new Float32Array(n);
  let probabilities = new Float32Array(0);
  for (let start = 0; start < n; start += bs) {
    if (options.cancelled?.()) throw new CancelledError();
    const end = Math.min(n, start + bs);
    const p = tf.tidy(() => model.fns.probabilities(model.params, tf.tensor2d(pixels.subarray(start * 784, end * 784), [end - start, 784])));
    const values = (await p.data()) as Float32Array;
    classes = p.shape[1];
    p.dispose();
    if (probabilities.length === 0) probabilities = new Float32Array(n * classes);
    probabilities.set(values, start * classes);
    for (let i = 0; i < end - start; i++) {
      let best = 0;
      for (let k = 1; k < classes; k++) if (values[i * classes + k] > values[i * classes + best]) best = k;
      predicted[start + i] = best;
      confidence[start + i] = values[i * classes + best];
    }
    options.onBatch?.(end);
  }
  return { predicted, confidence, probabilities, classes };
}

/** x + ε·sign(∇ₓJ(θ, x, y)) for every digit, clipped to [0, 1] or not. */
export async function fgsmImages(
  model: Model,
  pixels: Float32Array,
  labels: ArrayLike<number>,
  epsilon: number,
  clip: boolean,
  options: BatchOptions = {},
): Promise<Float32Array> {
  const n = pixels.length / 784;
  const bs = options.batchSize ?? DEFAULT_BATCH;
  const out = new Float32Array(pixels.length);
  for (let start = 0; start < n; start += bs) {
    if (options.cancelled?.()) throw new CancelledError();
    const end = Math.min(n, start + bs);
    const x = tf.tensor2d(pixels.subarray(start * 784, end * 784), [end - start, 784]);
    const y = tf.tensor1d(Array.from({ length: end - start }, (_, i) => labels[start + i]), 'int32');
    const { direction, adversarial } = fgsm(model.fns, model.params, x, y, epsilon, { clip });
    out.set((await adversarial.data()) as Float32Array, start * 784);
    tf.dispose([x, y, direction, adversarial]);
    options.onBatch?.(end);
  }
  return out;
}

/** Percent of a over b (0 when b is 0). */
export const percent = (a: number, b: number) => (b === 0 ? 0 : (100 * a) / b);

export interface AttackSummary {
  /** Percent of digits misclassified. */
  error: number;
  /** Mean probability of the predicted class over the misclassified digits, percent. */
  confidenceOnMistakes: number;
  /** Mean probability of the predicted class over all digits, percent. */
  meanConfidence: number;
  wrong: number;
  count: number;
}

export function summarise(p: Predictions, labels: ArrayLike<number>): AttackSummary {
  let wrong = 0;
  let confWrong = 0;
  let conf = 0;
  for (let i = 0; i < p.predicted.length; i++) {
    conf += p.confidence[i];
    if (p.predicted[i] !== labels[i]) {
      wrong++;
      confWrong += p.confidence[i];
    }
  }
  const n = p.predicted.length;
  return { error: percent(wrong, n), confidenceOnMistakes: percent(confWrong, wrong), meanConfidence: percent(conf, n), wrong, count: n };
}

/**
 * The paper's Figure 4 (§8): the ten logits (the arguments to the softmax) of
 * one test digit as it moves along the FGSM direction,
 *
 *     z(ε) = f(x + ε · sign(∇ₓJ(θ, x, y))),   ε from −range to range,
 *
 * unclipped, so the line runs far outside the image cube, as in the paper. The
 * direction is taken once, at x; every ε of the sweep goes through the model in
 * one batch. For the shallow softmax model z(ε) is exactly linear in ε; for the
 * maxout network it is piecewise linear, with a kink wherever a unit changes
 * its winning piece.
 */
import * as tf from '@tensorflow/tfjs';
import type { Model } from './batch.ts';
import { exactSign, inputGradient } from '../attacks/fgsm.ts';
import { PIXELS } from '../data/idx.ts';

export interface LogitSweepOptions {
  /** ε runs from −range to range. */
  range: number;
  /** Points of the sweep (odd, so that ε = 0 is one of them). */
  points: number;
  /** How many evenly spaced ε of the sweep also return their image (the strip under the chart). */
  strip: number;
}

export interface LogitSweep {
  /** The ε of each point, ascending. */
  epsilons: Float32Array;
  /** points × classes, the logits at each ε. */
  logits: Float32Array;
  classes: number;
  /** The class with the largest logit at each ε. */
  predicted: Int32Array;
  /** Indices into `epsilons` of the strip's images. */
  stripIndices: Int32Array;
  /** strip × 784: x + ε·sign(∇ₓJ) at those ε, unclipped. */
  stripImages: Float32Array;
  /** sign(∇ₓJ(θ, x, y)), the line's direction (784 values in {−1, 0, 1}). */
  direction: Float32Array;
}

/** ε of a sweep: `points` evenly spaced values from −range to range (0 exactly in the middle). */
export function sweepEpsilons(range: number, points: number): Float32Array {
  const out = new Float32Array(points);
  const half = (points - 1) / 2;
  for (let i = 0; i < points; i++) out[i] = ((i - half) / half) * range;
  return out;
}

/** Evenly spaced indices of `count` strip images among `points` (the first, the middle and the last among them when count is odd). */
export function stripIndices(points: number, count: number): Int32Array {
  if (count <= 1) return Int32Array.from([(points - 1) / 2]);
  return Int32Array.from({ length: count }, (_, j) => Math.round((j * (points - 1)) / (count - 1)));
}

export function checkSweepOptions(o: LogitSweepOptions): void {
  if (!Number.isFinite(o.range) || o.range <= 0 || o.range > 100) throw new RangeError(`the range of ε must be a number above 0 and at most 100, got ${o.range}`);
  if (!Number.isInteger(o.points) || o.points < 3 || o.points > 4001 || o.points % 2 === 0) throw new RangeError(`the sweep needs an odd number of points from 3 to 4001, got ${o.points}`);
  if (!Number.isInteger(o.strip) || o.strip < 1 || o.strip > 25) throw new RangeError(`the strip holds 1 to 25 images, got ${o.strip}`);
}

/** One digit's logits along its FGSM direction, read back asynchronously; every tensor is freed. */
export async function logitSweep(model: Model, pixels: Float32Array, label: number, options: LogitSweepOptions): Promise<LogitSweep> {
  checkSweepOptions(options);
  if (pixels.length !== PIXELS) throw new RangeError(`a digit has ${PIXELS} pixels, got ${pixels.length}`);
  const epsilons = sweepEpsilons(options.range, options.points);
  const strip = stripIndices(options.points, options.strip);
  const x = tf.tensor2d(pixels, [1, PIXELS]);
  const y = tf.tensor1d([label], 'int32');
  const direction = tf.tidy(() => exactSign(inputGradient(model.fns, model.params, x, y)) as tf.Tensor2D);
  // every ε in one batch: x + ε·d for each row
  const moved = tf.tidy(() => tf.add(x, tf.mul(tf.reshape(tf.tensor1d(epsilons), [options.points, 1]), direction)) as tf.Tensor2D);
  const logits = model.fns.logits(model.params, moved);
  const images = tf.tidy(() => tf.gather(moved, tf.tensor1d(strip, 'int32')));
  try {
    const [z, im, d] = await Promise.all([logits.data(), images.data(), direction.data()]);
    const classes = logits.shape[1];
    const predicted = new Int32Array(options.points);
    for (let i = 0; i < options.points; i++) {
      let best = 0;
      for (let k = 1; k < classes; k++) if (z[i * classes + k] > z[i * classes + best]) best = k;
      predicted[i] = best;
    }
    return { epsilons, logits: z as Float32Array, classes, predicted, stripIndices: strip, stripImages: im as Float32Array, direction: d as Float32Array };
  } finally {
    tf.dispose([x, y, direction, moved, logits, images]);
  }
}

export { predictionBands, type PredictionBand } from './page-values.ts';

/** |second differences| of each class's logit along the sweep (points − 2 rows × classes), for the linearity check. */
export function secondDifferences(logits: ArrayLike<number>, classes: number): Float64Array {
  const points = logits.length / classes;
  const out = new Float64Array(Math.max(0, points - 2) * classes);
  for (let i = 1; i < points - 1; i++) {
    for (let k = 0; k < classes; k++) {
      out[(i - 1) * classes + k] = Math.abs(logits[(i + 1) * classes + k] - 2 * logits[i * classes + k] + logits[(i - 1) * classes + k]);
    }
  }
  return out;
}

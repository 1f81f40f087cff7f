/**
 * A plane through a test digit (§8): x(a, b) = x + a·d₁ + b·d₂ with
 * d₁ = sign(∇ₓJ(θ, x, y)) (the FGSM direction) and d₂ a random sign vector
 * drawn from a seed. Both directions have ‖d‖∞ = 1 and (where the gradient has
 * no zero entry) the same ‖d‖₂ = √784, so a and b are both in ε units: the
 * point (ε, 0) is FGSM at ε, the point (0, ε) the same budget spent on noise.
 *
 * `sliceGrid` evaluates the model's logits at every point of a square grid over
 * [−range, range]², a batch of grid rows at a time, and returns them with the
 * winning class of each point: the class map of the adversarial-slice figure and
 * the logit surface of the logit-surface figure both come from it.
 */
import * as tf from '@tensorflow/tfjs';
import type { Model } from './batch.ts';
import { CancelledError } from './batch.ts';
import { exactSign, inputGradient } from '../attacks/fgsm.ts';
import { seeded } from '../random.ts';
import { axisValue } from './slice-summary.ts';

export { axisValue, gridIndex, planeFit, summariseSlice, trueClassSurface, type PlaneFit, type SliceSummary } from './slice-summary.ts';

export const PIXELS = 784;

/** A vector of ±1 from the site's seeded generator (each entry +1 or −1 with probability ½). */
export function randomSignDirection(seed: number, n = PIXELS): Float32Array {
  const r = seeded(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = r.next() < 0.5 ? -1 : 1;
  return out;
}

export interface SliceOptions {
  /** Half-width of the plane, in ε units. */
  range: number;
  /** Points per side (odd, so that the digit itself is a grid point). */
  size: number;
  /** Seed of the random sign direction. */
  seed: number;
  /** Clip each point to [0, 1] (a valid image) or keep the plane flat. */
  clip: boolean;
  /** Grid points per forward pass. */
  batchSize?: number;
  onProgress?: (fraction: number) => void;
  cancelled?: () => boolean;
}

export interface SliceGrid {
  size: number;
  range: number;
  /** Coordinates along each axis (a along d₁ = FGSM, b along d₂ = random). */
  axis: Float32Array;
  /** Logits at each point, row-major over (b, a): index ((i·size + j)·classes + k) for b = axis[i], a = axis[j]. */
  logits: Float32Array;
  /** The winning class at each point (i·size + j). */
  predicted: Int32Array;
  classes: number;
  /** The label the FGSM direction moved away from. */
  label: number;
  /** d₁ = sign(∇ₓJ) and d₂, the random sign direction. */
  fgsmDirection: Float32Array;
  randomDirection: Float32Array;
  /** d₁·d₂ / (‖d₁‖‖d₂‖): how far from orthogonal the two directions are. */
  cosine: number;
}

/** sign(∇ₓJ(θ, x, y)) of one digit, read back. */
export async function fgsmDirection(model: Model, pixels: Float32Array, label: number): Promise<Float32Array> {
  const d = tf.tidy(() => {
    const x = tf.tensor2d(pixels, [1, PIXELS]);
    const y = tf.tensor1d([label], 'int32');
    return exactSign(inputGradient(model.fns, model.params, x, y));
  });
  const out = (await d.data()) as Float32Array;
  d.dispose();
  return out;
}

/** The points x + a·d₁ + b·d₂ for the given (a, b) pairs, clipped when asked. */
export function planePoints(x: tf.Tensor2D, d1: tf.Tensor2D, d2: tf.Tensor2D, a: Float32Array, b: Float32Array, clip: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    const ta = tf.tensor2d(a, [a.length, 1]);
    const tb = tf.tensor2d(b, [b.length, 1]);
    const moved = tf.add(tf.add(x, tf.mul(ta, d1)), tf.mul(tb, d2));
    return (clip ? tf.clipByValue(moved, 0, 1) : moved) as tf.Tensor2D;
  });
}

export async function sliceGrid(model: Model, pixels: Float32Array, label: number, options: SliceOptions): Promise<SliceGrid> {
  const { range, size, seed, clip } = options;
  if (!(Number.isInteger(size) && size >= 3 && size % 2 === 1)) throw new RangeError(`the grid must have an odd number of points per side (3 or more), got ${size}`);
  if (!(Number.isFinite(range) && range > 0)) throw new RangeError(`the range must be a positive number, got ${range}`);
  const d1 = await fgsmDirection(model, pixels, label);
  const d2 = randomSignDirection(seed);
  const axis = new Float32Array(size);
  for (let i = 0; i < size; i++) axis[i] = axisValue(i, size, range);
  const total = size * size;
  const perPass = Math.max(size, Math.floor((options.batchSize ?? 2048) / size) * size);
  let classes = 0;
  let logits = new Float32Array(0);
  const predicted = new Int32Array(total);
  const x = tf.tensor2d(pixels, [1, PIXELS]);
  const t1 = tf.tensor2d(d1, [1, PIXELS]);
  const t2 = tf.tensor2d(d2, [1, PIXELS]);
  try {
    for (let start = 0; start < total; start += perPass) {
      if (options.cancelled?.()) throw new CancelledError();
      const end = Math.min(total, start + perPass);
      const a = new Float32Array(end - start);
      const b = new Float32Array(end - start);
      for (let p = start; p < end; p++) {
        a[p - start] = axis[p % size];
        b[p - start] = axis[Math.floor(p / size)];
      }
      const z = tf.tidy(() => model.fns.logits(model.params, planePoints(x, t1, t2, a, b, clip)));
      const values = (await z.data()) as Float32Array;
      classes = z.shape[1];
      z.dispose();
      if (logits.length === 0) logits = new Float32Array(total * classes);
      logits.set(values, start * classes);
      for (let p = 0; p < end - start; p++) {
        let best = 0;
        for (let k = 1; k < classes; k++) if (values[p * classes + k] > values[p * classes + best]) best = k;
        predicted[start + p] = best;
      }
      options.onProgress?.(end / total);
    }
  } finally {
    tf.dispose([x, t1, t2]);
  }
  let dot = 0, n1 = 0, n2 = 0;
  for (let i = 0; i < PIXELS; i++) {
    dot += d1[i] * d2[i];
    n1 += d1[i] * d1[i];
    n2 += d2[i] * d2[i];
  }
  return { size, range, axis, logits, predicted, classes, label, fgsmDirection: d1, randomDirection: d2, cosine: n1 > 0 ? dot / Math.sqrt(n1 * n2) : 0 };
}


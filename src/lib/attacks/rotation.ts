/**
 * Rotation toward the gradient (§4): "rotating x by a small angle in the
 * direction of the gradient reliably produces adversarial examples".
 *
 * In the plane spanned by x and ∇ₓJ(θ, x, y), with u the unit component of the
 * gradient orthogonal to x,
 *
 *     x'(φ) = cos φ · x + sin φ · ‖x‖ · u,
 *
 * so ‖x'‖ = ‖x‖, the angle between x and x' is φ, and at φ = 0 nothing moves.
 * (The paper writes θ for the model's parameters and the brief for the angle;
 * in code the angle is `angle`, in degrees at the edges and radians inside.)
 * To first order the cost grows as φ · ‖x‖ · ‖∇ₓJ⊥‖, the most any rotation of
 * x can make it grow. Unlike FGSM the result is not clipped to [0, 1]: clipping
 * would break ‖x'‖ = ‖x‖, the constraint that defines the attack.
 *
 * The direction is taken once, at x (like FGSM's): x' moves along a fixed great
 * circle, not along the gradient of each x'.
 */
import type { Cancellable } from '../progress.ts';
import * as tf from '@tensorflow/tfjs';
import type { Model } from '../analysis/batch.ts';
import { CancelledError } from '../analysis/batch.ts';
import { inputGradient } from './fgsm.ts';

export const radians = (degrees: number) => (degrees * Math.PI) / 180;
export const degrees = (radiansValue: number) => (radiansValue * 180) / Math.PI;

/**
 * ‖x‖·u for each row: the gradient's component orthogonal to x, scaled to the
 * length of x (zero for a row whose gradient has no such component). The
 * gradient is first divided by its largest |gᵢ|, so a confident model's tiny
 * gradients do not underflow when squared.
 */
export function rotationPlane(x: tf.Tensor2D, gradient: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const scale = tf.max(tf.abs(gradient), 1, true);
    const g = tf.div(gradient, tf.maximum(scale, 1e-30));
    const xx = tf.sum(tf.mul(x, x), 1, true);
    const gx = tf.sum(tf.mul(g, x), 1, true);
    const orthogonal = tf.sub(g, tf.mul(tf.div(gx, tf.maximum(xx, 1e-30)), x));
    const length = tf.sqrt(tf.sum(tf.mul(orthogonal, orthogonal), 1, true));
    // a component at the level of float32 rounding of g is no direction at all
    const usable = tf.cast(tf.greater(length, 1e-5), 'float32');
    const u = tf.mul(tf.div(orthogonal, tf.maximum(length, 1e-30)), usable);
    return tf.mul(u, tf.sqrt(xx)) as tf.Tensor2D;
  });
}

/** x' = cos φ · x + sin φ · v (v = ‖x‖·u from `rotationPlane`); φ in radians, one for all rows or one per row. */
export function rotate(x: tf.Tensor2D, v: tf.Tensor2D, angle: number | tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    if (typeof angle === 'number') return tf.add(tf.mul(x, Math.cos(angle)), tf.mul(v, Math.sin(angle))) as tf.Tensor2D;
    const a = tf.expandDims(angle, 1);
    return tf.add(tf.mul(x, tf.cos(a)), tf.mul(v, tf.sin(a))) as tf.Tensor2D;
  });
}

/** x rotated by φ (radians) toward ∇ₓJ(θ, x, y), for each row. */
export function rotateTowardGradient(model: Model, x: tf.Tensor2D, y: tf.Tensor1D, angle: number | tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => rotate(x, rotationPlane(x, inputGradient(model.fns, model.params, x, y)), angle));
}

export interface RotationExample {
  /** The rotated digit x' (count 784, not clipped). */
  rotated: Float32Array;
  /** x' − x. */
  change: Float32Array;
  cleanProbabilities: Float32Array;
  rotatedProbabilities: Float32Array;
  /** ‖x‖, ‖x'‖ and ‖x' − x‖. */
  norm: number;
  rotatedNorm: number;
  changeNorm: number;
  /** Whether the gradient had a component orthogonal to x (if not, x' = x). */
  hasPlane: boolean;
}

/** One digit rotated by `angleDegrees` toward its gradient, read back asynchronously. */
export async function rotationExample(model: Model, pixels: Float32Array, label: number, angleDegrees: number): Promise<RotationExample> {
  const x = tf.tensor2d(pixels, [1, pixels.length]);
  const y = tf.tensor1d([label], 'int32');
  const v = tf.tidy(() => rotationPlane(x, inputGradient(model.fns, model.params, x, y)));
  const rotated = rotate(x, v, radians(angleDegrees));
  const change = tf.sub(rotated, x);
  const cleanP = model.fns.probabilities(model.params, x);
  const rotatedP = model.fns.probabilities(model.params, rotated);
  const norms = tf.tidy(() => tf.stack([tf.norm(x), tf.norm(rotated), tf.norm(change), tf.norm(v)]));
  const [r, c, cp, rp, n] = await Promise.all([rotated.data(), change.data(), cleanP.data(), rotatedP.data(), norms.data()]);
  tf.dispose([x, y, v, rotated, change, cleanP, rotatedP, norms]);
  return {
    rotated: r as Float32Array,
    change: c as Float32Array,
    cleanProbabilities: cp as Float32Array,
    rotatedProbabilities: rp as Float32Array,
    norm: n[0],
    rotatedNorm: n[1],
    changeNorm: n[2],
    hasPlane: n[3] > 0,
  };
}

export interface FlipOptions extends Cancellable {
  /** The largest angle searched, degrees (at 90° x' is the gradient direction itself). */
  maxDegrees?: number;
  /** The coarse sweep's step, degrees. */
  stepDegrees?: number;
  /** Halvings of the step that brackets the first flip. */
  bisections?: number;
  batchSize?: number;
  /** Rows of one forward pass in the coarse sweep (digits × angles). */
  rowsPerPass?: number;
}

export interface FlipAngles {
  /**
   * Per digit, the smallest rotation (degrees) at which the model stops
   * predicting the true label: 0 for a digit it already gets wrong, Infinity
   * when no angle up to `maxDegrees` flips it.
   */
  angles: Float32Array;
  maxDegrees: number;
  /** The resolution of each angle, degrees. */
  resolution: number;
}

/**
 * The smallest flipping angle of each digit: a coarse sweep (every digit at
 * 0, step, 2·step, … until it flips; several angles per forward pass), then a
 * bisection of the step that brackets the first flip. A flip that comes and
 * goes inside one coarse step is not seen; the result is the first flip on
 * the sweep, to `resolution`.
 */
export async function smallestFlippingAngles(model: Model, pixels: Float32Array, labels: ArrayLike<number>, options: FlipOptions = {}): Promise<FlipAngles> {
  const maxDegrees = options.maxDegrees ?? 90;
  const step = options.stepDegrees ?? 1;
  const bisections = options.bisections ?? 10;
  const bs = options.batchSize ?? 500;
  const rowsPerPass = options.rowsPerPass ?? 4096;
  const steps = Math.ceil(maxDegrees / step - 1e-9);
  const n = pixels.length / 784;
  const angles = new Float32Array(n);
  const check = () => {
    if (options.cancelled?.()) throw new CancelledError();
  };

  for (let start = 0; start < n; start += bs) {
    check();
    const end = Math.min(n, start + bs);
    const m = end - start;
    const report = (f: number, what: string) => options.onProgress?.((start + m * f) / n, `digits ${start + 1}–${end}: ${what}`);
    const ys = Array.from({ length: m }, (_, i) => labels[start + i]);
    const x = tf.tensor2d(pixels.subarray(start * 784, end * 784), [m, 784]);
    const y = tf.tensor1d(ys, 'int32');
    const v = tf.tidy(() => rotationPlane(x, inputGradient(model.fns, model.params, x, y)));
    try {
      // θ = 0: digits already wrong
      const p0 = tf.tidy(() => tf.argMax(model.fns.logits(model.params, x), 1));
      const pred0 = (await p0.data()) as Int32Array;
      p0.dispose();
      /** Index in 1…steps of the first coarse angle that flips each digit (0: wrong at θ = 0; −1: none yet). */
      const first = new Int32Array(m).fill(-1);
      let active: number[] = [];
      for (let i = 0; i < m; i++) {
        if (pred0[i] !== ys[i]) first[i] = 0;
        else active.push(i);
      }
      // the coarse sweep, several angles per pass for the digits not yet flipped
      let k = 1;
      while (k <= steps && active.length > 0) {
        check();
        report(0.7 * (k / steps), `sweep to ${Math.min(steps * step, k * step).toFixed(0)}°`);
        const count = Math.max(1, Math.min(steps - k + 1, Math.floor(rowsPerPass / active.length)));
        const ks = Array.from({ length: count }, (_, j) => k + j);
        const pred = tf.tidy(() => {
          const idx = tf.tensor1d(active, 'int32');
          const xa = tf.expandDims(tf.gather(x, idx), 1); // [a, 1, 784]
          const va = tf.expandDims(tf.gather(v, idx), 1);
          const phi = tf.reshape(tf.tensor1d(ks.map((j) => radians(Math.min(maxDegrees, j * step)))), [1, count, 1]);
          const moved = tf.reshape(tf.add(tf.mul(xa, tf.cos(phi)), tf.mul(va, tf.sin(phi))), [active.length * count, 784]);
          return tf.argMax(model.fns.logits(model.params, moved as tf.Tensor2D), 1);
        });
        const p = (await pred.data()) as Int32Array;
        pred.dispose();
        const still: number[] = [];
        active.forEach((i, a) => {
          for (let j = 0; j < count; j++) {
            if (p[a * count + j] !== ys[i]) {
              first[i] = ks[j];
              return;
            }
          }
          still.push(i);
        });
        active = still;
        k += count;
      }
      // bisection inside the step that brackets each first flip
      const flipped: number[] = [];
      for (let i = 0; i < m; i++) if (first[i] > 0) flipped.push(i);
      const lo = flipped.map((i) => (first[i] - 1) * step);
      const hi = flipped.map((i) => Math.min(maxDegrees, first[i] * step));
      if (flipped.length > 0) {
        const idx = tf.tensor1d(flipped, 'int32');
        const xf = tf.gather(x, idx) as tf.Tensor2D;
        const vf = tf.gather(v, idx) as tf.Tensor2D;
        const yf = flipped.map((i) => ys[i]);
        try {
          for (let b = 0; b < bisections; b++) {
            check();
            report(0.7 + 0.3 * (b / bisections), 'bisection');
            const mid = lo.map((l, j) => (l + hi[j]) / 2);
            const pred = tf.tidy(() => tf.argMax(model.fns.logits(model.params, rotate(xf, vf, tf.tensor1d(mid.map(radians)))), 1));
            const p = (await pred.data()) as Int32Array;
            pred.dispose();
            for (let j = 0; j < flipped.length; j++) {
              if (p[j] !== yf[j]) hi[j] = mid[j];
              else lo[j] = mid[j];
            }
          }
        } finally {
          tf.dispose([idx, xf, vf]);
        }
      }
      for (let i = 0; i < m; i++) angles[start + i] = first[i] < 0 ? Infinity : 0;
      flipped.forEach((i, j) => (angles[start + i] = hi[j]));
    } finally {
      tf.dispose([x, y, v]);
    }
    report(1, 'done');
  }
  return { angles, maxDegrees, resolution: step / 2 ** bisections };
}

/** Percent of the sample misclassified after rotating each digit by `angleDegrees`, from its flipping angles. */
export function errorAtAngle(angles: ArrayLike<number>, angleDegrees: number): number {
  let wrong = 0;
  for (let i = 0; i < angles.length; i++) if (angles[i] <= angleDegrees) wrong++;
  return angles.length === 0 ? 0 : (100 * wrong) / angles.length;
}

/**
 * Iterative ℓ∞ attacks that came after the paper, built on the same pieces as
 * FGSM (`exactSign`, `inputGradient`, the cross-entropy with its true-class
 * term kept):
 *
 * - PGD (Madry et al. 2018): from x (or a uniform random point of the ε-ball
 *   around x), k steps x ← Π(x + α · sign(∇ₓJ)), where Π projects onto the
 *   ε-ball around the clean digit and, when `clip` is on, onto [0, 1]. With
 *   restarts, the strongest restart is kept per digit (misclassified first,
 *   then the lowest probability on the true class).
 * - R+FGSM (Tramèr et al. 2018): a random ±α sign step, then FGSM with ε − α
 *   from there. With α = 0 it is FGSM.
 *
 * Every function works on a whole batch at once; random draws are seeded.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelFunctions, Params } from '../models/architectures.ts';
import { exactSign, inputGradient } from './fgsm.ts';

export interface PgdOptions {
  /** Radius of the ℓ∞ ball around the clean digit. */
  epsilon: number;
  /** Step size α of each signed-gradient step. */
  stepSize: number;
  /** Number of steps k (0 returns the start point). */
  steps: number;
  /** Start from a uniform random point of the ε-ball (true) or from x itself. */
  randomStart: boolean;
  /** Seed of the random start. */
  seed?: number;
  /** Project onto [0, 1] as well as onto the ball (a valid image); default true. */
  clip?: boolean;
}

/** Π: onto the ε-ball around x0 and, when clip, onto [0, 1]. */
export function project(x: tf.Tensor2D, x0: tf.Tensor2D, epsilon: number, clip: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    const inBall = tf.minimum(tf.maximum(x, tf.sub(x0, epsilon)), tf.add(x0, epsilon));
    return (clip ? tf.clipByValue(inBall, 0, 1) : inBall) as tf.Tensor2D;
  });
}

/** A uniform random point of the ε-ball around x (then projected onto [0, 1] when clip). */
export function randomStart(x: tf.Tensor2D, epsilon: number, seed: number, clip: boolean): tf.Tensor2D {
  return tf.tidy(() => project(tf.add(x, tf.randomUniform(x.shape, -epsilon, epsilon, 'float32', seed)) as tf.Tensor2D, x, epsilon, clip));
}

/** One PGD step from x toward higher loss, projected around x0. */
export function pgdStep(
  model: ModelFunctions,
  params: Params,
  x: tf.Tensor2D,
  x0: tf.Tensor2D,
  y: tf.Tensor1D,
  stepSize: number,
  epsilon: number,
  clip: boolean,
): tf.Tensor2D {
  return tf.tidy(() => project(tf.add(x, tf.mul(exactSign(inputGradient(model, params, x, y)), stepSize)) as tf.Tensor2D, x0, epsilon, clip));
}

/** The start point of a PGD run: x, or a seeded random point of the ball. */
export function pgdStart(x: tf.Tensor2D, options: PgdOptions): tf.Tensor2D {
  const clip = options.clip ?? true;
  return options.randomStart ? randomStart(x, options.epsilon, options.seed ?? 0, clip) : (tf.clone(x) as tf.Tensor2D);
}

/**
 * PGD, synchronous (for training objectives and tests): the adversarial batch
 * after k steps. `onStep(i, xi)` sees every iterate (xi is disposed afterwards).
 */
export function pgd(
  model: ModelFunctions,
  params: Params,
  x: tf.Tensor2D,
  y: tf.Tensor1D,
  options: PgdOptions,
  onStep?: (step: number, xi: tf.Tensor2D) => void,
): tf.Tensor2D {
  const clip = options.clip ?? true;
  let xi = pgdStart(x, options);
  onStep?.(0, xi);
  for (let i = 1; i <= options.steps; i++) {
    const next = pgdStep(model, params, xi, x, y, options.stepSize, options.epsilon, clip);
    xi.dispose();
    xi = next;
    onStep?.(i, xi);
  }
  return xi;
}

/** The probability the model gives each digit's true class (lower is a stronger attack). */
export function trueClassProbability(model: ModelFunctions, params: Params, x: tf.Tensor2D, y: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const p = model.probabilities(params, x);
    return tf.sum(tf.mul(p, tf.oneHot(tf.cast(y, 'int32'), p.shape[1])), 1) as tf.Tensor1D;
  });
}

/**
 * How strong an attack point is, per digit, as one number that orders restarts:
 * 1 + (1 − p_y) when the model misclassifies the point, (1 − p_y) when it does
 * not. A misclassified point always beats a correctly classified one; between
 * two of the same kind, the lower probability on the true class wins (for a
 * softmax model, the higher cross-entropy).
 */
export function attackStrength(model: ModelFunctions, params: Params, x: tf.Tensor2D, y: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const p = model.probabilities(params, x);
    const py = tf.sum(tf.mul(p, tf.oneHot(tf.cast(y, 'int32'), p.shape[1])), 1);
    const wrong = tf.cast(tf.notEqual(tf.argMax(p, 1), tf.cast(y, 'int32')), 'float32');
    return tf.add(wrong, tf.sub(1, py)) as tf.Tensor1D;
  });
}

export interface PgdRunOptions extends PgdOptions {
  /** Independent random starts; the strongest result per digit (see `attackStrength`) is kept. Default 1. */
  restarts?: number;
  /**
   * Keep each digit's strongest iterate of the run (start point included), not the last one (Croce & Hein's
   * APGD does the same). Costs one forward pass per step. With no random start and a step of ε, the first
   * iterate is the FGSM point, so the result is then never weaker than FGSM. Default false (Madry et al.'s PGD).
   */
  keepBest?: boolean;
  /** Called after every step of every restart with (steps done, steps in all). */
  onProgress?: (done: number, total: number) => void;
  /** Checked between steps; true stops with the error `cancel()` returns. */
  cancelled?: () => boolean;
  cancel?: () => Error;
}

/**
 * PGD with restarts over one batch, asynchronous between steps so that a
 * worker can report progress and notice cancellation. Restart r draws its
 * start from seed + r (so restart 0 is `pgd` with the same seed). Returns the
 * strongest restart per digit: a misclassified point before a correctly
 * classified one, then the lowest probability on the true class.
 */
export async function pgdWorst(model: ModelFunctions, params: Params, x: tf.Tensor2D, y: tf.Tensor1D, options: PgdRunOptions): Promise<tf.Tensor2D> {
  const restarts = Math.max(1, options.restarts ?? 1);
  const total = restarts * Math.max(1, options.steps);
  let done = 0;
  /** The strongest point so far per digit, and its strength. */
  const acc: { best: tf.Tensor2D | null; strength: tf.Tensor1D | null } = { best: null, strength: null };
  const clip = options.clip ?? true;
  const stop = (xi: tf.Tensor) => {
    tf.dispose([xi, acc.best, acc.strength].filter((t): t is tf.Tensor => t !== null));
    return options.cancel?.() ?? new Error('cancelled');
  };
  /** Keeps, per digit, whichever of the best so far and xi is stronger (xi is consumed). */
  const merge = (xi: tf.Tensor2D) => {
    const s = attackStrength(model, params, xi, y);
    const prev = acc.best;
    const prevS = acc.strength;
    if (prev === null || prevS === null) {
      acc.best = xi;
      acc.strength = s;
      return;
    }
    acc.best = tf.tidy(() => tf.where(tf.tile(tf.reshape(tf.greater(s, prevS), [-1, 1]), [1, x.shape[1]]), xi, prev)) as tf.Tensor2D;
    acc.strength = tf.tidy(() => tf.maximum(s, prevS)) as tf.Tensor1D;
    tf.dispose([prev, prevS, s, xi]);
  };
  for (let r = 0; r < restarts; r++) {
    if (options.cancelled?.()) throw stop(tf.scalar(0));
    let xi = pgdStart(x, { ...options, seed: (options.seed ?? 0) + r });
    if (options.keepBest) merge(tf.clone(xi) as tf.Tensor2D);
    for (let i = 1; i <= options.steps; i++) {
      if (options.cancelled?.()) throw stop(xi);
      const next = pgdStep(model, params, xi, x, y, options.stepSize, options.epsilon, clip);
      xi.dispose();
      xi = next;
      done++;
      if (options.keepBest) merge(tf.clone(xi) as tf.Tensor2D);
      // Waiting for one value of the iterate lets the event loop run (progress, cancel messages) and keeps the
      // progress honest (the step has been computed), without copying the whole batch back each step.
      const probe = tf.slice(xi, [0, 0], [1, 1]);
      await probe.data();
      probe.dispose();
      options.onProgress?.(done, total);
    }
    if (options.keepBest) xi.dispose();
    else merge(xi);
  }
  acc.strength?.dispose();
  return acc.best!;
}

/**
 * R+FGSM (Tramèr et al. 2018): x' = x + α · sign(N(0, I)) (a random ±α step),
 * then x'' = x' + (ε − α) · sign(∇ₓJ(x')), clipped to [0, 1] when asked.
 * The random signs are drawn from `seed`.
 */
export function rfgsm(
  model: ModelFunctions,
  params: Params,
  x: tf.Tensor2D,
  y: tf.Tensor1D,
  epsilon: number,
  alpha: number,
  seed: number,
  options: { clip: boolean } = { clip: true },
): tf.Tensor2D {
  return tf.tidy(() => {
    const clip = (t: tf.Tensor) => (options.clip ? tf.clipByValue(t, 0, 1) : t) as tf.Tensor2D;
    const signs = tf.sub(tf.mul(tf.cast(tf.less(tf.randomUniform(x.shape, 0, 1, 'float32', seed), 0.5), 'float32'), 2), 1);
    const first = alpha === 0 ? x : clip(tf.add(x, tf.mul(signs, alpha)));
    return clip(tf.add(first, tf.mul(exactSign(inputGradient(model, params, first, y)), epsilon - alpha)));
  });
}

/**
 * The fast gradient sign method (§4): η = ε · sign(∇ₓ J(θ, x, y)).
 *
 * Two traps (see the README's development notes): `tf.sign` returns 0 on the
 * wasm backend for |g| ≤ 1e-7, and a confident model's input gradients are that
 * small, so the sign is built from comparisons; and the loss is computed from
 * logits, because a loss through clipped probabilities has a zero gradient on
 * webgl for confident digits.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelFunctions, Params } from '../models/architectures.ts';
import { argMax } from '../argmax.ts';

export { argMax };

/** sign(g) ∈ {−1, 0, 1}, exact for every magnitude on every backend. */
export function exactSign(g: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.cast(tf.greater(g, 0), 'float32'), tf.cast(tf.less(g, 0), 'float32')));
}

/** ∇ₓ J(θ, x, y) for each row of x (the loss is summed, so rows do not mix). */
export function inputGradient(model: ModelFunctions, params: Params, x: tf.Tensor2D, y: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => tf.grad((xi: tf.Tensor) => model.loss(params, xi as tf.Tensor2D, y))(x) as tf.Tensor2D);
}

export interface FgsmResult {
  /** sign(∇ₓJ), one row per input. */
  direction: tf.Tensor2D;
  /** x + ε·sign(∇ₓJ), clipped to [0, 1] when asked. */
  adversarial: tf.Tensor2D;
}

export function fgsm(
  model: ModelFunctions,
  params: Params,
  x: tf.Tensor2D,
  y: tf.Tensor1D,
  epsilon: number,
  options: { clip: boolean } = { clip: true },
): FgsmResult {
  return tf.tidy(() => {
    const direction = exactSign(inputGradient(model, params, x, y)) as tf.Tensor2D;
    const moved = tf.add(x, tf.mul(direction, epsilon));
    const adversarial = (options.clip ? tf.clipByValue(moved, 0, 1) : moved) as tf.Tensor2D;
    return { direction, adversarial };
  });
}

export interface FgsmExample {
  /** The label the attack moved away from: the true label, or the model's own prediction for a drawn digit. */
  label: number;
  clean: Float32Array;
  cleanProbabilities: Float32Array;
  direction: Float32Array;
  adversarial: Float32Array;
  adversarialProbabilities: Float32Array;
}

/**
 * One digit through FGSM, read back asynchronously (synchronous reads return
 * zeros on WebGPU). With label = null the attack uses the model's prediction.
 */
export async function fgsmExample(
  model: ModelFunctions,
  params: Params,
  pixels: Float32Array,
  label: number | null,
  epsilon: number,
): Promise<FgsmExample> {
  const x = tf.tensor2d(pixels, [1, pixels.length]);
  const cleanP = model.probabilities(params, x);
  const cleanProbabilities = (await cleanP.data()) as Float32Array;
  const used = label ?? argMax(cleanProbabilities);
  const y = tf.tensor1d([used], 'int32');
  const { direction, adversarial } = fgsm(model, params, x, y, epsilon, { clip: true });
  const advP = model.probabilities(params, adversarial);
  const [d, a, p] = await Promise.all([direction.data(), adversarial.data(), advP.data()]);
  tf.dispose([x, cleanP, y, direction, adversarial, advP]);
  return {
    label: used,
    clean: pixels,
    cleanProbabilities,
    direction: d as Float32Array,
    adversarial: a as Float32Array,
    adversarialProbabilities: p as Float32Array,
  };
}


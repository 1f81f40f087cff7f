/**
 * Each model of the paper as a pure function of its parameters.
 * `logits` maps a batch x (N × 784, pixels in [0, 1]) to the model's pre-output
 * scores; `loss` is the per-batch *sum* of the training cost J(θ, x, y), computed
 * from logits with a stable log-softmax (never through clipped probabilities);
 * `probabilities` is what the model reports as its confidence.
 */
import * as tf from '@tensorflow/tfjs';

export type Params = Record<string, tf.Tensor>;

export type Architecture =
  | { kind: 'softmax'; inputs: number; classes: number };

export interface ModelFunctions {
  logits(params: Params, x: tf.Tensor2D): tf.Tensor2D;
  /** Sum over the batch of J(θ, x, y); y holds integer class labels. */
  loss(params: Params, x: tf.Tensor2D, y: tf.Tensor1D): tf.Scalar;
  probabilities(params: Params, x: tf.Tensor2D): tf.Tensor2D;
  /** Parameter names and shapes. */
  shapes(): Record<string, number[]>;
}

/** Σᵢ −log softmax(zᵢ)[yᵢ], computed stably from logits. */
export function softmaxCrossEntropySum(logits: tf.Tensor2D, y: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const oneHot = tf.oneHot(tf.cast(y, 'int32'), logits.shape[1]);
    return tf.neg(tf.sum(tf.mul(oneHot, logp)));
  });
}

function softmaxRegression(a: { inputs: number; classes: number }): ModelFunctions {
  const logits = (p: Params, x: tf.Tensor2D) =>
    tf.tidy(() => tf.add(tf.matMul(x, p.W as tf.Tensor2D), p.b) as tf.Tensor2D);
  return {
    logits,
    loss: (p, x, y) => tf.tidy(() => softmaxCrossEntropySum(logits(p, x), y)),
    probabilities: (p, x) => tf.tidy(() => tf.softmax(logits(p, x))),
    shapes: () => ({ W: [a.inputs, a.classes], b: [a.classes] }),
  };
}

export function modelFunctions(arch: Architecture): ModelFunctions {
  switch (arch.kind) {
    case 'softmax':
      return softmaxRegression(arch);
  }
}

export function parameterCount(arch: Architecture): number {
  const shapes = modelFunctions(arch).shapes();
  return Object.values(shapes).reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
}

/**
 * "The paper's setting": the cross-entropy gradient as Theano and pylearn2
 * computed it in 2014, ∂J/∂zₖ = pₖ − [k = y] in float32. For a digit the model
 * is sure of, p_y rounds to exactly 1 and the true class's term vanishes, so
 * FGSM only pushes the wrong classes up. The site's own loss
 * (`softmaxCrossEntropySum`) keeps that term as −Σ_{k≠y} pₖ. Comparing the two
 * shows how much of the paper's FGSM numbers this rounding explains.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelFunctions } from '../models/architectures.ts';

/** Σᵢ −log softmax(zᵢ)[yᵢ] with the naive gradient p − onehot, computed in float32. */
export function naiveSoftmaxCrossEntropySum(logits: tf.Tensor2D, y: tf.Tensor1D): tf.Scalar {
  const oneHot = tf.tidy(() => tf.oneHot(tf.cast(y, 'int32'), logits.shape[1]) as tf.Tensor2D);
  const loss = tf.customGrad(((z: tf.Tensor, target: tf.Tensor, save: tf.GradSaveFunc) => {
    save([z, target]);
    return {
      value: tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(z as tf.Tensor2D)))),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [zs, t] = saved;
        return [tf.mul(tf.sub(tf.softmax(zs as tf.Tensor2D), t), dy as tf.Tensor), tf.zerosLike(t)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const value = loss(logits, oneHot) as tf.Scalar;
  oneHot.dispose();
  return value;
}

/**
 * The same model with its loss's gradient computed the naive way. Only models
 * with a softmax output have this distinction; others are returned unchanged.
 */
export function withNaiveGradient(model: ModelFunctions): ModelFunctions {
  if (model.output !== 'softmax') return model;
  return {
    ...model,
    loss: (p, x, y, training) => tf.tidy(() => naiveSoftmaxCrossEntropySum(model.logits(p, x, training), y)),
  };
}

/**
 * "The paper's setting": the cross-entropy gradient as Theano and pylearn2
 * computed it in 2014, ∂J/∂zₖ = pₖ − [k = y] in float32. For a digit the model
 * is sure of, p_y rounds to exactly 1 and the true class's term vanishes, so
 * FGSM only pushes the wrong classes up. The site's own loss
 * (`softmaxCrossEntropySum`) keeps that term as −Σ_{k≠y} pₖ. Comparing the two
 * shows how much of the paper's FGSM numbers this rounding explains.
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropyWithGradient, type ModelFunctions } from '../models/architectures.ts';

/** Σᵢ −log softmax(zᵢ)[yᵢ] with the naive gradient p − onehot, computed in float32. */
export function naiveSoftmaxCrossEntropySum(logits: tf.Tensor2D, y: tf.Tensor1D): tf.Scalar {
  return crossEntropyWithGradient(logits, y, (p, t) => tf.sub(p, t));
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

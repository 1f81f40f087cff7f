/** Decoded weights (plain arrays) to the tensors a model function takes. */
import * as tf from '@tensorflow/tfjs';
import type { Params } from './architectures.ts';
import type { DecodedTensor } from './loader.ts';

export function toParams(tensors: Record<string, DecodedTensor>): Params {
  const params: Params = {};
  for (const [name, t] of Object.entries(tensors)) params[name] = tf.tensor(t.values, t.shape);
  return params;
}

/**
 * The training loop: minibatch Adam on a model's objective, with a seeded
 * shuffle per epoch (seed + epoch), so that a run resumed from a checkpoint at
 * an epoch boundary draws the same batches as one that never stopped.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelFunctions, Params } from '../models/architectures.ts';
import { permutation, seeded } from '../random.ts';

/** The per-batch objective to minimise (a mean over the batch). */
export type Objective = (params: Params, x: tf.Tensor2D, y: tf.Tensor1D) => tf.Scalar;

/** The ordinary objective: mean J(θ, x, y). */
export function ordinaryObjective(model: ModelFunctions): Objective {
  return (params, x, y) => tf.tidy(() => tf.div(model.loss(params, x, y), x.shape[0]) as tf.Scalar);
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Epoch to start from (a resumed run); the optimiser state must match it. */
  startEpoch?: number;
  optimizer?: tf.AdamOptimizer;
  onBatch?: (epoch: number, batch: number, batches: number, loss: number) => void;
  onEpoch?: (epoch: number, meanLoss: number, optimizer: tf.AdamOptimizer) => Promise<void> | void;
}

export interface TrainingSet {
  count: number;
  /** count × 784 floats in [0, 1] */
  pixels: Float32Array;
  labels: Uint8Array;
}

export async function train(
  variables: Record<string, tf.Variable>,
  objective: Objective,
  data: TrainingSet,
  options: TrainOptions,
): Promise<tf.AdamOptimizer> {
  const optimizer = options.optimizer ?? tf.train.adam(options.learningRate);
  const batches = Math.ceil(data.count / options.batchSize);
  const xBuffer = new Float32Array(options.batchSize * 784);
  const yBuffer = new Int32Array(options.batchSize);
  for (let epoch = options.startEpoch ?? 0; epoch < options.epochs; epoch++) {
    const order = permutation(data.count, seeded(options.seed * 1000003 + epoch));
    let lossSum = 0;
    for (let b = 0; b < batches; b++) {
      const start = b * options.batchSize;
      const size = Math.min(options.batchSize, data.count - start);
      for (let i = 0; i < size; i++) {
        const k = order[start + i];
        xBuffer.set(data.pixels.subarray(k * 784, (k + 1) * 784), i * 784);
        yBuffer[i] = data.labels[k];
      }
      const x = tf.tensor2d(xBuffer.subarray(0, size * 784), [size, 784]);
      const y = tf.tensor1d(yBuffer.subarray(0, size), 'int32');
      const cost = optimizer.minimize(() => objective(variables, x, y), true, Object.values(variables));
      const value = (await cost!.data())[0];
      tf.dispose([x, y, cost!]);
      lossSum += value;
      options.onBatch?.(epoch, b, batches, value);
    }
    await options.onEpoch?.(epoch, lossSum / batches, optimizer);
  }
  return optimizer;
}

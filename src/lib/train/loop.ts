/**
 * The training loop: minibatch steps of an optimiser (Adam, or the maxout
 * paper's SGD with momentum) on an objective, with a seeded shuffle per
 * epoch and a seed per step (for dropout and noise) derived from the run's
 * seed, the epoch and the batch, so that a run resumed from a checkpoint at an
 * epoch boundary draws exactly what an uninterrupted run draws.
 */
import * as tf from '@tensorflow/tfjs';
import { permutation, seeded } from '../random.ts';
import type { Objective } from './objectives.ts';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  seed: number;
  /** tf.train's optimisers, or anything with their `minimize` (src/lib/optim/momentum-sgd.ts). */
  optimizer: Pick<tf.Optimizer, 'minimize'>;
  /** Epoch to start from (a resumed run); the optimiser state must match it. */
  startEpoch?: number;
  /** Called before each epoch's first batch (schedules set the learning rate and momentum here). */
  onEpochStart?: (epoch: number) => void;
  onBatch?: (epoch: number, batch: number, batches: number, loss: number) => void;
  onEpoch?: (epoch: number, meanLoss: number) => Promise<void> | void;
  /** Checked between batches; a true value stops after the current batch. */
  shouldStop?: () => boolean;
}

export interface TrainingSet {
  count: number;
  /** count × 784 floats in [0, 1] */
  pixels: Float32Array;
  /** Class indices. */
  labels: Uint8Array;
}

export function stepSeed(seed: number, epoch: number, batch: number): number {
  return ((seed * 1000003) ^ (epoch * 7919 + batch * 104729)) >>> 0;
}

export async function train(variables: Record<string, tf.Variable>, objective: Objective, data: TrainingSet, options: TrainOptions): Promise<void> {
  const batches = Math.ceil(data.count / options.batchSize);
  const xBuffer = new Float32Array(options.batchSize * 784);
  const yBuffer = new Int32Array(options.batchSize);
  const list = Object.values(variables);
  for (let epoch = options.startEpoch ?? 0; epoch < options.epochs; epoch++) {
    const order = permutation(data.count, seeded(options.seed * 1000003 + epoch));
    options.onEpochStart?.(epoch);
    let lossSum = 0;
    for (let b = 0; b < batches; b++) {
      if (options.shouldStop?.()) return;
      const start = b * options.batchSize;
      const size = Math.min(options.batchSize, data.count - start);
      for (let i = 0; i < size; i++) {
        const k = order[start + i];
        xBuffer.set(data.pixels.subarray(k * 784, (k + 1) * 784), i * 784);
        yBuffer[i] = data.labels[k];
      }
      const cost = tf.tidy(() => {
        const x = tf.tensor2d(xBuffer.subarray(0, size * 784), [size, 784]);
        const y = tf.tensor1d(yBuffer.subarray(0, size), 'int32');
        const lossFn = objective(variables, x, y, { seed: stepSeed(options.seed, epoch, b), epochsDone: epoch + b / batches });
        return options.optimizer.minimize(lossFn, true, list)!;
      });
      const value = (await cost.data())[0];
      cost.dispose();
      lossSum += value;
      options.onBatch?.(epoch, b, batches, value);
    }
    await options.onEpoch?.(epoch, lossSum / batches);
  }
}

/**
 * §6 trained live: two copies of one small maxout network (one hidden layer
 * of 100 units with 2 pieces each, no dropout) start from the same seeded
 * weights and see the same seeded batches; one minimises the ordinary cost
 * J, the other the paper's adversarial objective
 *
 *     J̃(θ, x, y) = α J(θ, x, y) + (1 − α) J(θ, x + ε sign(∇ₓJ(θ, x, y)), y),
 *
 * both with the objectives of `objectives.ts` and the site's training loop,
 * one epoch at a time so that the caller can pause between epochs. After each
 * epoch both are measured on the test digits: clean error, and error on FGSM
 * examples at the same ε, clipped to [0, 1] (`fgsmEvaluation`, as the
 * reproduction measures the shipped models).
 */
import type { Cancellable } from '../progress.ts';
import * as tf from '@tensorflow/tfjs';
import { modelFunctions, type Architecture, type ModelFunctions } from '../models/architectures.ts';
import { fgsmEvaluation } from '../analysis/fgsm-evaluation.ts';
import { initialWeights } from '../analysis/non-robust.ts';
import { CancelledError } from '../analysis/batch.ts';
import { train, type TrainingSet } from './loop.ts';
import { adversarialObjective, ordinaryObjective, type Objective } from './objectives.ts';

export const TRAININGS = ['ordinary', 'adversarial'] as const;
export type TrainingName = (typeof TRAININGS)[number];

/** The network both trainings start from. */
export const LIVE_NET: Architecture = { kind: 'maxout', inputs: 784, units: [100], pieces: 2, classes: 10, dropout: { input: 1, hidden: 1 } };

export interface LiveSettings {
  seed: number;
  /** Weight of the clean cost in J̃. */
  alpha: number;
  /** ε of the adversarial objective and of the FGSM test. */
  epsilon: number;
  batchSize?: number;
  learningRate?: number;
}

export interface TrainingEpoch {
  /** Mean over the epoch's batches of the objective the training minimises. */
  loss: number;
  /** Percent of test digits misclassified, clean. */
  cleanError: number;
  /** Percent misclassified after FGSM at ε, clipped to [0, 1]. */
  fgsmError: number;
}

export interface LiveEpoch {
  /** 1 for the first epoch. */
  epoch: number;
  runs: Record<TrainingName, TrainingEpoch>;
}

export interface EpochOptions extends Cancellable {
}

interface Run {
  variables: Record<string, tf.Variable>;
  optimizer: tf.Optimizer;
  objective: Objective;
}

export class AdversarialTrainingRun {
  readonly settings: LiveSettings;
  private fns: ModelFunctions = modelFunctions(LIVE_NET);
  private runs: Record<TrainingName, Run>;
  private trainSet: TrainingSet;
  private test: { pixels: Float32Array; labels: Uint8Array };
  epochsDone = 0;

  constructor(trainSet: TrainingSet, test: { pixels: Float32Array; labels: Uint8Array }, settings: LiveSettings) {
    const { alpha, epsilon, seed } = settings;
    if (!(alpha >= 0 && alpha <= 1) || !(epsilon >= 0 && epsilon <= 1) || !Number.isInteger(seed)) {
      throw new RangeError(`α and ε must be from 0 to 1 and the seed a whole number, got α = ${alpha}, ε = ${epsilon}, seed ${seed}`);
    }
    this.settings = settings;
    this.trainSet = trainSet;
    this.test = test;
    const init = initialWeights(LIVE_NET, seed);
    const make = (objective: Objective): Run => {
      const variables: Record<string, tf.Variable> = {};
      for (const [name, shape] of Object.entries(this.fns.shapes())) {
        const value = tf.tensor(init[name], shape);
        variables[name] = tf.variable(value, true);
        value.dispose();
      }
      return { variables, optimizer: tf.train.adam(settings.learningRate ?? 0.002), objective };
    };
    this.runs = {
      ordinary: make(ordinaryObjective(this.fns)),
      adversarial: make(adversarialObjective(this.fns, alpha, epsilon)),
    };
  }

  /** Trains both networks one more epoch (on the same batches) and measures them on the test digits. */
  async epoch(options: EpochOptions = {}): Promise<LiveEpoch> {
    const e = this.epochsDone;
    const out = {} as Record<TrainingName, TrainingEpoch>;
    // the adversarial epoch costs about three ordinary ones (an input gradient and a second pass)
    const weight: Record<TrainingName, [number, number]> = { ordinary: [0, 0.2], adversarial: [0.2, 0.85] };
    for (const name of TRAININGS) {
      const run = this.runs[name];
      let loss = 0;
      let stopped = false;
      const [a, b] = weight[name];
      await train(run.variables, run.objective, this.trainSet, {
        epochs: e + 1,
        startEpoch: e,
        batchSize: this.settings.batchSize ?? 100,
        seed: this.settings.seed,
        optimizer: run.optimizer,
        onBatch: (_epoch, batch, batches) => options.onProgress?.(a + ((b - a) * (batch + 1)) / batches, `epoch ${e + 1}: ${name} training`),
        onEpoch: (_epoch, meanLoss) => {
          loss = meanLoss;
        },
        shouldStop: () => (stopped = stopped || !!options.cancelled?.()),
      });
      // a stop inside an epoch leaves this training part-way through it: the caller starts a fresh session
      if (stopped) throw new CancelledError();
      out[name] = { loss, cleanError: 0, fgsmError: 0 };
    }
    for (const [i, name] of TRAININGS.entries()) {
      if (options.cancelled?.()) throw new CancelledError();
      const m = await fgsmEvaluation(this.fns, this.runs[name].variables, this.test.pixels, this.test.labels, this.settings.epsilon, {
        batchSize: 500,
        onProgress: (f) => options.onProgress?.(0.85 + 0.075 * (i + f), `epoch ${e + 1}: testing the ${name} network`),
      });
      out[name].cleanError = m.cleanError;
      out[name].fgsmError = m.fgsmError;
    }
    this.epochsDone = e + 1;
    return { epoch: e + 1, runs: out };
  }

  /** One of the two networks as it stands (its parameters stay the run's). */
  network(name: TrainingName): { fns: ModelFunctions; params: Record<string, tf.Variable> } {
    return { fns: this.fns, params: this.runs[name].variables };
  }

  dispose(): void {
    for (const run of Object.values(this.runs)) {
      Object.values(run.variables).forEach((v) => v.dispose());
      run.optimizer.dispose();
    }
  }
}

/**
 * §5's comparison, trained live: logistic regression on 3 vs 7 three ways,
 * side by side, from the same seeded start and the same seeded batches:
 *   plain        E ζ(−y(wᵀx + b))
 *   adversarial  E ζ(ε‖w‖₁ − y(wᵀx + b))        (the correct form of the paper's objective)
 *   decay        E ζ(−y(wᵀx + b)) + λ‖w‖₁       (L¹ weight decay, the penalty outside ζ)
 * with the objectives of `objectives.ts` and the site's training loop, one
 * epoch at a time so that the caller can pause between epochs. After each
 * epoch every run is measured: its training loss, the part of it the penalty
 * costs, its error on the training digits, and its clean and FGSM error on the
 * test 3s and 7s (FGSM at ε, clipped to [0, 1]).
 */
import * as tf from '@tensorflow/tfjs';
import { modelFunctions, type Architecture } from '../models/architectures.ts';
import { fgsmImages, predict, summarise, type Model } from '../analysis/batch.ts';
import type { DigitSample } from '../analysis/reproduce.ts';
import { seeded } from '../random.ts';
import { train, type TrainingSet } from './loop.ts';
import { logisticAdversarialObjective, logisticL1Objective, ordinaryObjective, softplus, type Objective } from './objectives.ts';

export const RUNS = ['plain', 'adversarial', 'decay'] as const;
export type RunName = (typeof RUNS)[number];

export const LOGISTIC_3V7: Architecture = { kind: 'logistic', inputs: 784, negative: 3, positive: 7 };

export interface RaceSettings {
  seed: number;
  /** ε of the adversarial objective and of the FGSM test. */
  epsilon: number;
  /** λ of the L¹ weight decay. */
  lambda: number;
  batchSize?: number;
  learningRate?: number;
}

export interface RunEpoch {
  run: RunName;
  /** Mean over the epoch's batches of the objective the run minimises. */
  loss: number;
  /** At the end of the epoch, on all training digits: E ζ(−y(wᵀx + b)). */
  cleanLoss: number;
  /** What the penalty adds to it: objective − clean loss (0 for plain; λ‖w‖₁ for decay; E[ζ(ε‖w‖₁ − m) − ζ(−m)] for adversarial). */
  penalty: number;
  /** ‖w‖₁. */
  l1: number;
  /** Percent of the training digits misclassified. */
  trainError: number;
  /** Percent of the test 3s and 7s misclassified, clean and after FGSM at ε (clipped). */
  cleanError: number;
  fgsmError: number;
  /** w, 784 values, and b. */
  weights: Float32Array;
  bias: number;
}

export interface RaceEpoch {
  /** 1-based: the number of epochs trained. */
  epoch: number;
  runs: RunEpoch[];
}

/** The 3s and 7s of a digit set, labelled as the 3-vs-7 model's class indices (3 → 0, 7 → 1). */
export function threesAndSevens(pixels: Float32Array, labels: ArrayLike<number>): TrainingSet {
  const idx: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === 3 || labels[i] === 7) idx.push(i);
  const out = new Float32Array(idx.length * 784);
  const lb = new Uint8Array(idx.length);
  idx.forEach((k, j) => {
    out.set(pixels.subarray(k * 784, (k + 1) * 784), j * 784);
    lb[j] = labels[k] === 7 ? 1 : 0;
  });
  return { count: idx.length, pixels: out, labels: lb };
}

/** The same seeded start as the training script's: w ~ N(0, 2/785) per weight, b = 0. */
export function initialWeights(seed: number): Float32Array {
  const random = seeded(seed);
  const scale = Math.sqrt(2 / (784 + 1));
  const w = new Float32Array(784);
  for (let i = 0; i < 784; i++) w[i] = random.normal() * scale;
  return w;
}

export function objectiveOf(run: RunName, settings: RaceSettings): Objective {
  if (run === 'adversarial') return logisticAdversarialObjective(settings.epsilon);
  if (run === 'decay') return logisticL1Objective(settings.lambda);
  return ordinaryObjective(modelFunctions(LOGISTIC_3V7));
}

/** A trainable variable holding a copy of t; t itself is freed (a variable made from a tensor keeps it alive otherwise). */
function variableFrom(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t, true);
  t.dispose();
  return v;
}

interface Run {
  name: RunName;
  variables: { w: tf.Variable; b: tf.Variable };
  optimizer: tf.Optimizer;
  objective: Objective;
}

/**
 * Three runs trained in lock step. `epoch()` trains each run one more epoch
 * (the same seeded shuffle for all three) and measures them; `dispose()`
 * frees every tensor it holds.
 */
export class WeightDecayRace {
  readonly settings: Required<RaceSettings>;
  readonly train: TrainingSet;
  readonly test: TrainingSet;
  private runs: Run[];
  private trained = 0;
  private disposed = false;

  constructor(trainSet: TrainingSet, testSet: TrainingSet | DigitSample, settings: RaceSettings) {
    if (!Number.isFinite(settings.epsilon) || settings.epsilon < 0 || settings.epsilon > 1) throw new RangeError(`ε must be a number from 0 to 1, got ${settings.epsilon}`);
    if (!Number.isFinite(settings.lambda) || settings.lambda < 0 || settings.lambda > 1) throw new RangeError(`λ must be a number from 0 to 1, got ${settings.lambda}`);
    if (!Number.isInteger(settings.seed) || settings.seed < 0) throw new RangeError(`the seed must be a whole number ≥ 0, got ${settings.seed}`);
    this.settings = { batchSize: 128, learningRate: 0.01, ...settings };
    this.train = trainSet;
    this.test = 'count' in testSet ? testSet : { count: testSet.labels.length, pixels: testSet.pixels, labels: testSet.labels };
    const w0 = initialWeights(settings.seed);
    this.runs = RUNS.map((name) => ({
      name,
      variables: { w: variableFrom(tf.tensor2d(w0, [784, 1])), b: variableFrom(tf.zeros([1])) },
      optimizer: tf.train.adam(this.settings.learningRate),
      objective: objectiveOf(name, this.settings),
    }));
  }

  get epochsTrained(): number {
    return this.trained;
  }

  /** Trains every run one more epoch and measures it. */
  async epoch(): Promise<RaceEpoch> {
    if (this.disposed) throw new Error('this training was reset');
    const e = this.trained;
    const runs: RunEpoch[] = [];
    for (const run of this.runs) {
      let mean = NaN;
      await train(run.variables, run.objective, this.train, {
        epochs: e + 1,
        startEpoch: e,
        batchSize: this.settings.batchSize,
        seed: this.settings.seed,
        optimizer: run.optimizer,
        onEpoch: (_epoch, loss) => {
          mean = loss;
        },
      });
      runs.push({ ...(await this.measure(run)), loss: mean });
    }
    this.trained = e + 1;
    return { epoch: this.trained, runs };
  }

  private async measure(run: Run): Promise<Omit<RunEpoch, 'loss'>> {
    const { epsilon, lambda } = this.settings;
    const { w, b } = run.variables;
    const stats = tf.tidy(() => {
      const x = tf.tensor2d(this.train.pixels, [this.train.count, 784]);
      const y = tf.sub(tf.mul(tf.cast(tf.tensor1d(this.train.labels, 'int32'), 'float32'), 2), 1);
      const margin = tf.mul(y, tf.reshape(tf.add(tf.matMul(x, w), b), [-1]));
      const l1 = tf.sum(tf.abs(w));
      const clean = softplus(tf.neg(margin));
      const penalty =
        run.name === 'adversarial' ? tf.mean(tf.sub(softplus(tf.sub(tf.mul(l1, epsilon), margin)), clean)) : run.name === 'decay' ? tf.mul(l1, lambda) : tf.scalar(0);
      const wrong = tf.mean(tf.cast(tf.lessEqual(margin, 0), 'float32'));
      return tf.stack([tf.mean(clean), penalty, l1, wrong]);
    });
    const [s, weights, bias] = await Promise.all([stats.data(), w.data(), b.data()]);
    stats.dispose();
    const model: Model = { name: run.name, architecture: LOGISTIC_3V7, fns: modelFunctions(LOGISTIC_3V7), params: run.variables };
    const clean = summarise(await predict(model, this.test.pixels, { batchSize: 2500 }), this.test.labels);
    const attacked = await fgsmImages(model, this.test.pixels, this.test.labels, epsilon, true, { batchSize: 2500 });
    const fgsm = summarise(await predict(model, attacked, { batchSize: 2500 }), this.test.labels);
    return {
      run: run.name,
      cleanLoss: s[0],
      penalty: s[1],
      l1: s[2],
      trainError: 100 * s[3],
      cleanError: clean.error,
      fgsmError: fgsm.error,
      weights: weights as Float32Array,
      bias: bias[0],
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const run of this.runs) {
      run.optimizer.dispose();
      tf.dispose([run.variables.w, run.variables.b]);
    }
  }
}

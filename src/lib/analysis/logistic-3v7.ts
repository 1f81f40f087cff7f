/**
 * The paper's Fig. 2 (§5) from a shipped 3-vs-7 logistic regression: (a) its
 * weights w, (b) their sign, which is the optimal perturbation (η = −ε y sign(w)
 * for y ∈ {−1, 1}, 7 the positive class), (c) clean 3s and 7s of the test set
 * with the model's predictions and the clean error over all test 3s and 7s,
 * (d) the same digits after FGSM at ε and the error under FGSM.
 *
 * The error numbers come from row 5 of the reproduction (`row5`) for the plain
 * model and from the same `Reproduction` primitives for its adversarially
 * trained and L¹-decayed twins, so the figure and the results table cannot
 * disagree.
 */
import type { Cancellable } from '../progress.ts';
import * as tf from '@tensorflow/tfjs';
import { exactSign } from '../attacks/fgsm.ts';
import { classLabels } from '../models/architectures.ts';
import { summarise, type AttackSummary, type Model } from './batch.ts';
import { Reproduction, row5, type DigitSample, type RowResult } from './reproduce.ts';

export const LOGISTIC_MODELS = ['logistic-3v7', 'logistic-3v7-adv', 'logistic-3v7-l1'] as const;
export type LogisticModelName = (typeof LOGISTIC_MODELS)[number];

export { PAPER_FIG2 } from './page-values.ts';

export interface ShownDigits {
  /** Index of each shown digit in the official test set. */
  testIndex: number[];
  /** The digit each one is (3 or 7). */
  labels: number[];
  /** count × 784, clean. */
  clean: Float32Array;
  cleanPredicted: number[];
  cleanConfidence: number[];
  /** count × 784, x + ε sign(∇ₓJ) clipped to [0, 1]. */
  adversarial: Float32Array;
  adversarialPredicted: number[];
  adversarialConfidence: number[];
}

export interface Logistic3v7Figure {
  model: string;
  epsilon: number;
  /** w (784) and b. */
  weights: Float32Array;
  bias: number;
  /** sign(w) ∈ {−1, 0, 1}: the direction FGSM moves every 3 (a 7 moves along −sign(w)). */
  sign: Float32Array;
  /** ‖w‖₁: the margin the attack takes from every digit is ε‖w‖₁. */
  l1: number;
  /** Over all test 3s and 7s of the sample. */
  clean: AttackSummary;
  fgsm: { clipped: AttackSummary; unclipped: AttackSummary };
  digits: ShownDigits;
  /** Row 5 of the reproduction (the plain model only), as the results table shows it. */
  row5: RowResult[] | null;
}

export interface Logistic3v7Options extends Cancellable {
  /** Loads a shipped model by name. */
  model(name: string): Promise<Model>;
  /** The test digits (all 10,000 for the paper's numbers). */
  test: DigitSample;
  modelName: LogisticModelName;
  epsilon: number;
  /** Digits shown of each class. */
  perClass?: number;
}

/** The test-set indices of the first `perClass` 3s and the first `perClass` 7s, in test order. */
export function shownIndices(labels: ArrayLike<number>, perClass: number): number[] {
  const threes: number[] = [];
  const sevens: number[] = [];
  for (let i = 0; i < labels.length && (threes.length < perClass || sevens.length < perClass); i++) {
    if (labels[i] === 3 && threes.length < perClass) threes.push(i);
    if (labels[i] === 7 && sevens.length < perClass) sevens.push(i);
  }
  return [...threes, ...sevens];
}

export async function logistic3v7Figure(options: Logistic3v7Options): Promise<Logistic3v7Figure> {
  const { modelName, epsilon } = options;
  if (!(LOGISTIC_MODELS as readonly string[]).includes(modelName)) throw new RangeError(`not a 3-vs-7 model: ${modelName}`);
  if (!Number.isFinite(epsilon) || epsilon < 0 || epsilon > 1) throw new RangeError(`ε must be a number from 0 to 1, got ${epsilon}`);
  const r = new Reproduction({ model: options.model, test: options.test, epsilon, onProgress: options.onProgress, cancelled: options.cancelled });
  r.setStage(0, 1, `${modelName}: clean and FGSM on the test 3s and 7s`);
  const m = await r.model(modelName);
  if (m.architecture.kind !== 'logistic') throw new RangeError(`${modelName} is not a logistic regression`);
  const sample = r.sampleFor(m);
  const rows = modelName === 'logistic-3v7' ? await row5(r) : null;
  const [cleanP, clippedP, unclippedP, adversarial] = await Promise.all([
    r.predictions(modelName, 'clean'),
    r.predictions(modelName, { madeOn: modelName, clip: 'clipped' }),
    r.predictions(modelName, { madeOn: modelName, clip: 'unclipped' }),
    r.adversarial(modelName, 'clipped'),
  ]);

  const w = m.params.w as tf.Tensor;
  const signT = exactSign(w);
  const l1T = tf.tidy(() => tf.sum(tf.abs(w)));
  const [weights, bias, sign, l1] = await Promise.all([w.data(), (m.params.b as tf.Tensor).data(), signT.data(), l1T.data()]);
  tf.dispose([signT, l1T]);

  // The shown digits: the first few 3s and 7s of the test set, at their place in the 3-vs-7 sample.
  const names = classLabels(m.architecture);
  const testLabels = options.test.labels;
  const idx = shownIndices(testLabels, options.perClass ?? 5);
  const positionInSample = new Map<number, number>();
  for (let i = 0, j = 0; i < testLabels.length; i++) if (testLabels[i] === 3 || testLabels[i] === 7) positionInSample.set(i, j++);
  const at = idx.map((i) => positionInSample.get(i)!);
  const gather = (source: Float32Array) => {
    const out = new Float32Array(at.length * 784);
    at.forEach((j, k) => out.set(source.subarray(j * 784, (j + 1) * 784), k * 784));
    return out;
  };
  options.onProgress?.(1, 'done');
  return {
    model: modelName,
    epsilon,
    weights: weights as Float32Array,
    bias: bias[0],
    sign: sign as Float32Array,
    l1: l1[0],
    clean: summarise(cleanP, sample.labels),
    fgsm: { clipped: summarise(clippedP, sample.labels), unclipped: summarise(unclippedP, sample.labels) },
    digits: {
      testIndex: idx,
      labels: idx.map((i) => testLabels[i]),
      clean: gather(sample.pixels),
      cleanPredicted: at.map((j) => names[cleanP.predicted[j]]),
      cleanConfidence: at.map((j) => cleanP.confidence[j]),
      adversarial: gather(adversarial),
      adversarialPredicted: at.map((j) => names[clippedP.predicted[j]]),
      adversarialConfidence: at.map((j) => clippedP.confidence[j]),
    },
    row5: rows,
  };
}

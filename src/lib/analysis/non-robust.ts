/**
 * Ilyas et al. 2019's D_det experiment, on MNIST: every training digit x of
 * class y is made a targeted adversarial example toward t = (y + 1) mod 10 on
 * a trained source model, within ‖x' − x‖∞ ≤ ε, and labelled t. A fresh model
 * (the student) learns from those pairs only and is tested on the real, clean
 * test digits. To a person each x' still shows its old class y, the wrong one:
 * whatever lets the student beat chance on clean digits came through the
 * perturbations.
 *
 * The attack is iterated, targeted FGSM projected onto the ε-ball and onto
 * [0, 1] (Kurakin et al.'s iterative method, Madry et al.'s projection):
 *
 *     x_{k+1} = clip_[0,1]( clip_[x−ε, x+ε]( x_k − a · sign(∇ₓ J(θ, x_k, t)) ) )
 *
 * descending the cost of the target class t, with a = 2.5 ε / steps.
 */
import type { Cancellable } from '../progress.ts';
import * as tf from '@tensorflow/tfjs';
import type { Architecture, Params } from '../models/architectures.ts';
import { modelFunctions } from '../models/architectures.ts';
import { exactSign, inputGradient } from '../attacks/fgsm.ts';
import { CancelledError, predict, type Model } from './batch.ts';
import { ordinaryObjective } from '../train/objectives.ts';
import { train } from '../train/loop.ts';
import { seeded } from '../random.ts';
import { PIXELS } from '../data/idx.ts';
import { stageSpans, type Stage } from './page-values.ts';

export const CLASSES = 10;

/** D_det's target: the class after the true one, (y + 1) mod C. */
export function detTarget(y: number, classes = CLASSES): number {
  return (y + 1) % classes;
}

export function detTargets(labels: ArrayLike<number>, classes = CLASSES): Uint8Array {
  return Uint8Array.from({ length: labels.length }, (_, i) => detTarget(labels[i], classes));
}

export interface Digits {
  /** count × 784 floats in [0, 1]. */
  pixels: Float32Array;
  labels: ArrayLike<number>;
}

export interface TargetedAttackOptions extends Cancellable {
  epsilon: number;
  /** Iterations of the projected step. */
  steps: number;
  /** The step a; 2.5 ε / steps when left out. */
  stepSize?: number;
  batchSize?: number;
}

export interface TargetedAttack {
  /** The adversarial digits, count × 784, in [0, 1] and within ε of the originals. */
  pixels: Float32Array;
  /** The source model's class for each adversarial digit. */
  predicted: Int32Array;
  /** How many adversarial digits the source model puts in their target class. */
  reached: number;
  /** The largest |x' − x| over every pixel of every digit. */
  maxChange: number;
}

/** One batch of the projected, targeted attack (a tensor the caller disposes). */
export function targetedStep(model: Model, x0: tf.Tensor2D, x: tf.Tensor2D, t: tf.Tensor1D, epsilon: number, stepSize: number): tf.Tensor2D {
  return tf.tidy(() => {
    const g = inputGradient(model.fns, model.params, x, t);
    const moved = tf.sub(x, tf.mul(exactSign(g), stepSize));
    const projected = tf.minimum(tf.maximum(moved, tf.sub(x0, epsilon)), tf.add(x0, epsilon));
    return tf.clipByValue(projected, 0, 1) as tf.Tensor2D;
  });
}

/** Every digit made adversarial toward its target, a batch at a time. */
export async function targetedAttack(model: Model, pixels: Float32Array, targets: ArrayLike<number>, options: TargetedAttackOptions): Promise<TargetedAttack> {
  const { epsilon, steps } = options;
  if (!(epsilon >= 0) || !Number.isInteger(steps) || steps < 0) throw new RangeError(`the attack needs ε ≥ 0 and a whole number of steps, got ε = ${epsilon}, ${steps} steps`);
  const a = options.stepSize ?? (steps > 0 ? (2.5 * epsilon) / steps : 0);
  const bs = options.batchSize ?? 500;
  const n = pixels.length / PIXELS;
  const out = new Float32Array(pixels.length);
  const predicted = new Int32Array(n);
  let reached = 0;
  let maxChange = 0;
  for (let start = 0; start < n; start += bs) {
    const end = Math.min(n, start + bs);
    const m = end - start;
    const x0 = tf.tensor2d(pixels.subarray(start * PIXELS, end * PIXELS), [m, PIXELS]);
    const t = tf.tensor1d(Array.from({ length: m }, (_, i) => targets[start + i]), 'int32');
    let x = tf.clone(x0) as tf.Tensor2D;
    try {
      for (let k = 0; k < steps; k++) {
        if (options.cancelled?.()) throw new CancelledError();
        const next = targetedStep(model, x0, x, t, epsilon, a);
        x.dispose();
        x = next;
        // a read-back per step keeps the queue short and lets a cancel in
        await next.data();
        options.onProgress?.((start + (m * (k + 1)) / steps) / n, `digits ${start + 1}–${end}, step ${k + 1} of ${steps}`);
      }
      const logits = tf.tidy(() => tf.argMax(model.fns.logits(model.params, x), 1));
      const change = tf.tidy(() => tf.max(tf.abs(tf.sub(x, x0))));
      const [values, p, c] = await Promise.all([x.data(), logits.data(), change.data()]);
      tf.dispose([logits, change]);
      out.set(values as Float32Array, start * PIXELS);
      for (let i = 0; i < m; i++) {
        predicted[start + i] = p[i];
        if (p[i] === targets[start + i]) reached++;
      }
      maxChange = Math.max(maxChange, c[0]);
      if (steps === 0) options.onProgress?.(end / n, `digits ${start + 1}–${end}`);
    } finally {
      tf.dispose([x0, t, x]);
    }
  }
  return { pixels: out, predicted, reached, maxChange };
}

/** The students: softmax regression, or a one-hidden-layer maxout net (100 units of 2 pieces, no dropout). */
export const students = ['softmax', 'maxout'] as const;
export type Student = (typeof students)[number];

export function studentArchitecture(kind: Student): Architecture {
  return kind === 'softmax'
    ? { kind: 'softmax', inputs: PIXELS, classes: CLASSES }
    : { kind: 'maxout', inputs: PIXELS, units: [100], pieces: 2, classes: CLASSES, dropout: { input: 1, hidden: 1 } };
}

/** Seeded initial weights: Glorot-normal matrices, zero biases. */
export function initialWeights(arch: Architecture, seed: number): Record<string, Float32Array> {
  const random = seeded(seed);
  const out: Record<string, Float32Array> = {};
  for (const [name, shape] of Object.entries(modelFunctions(arch).shapes())) {
    const size = shape.reduce((p, q) => p * q, 1);
    const values = new Float32Array(size);
    if (shape.length > 1) {
      const scale = Math.sqrt(2 / (shape[0] + shape[shape.length - 1]));
      for (let i = 0; i < size; i++) values[i] = random.normal() * scale;
    }
    out[name] = values;
  }
  return out;
}

export interface StudentOptions extends Cancellable {
  epochs: number;
  seed: number;
  batchSize?: number;
  learningRate?: number;
}

/** A fresh student trained on the given digits and labels with Adam; its parameters belong to the caller. */
export async function trainStudent(kind: Student, data: Digits, options: StudentOptions): Promise<Model> {
  const arch = studentArchitecture(kind);
  const fns = modelFunctions(arch);
  const init = initialWeights(arch, options.seed);
  const shapes = fns.shapes();
  const variables: Record<string, tf.Variable> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const value = tf.tensor(init[name], shape);
    variables[name] = tf.variable(value, true);
    value.dispose();
  }
  const optimizer = tf.train.adam(options.learningRate ?? 0.002);
  const count = data.pixels.length / PIXELS;
  let stopped = false;
  try {
    await train(variables, ordinaryObjective(fns), { count, pixels: data.pixels, labels: Uint8Array.from(data.labels) }, {
      epochs: options.epochs,
      batchSize: options.batchSize ?? 100,
      seed: options.seed,
      optimizer,
      onBatch: (epoch, batch, batches) => options.onProgress?.((epoch + (batch + 1) / batches) / options.epochs, `epoch ${epoch + 1} of ${options.epochs}`),
      shouldStop: () => (stopped = stopped || !!options.cancelled?.()),
    });
  } catch (e) {
    Object.values(variables).forEach((v) => v.dispose());
    throw e;
  } finally {
    optimizer.dispose();
  }
  if (stopped) {
    Object.values(variables).forEach((v) => v.dispose());
    throw new CancelledError();
  }
  const params: Params = {};
  for (const [name, v] of Object.entries(variables)) {
    params[name] = tf.clone(v);
    v.dispose();
  }
  return { name: `${kind} student`, architecture: arch, fns, params };
}

export interface TestScore {
  /** Percent of test digits put in their true class y. */
  accuracy: number;
  /** Percent put in (y + 1) mod 10: what a student that learned the digits' shapes under D_det's labels would do. */
  shifted: number;
  count: number;
}

export async function scoreOnTest(model: Model, test: Digits, options: { cancelled?: () => boolean; onProgress?: (fraction: number) => void } = {}): Promise<TestScore> {
  const n = test.pixels.length / PIXELS;
  const p = await predict(model, test.pixels, { cancelled: options.cancelled, onBatch: (done) => options.onProgress?.(done / n) });
  let right = 0;
  let shifted = 0;
  for (let i = 0; i < n; i++) {
    if (p.predicted[i] === test.labels[i]) right++;
    if (p.predicted[i] === detTarget(test.labels[i])) shifted++;
  }
  return { accuracy: (100 * right) / n, shifted: (100 * shifted) / n, count: n };
}

export interface DdetOptions {
  epsilon: number;
  steps: number;
  student: Student;
  epochs: number;
  seed: number;
  /** Also train the same student on the unperturbed digits labelled t (the control). */
  control?: boolean;
  /** How many of the first training digits to return, clean and attacked, for display. */
  keep?: number;
  batchSize?: number;
  onProgress?: (fraction: number, label: string, stage: Stage) => void;
  cancelled?: () => boolean;
}

export { stageSpans, type Stage };

export interface DdetResult {
  count: number;
  epsilon: number;
  steps: number;
  student: Student;
  epochs: number;
  seed: number;
  /** Percent of training digits the source model puts in their target after the attack. */
  reachedTarget: number;
  /** The largest |x' − x| of the attack (≤ ε). */
  maxChange: number;
  /** The student trained on D_det, on the clean test digits. */
  test: TestScore;
  /** The same student on the unperturbed digits labelled t (null unless asked). */
  control: TestScore | null;
  /** The first `keep` training digits: clean, attacked, true labels, targets, the source model's class after the attack. */
  examples: { clean: Float32Array; adversarial: Float32Array; labels: Uint8Array; targets: Uint8Array; predicted: Int32Array };
  /** Seconds each stage took. */
  seconds: Record<Stage, number>;
}

/** The whole experiment: attack the training digits toward (y + 1) mod 10, train a student on them, test it on clean digits. */
export async function ddetExperiment(source: Model, train: Digits, test: Digits, options: DdetOptions): Promise<DdetResult> {
  const n = train.pixels.length / PIXELS;
  const targets = detTargets(train.labels);
  const report = (stage: Stage, f: number, label: string) => {
    const [a, b] = stageSpans[stage];
    options.onProgress?.(a + (b - a) * Math.min(1, Math.max(0, f)), `${stage}: ${label}`, stage);
  };
  const seconds: Record<Stage, number> = { attack: 0, train: 0, test: 0 };
  let t0 = performance.now();
  report('attack', 0, `${n} digits toward (y + 1) mod 10`);
  const attack = await targetedAttack(source, train.pixels, targets, {
    epsilon: options.epsilon,
    steps: options.steps,
    batchSize: options.batchSize,
    cancelled: options.cancelled,
    onProgress: (f, label) => report('attack', f, label),
  });
  seconds.attack = (performance.now() - t0) / 1000;

  t0 = performance.now();
  const trainings = options.control ? 2 : 1;
  report('train', 0, `a fresh ${options.student} on D_det`);
  const student = await trainStudent(options.student, { pixels: attack.pixels, labels: targets }, {
    epochs: options.epochs,
    seed: options.seed,
    cancelled: options.cancelled,
    onProgress: (f, label) => report('train', f / trainings, `D_det, ${label}`),
  });
  let control: Model | null = null;
  try {
    if (options.control) {
      control = await trainStudent(options.student, { pixels: train.pixels, labels: targets }, {
        epochs: options.epochs,
        seed: options.seed,
        cancelled: options.cancelled,
        onProgress: (f, label) => report('train', (1 + f) / 2, `control (clean digits labelled t), ${label}`),
      });
    }
    seconds.train = (performance.now() - t0) / 1000;

    t0 = performance.now();
    report('test', 0, `${test.labels.length} clean test digits`);
    const score = await scoreOnTest(student, test, { cancelled: options.cancelled, onProgress: (f) => report('test', f / trainings, 'the D_det student') });
    const controlScore = control
      ? await scoreOnTest(control, test, { cancelled: options.cancelled, onProgress: (f) => report('test', (1 + f) / 2, 'the control') })
      : null;
    seconds.test = (performance.now() - t0) / 1000;
    const keep = Math.min(n, options.keep ?? 0);
    return {
      count: n,
      epsilon: options.epsilon,
      steps: options.steps,
      student: options.student,
      epochs: options.epochs,
      seed: options.seed,
      reachedTarget: (100 * attack.reached) / n,
      maxChange: attack.maxChange,
      test: score,
      control: controlScore,
      examples: {
        clean: train.pixels.slice(0, keep * PIXELS),
        adversarial: attack.pixels.slice(0, keep * PIXELS),
        labels: Uint8Array.from({ length: keep }, (_, i) => train.labels[i]),
        targets: targets.slice(0, keep),
        predicted: attack.predicted.slice(0, keep),
      },
      seconds,
    };
  } finally {
    tf.dispose(Object.values(student.params));
    if (control) tf.dispose(Object.values(control.params));
  }
}

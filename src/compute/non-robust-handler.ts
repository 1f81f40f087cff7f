/**
 * The worker's side of the non-robust-features figure: Ilyas et al.'s D_det
 * on the first n of the packed training digits, attacked on the shipped maxout
 * model, a fresh student trained in the worker, tested on clean test digits.
 */
import * as tf from '@tensorflow/tfjs';
import type { NonRobustRequest, NonRobustResult, Progress } from './messages.ts';
import { ComputeError, context, getDigitFile, getModel, getTestDigits, requireBackend, TRAIN_FILE } from './context.ts';
import { toFloat } from '../lib/data/idx.ts';
import { ddetExperiment, students } from '../lib/analysis/non-robust.ts';
import { nonRobustDefaults } from '../lib/analysis/non-robust-defaults.ts';

const whole = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;

export async function nonRobust(id: number, request: NonRobustRequest, progress: (p: Progress) => void): Promise<NonRobustResult> {
  const backend = requireBackend();
  const { n, epsilon, steps, student, epochs, seed, test } = request;
  if (!whole(n, 1, 5000)) throw new ComputeError({ kind: 'input', message: `the training digits must be 1 to 5,000, got ${n}` });
  if (!Number.isFinite(epsilon) || epsilon < 0 || epsilon > 1) throw new ComputeError({ kind: 'input', message: `ε must be a number from 0 to 1, got ${epsilon}` });
  if (!whole(steps, 1, 100)) throw new ComputeError({ kind: 'input', message: `the attack's steps must be 1 to 100, got ${steps}` });
  if (!whole(epochs, 1, 100)) throw new ComputeError({ kind: 'input', message: `the epochs must be 1 to 100, got ${epochs}` });
  if (!whole(seed, 0, 2 ** 31)) throw new ComputeError({ kind: 'input', message: `the seed must be a whole number, got ${seed}` });
  if (!whole(test, 1, 10000)) throw new ComputeError({ kind: 'input', message: `the test digits must be 1 to 10,000, got ${test}` });
  if (!(students as readonly string[]).includes(student)) throw new ComputeError({ kind: 'input', message: `the student must be one of ${students.join(', ')}` });
  const started = performance.now();
  progress({ fraction: 0, label: 'loading the model and the digits' });
  const [source, trainSet, testSet] = await Promise.all([getModel(nonRobustDefaults.source), getDigitFile(TRAIN_FILE), getTestDigits(test)]);
  if (n > trainSet.count) throw new ComputeError({ kind: 'input', message: `the site ships ${trainSet.count} training digits, asked for ${n}` });
  const r = await ddetExperiment(
    source,
    { pixels: toFloat(trainSet, 0, n), labels: trainSet.labels.slice(0, n) },
    { pixels: toFloat(testSet, 0, test), labels: testSet.labels.slice(0, test) },
    {
      epsilon,
      steps,
      student,
      epochs,
      seed,
      control: true,
      keep: request.keep,
      cancelled: () => context.cancelled.has(id),
      onProgress: (fraction, label) => progress({ fraction, label }),
    },
  );
  return { ...r, source: nonRobustDefaults.source, backend, totalSeconds: (performance.now() - started) / 1000, numTensors: tf.memory().numTensors };
}

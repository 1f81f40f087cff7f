/**
 * The worker's side of the non-robust-features figure: Ilyas et al.'s D_det
 * on the first n of the packed training digits, attacked on the shipped maxout
 * model, a fresh student trained in the worker, tested on clean test digits.
 */
import { defineHandler } from '../../compute/handler.ts';
import { ComputeError, getDigitFile, getTestDigits, TRAIN_FILE } from '../../compute/context.ts';
import { toFloat } from '../../lib/data/idx.ts';
import { ddetExperiment, students } from '../../lib/analysis/non-robust.ts';
import { nonRobustDefaults } from '../../lib/analysis/non-robust-defaults.ts';
import { nonRobust } from './api.ts';

export const handler = defineHandler(nonRobust, async (r, ctx) => {
  const n = ctx.check.integer('the training digits', r.n, 1, 5000);
  const epsilon = ctx.check.number('ε', r.epsilon, 0, 1);
  const steps = ctx.check.integer("the attack's steps", r.steps, 1, 100);
  const epochs = ctx.check.integer('the epochs', r.epochs, 1, 100);
  const seed = ctx.check.integer('the seed', r.seed, 0, 2 ** 31);
  const test = ctx.check.integer('the test digits', r.test, 1, 10000);
  const student = ctx.check.oneOf('the student', r.student, students);
  ctx.progress(0, 'loading the model and the digits');
  const [source, trainSet, testSet] = await Promise.all([ctx.model(nonRobustDefaults.source), getDigitFile(TRAIN_FILE), getTestDigits(test)]);
  if (n > trainSet.count) throw new ComputeError({ kind: 'input', message: `the site ships ${trainSet.count} training digits, asked for ${n}` });
  const { seconds, ...run } = await ddetExperiment(
    source,
    { pixels: toFloat(trainSet, 0, n), labels: trainSet.labels.slice(0, n) },
    { pixels: toFloat(testSet, 0, test), labels: testSet.labels.slice(0, test) },
    { epsilon, steps, student, epochs, seed, control: true, keep: r.keep, cancelled: ctx.cancelled, onProgress: ctx.progress },
  );
  return { ...run, source: nonRobustDefaults.source, stageSeconds: seconds };
});

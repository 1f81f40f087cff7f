/**
 * The worker's side of the non-robust-features figure: Ilyas et al.'s D_det
 * on the first n of the packed training digits, attacked on the shipped maxout
 * model, a fresh student trained in the worker, tested on clean test digits.
 */
import { defineHandler } from '../../compute/handler.ts';
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
  const [source, train, testSet] = await Promise.all([ctx.model(nonRobustDefaults.source), ctx.trainSample(n), ctx.testSample(test)]);
  const { seconds, ...run } = await ddetExperiment(
    source,
    train,
    testSet,
    { epsilon, steps, student, epochs, seed, control: true, keep: r.keep, cancelled: ctx.cancelled, onProgress: ctx.progress },
  );
  return { ...run, source: nonRobustDefaults.source, stageSeconds: seconds };
});

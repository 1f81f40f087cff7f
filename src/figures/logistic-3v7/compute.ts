/** The worker's side of the logistic-3v7 figure: the paper's Fig. 2 from a shipped model, on every test 3 and 7. */
import { defineHandler } from '../../compute/handler.ts';
import { LOGISTIC_MODELS, logistic3v7Figure } from '../../lib/analysis/logistic-3v7.ts';
import { COARSE_SAMPLE, FULL_SAMPLE, logistic3v7 } from './api.ts';

export const handler = defineHandler(logistic3v7, async (r, ctx) => {
  const modelName = ctx.check.oneOf('the model', r.model, LOGISTIC_MODELS);
  const epsilon = ctx.check.number('ε', r.epsilon, 0, 1);
  // all 10,000 test digits: the paper's numbers are over every test 3 and 7; the first 1,000 for the coarse answer
  const sample = r.sample === undefined ? FULL_SAMPLE : Number(ctx.check.oneOf('the sample', String(r.sample), [String(COARSE_SAMPLE), String(FULL_SAMPLE)]));
  const test = await ctx.testSample(sample);
  return logistic3v7Figure({ model: ctx.model, test, modelName, epsilon, onProgress: ctx.progress, cancelled: ctx.cancelled });
});

/**
 * The worker's side of agreement: row 15 of the reproduction (70 % of the progress), then the effective weights; and
 * a model the reader brought as one more reader of the same examples.
 */
import { defineHandler } from '../../compute/handler.ts';
import { Reproduction } from '../../lib/analysis/reproduce.ts';
import { agreementFigure, readerOnMaxout } from '../../lib/analysis/agreement.ts';
import { isYours, yoursName } from '../../lib/models/user-store.ts';
import { agreement, agreementYours } from './api.ts';

export const handler = defineHandler(agreement, async (r, ctx) => {
  const test = await ctx.testSample(r.sample);
  const reproduction = new Reproduction({ model: ctx.model, test, onProgress: (f, label) => ctx.progress(0.7 * f, label), cancelled: ctx.cancelled });
  reproduction.setStage(0, 1, 'row 15: FGSM on maxout, fed to softmax and RBF');
  return agreementFigure(reproduction, { onWeights: (f, label) => ctx.progress(0.7 + 0.3 * f, label) });
});

export const yours = defineHandler(agreementYours, async (r, ctx) => {
  ctx.check.that(typeof r.model === 'string' && isYours(r.model), 'the model must be one of yours (yours:NAME)');
  const test = await ctx.testSample(r.sample);
  ctx.progress(0, `loading ${r.model}`);
  await ctx.model(r.model);
  const reproduction = new Reproduction({ model: ctx.model, test, onProgress: (f, label) => ctx.progress(0.6 * f, label), cancelled: ctx.cancelled });
  reproduction.setStage(0, 1, `maxout’s FGSM examples, read by your model “${yoursName(r.model)}”`);
  return readerOnMaxout(reproduction, r.model, { onWeights: (f, label) => ctx.progress(0.6 + 0.4 * f, label) });
});

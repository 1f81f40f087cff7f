/** The worker's side of agreement: row 15 of the reproduction (70 % of the progress), then the effective weights. */
import { defineHandler } from '../../compute/handler.ts';
import { Reproduction } from '../../lib/analysis/reproduce.ts';
import { agreementFigure } from '../../lib/analysis/agreement.ts';
import { agreement } from './api.ts';

export const handler = defineHandler(agreement, async (r, ctx) => {
  const test = await ctx.testSample(r.sample);
  const reproduction = new Reproduction({ model: ctx.model, test, onProgress: (f, label) => ctx.progress(0.7 * f, label), cancelled: ctx.cancelled });
  reproduction.setStage(0, 1, 'row 15: FGSM on maxout, fed to softmax and RBF');
  return agreementFigure(reproduction, { onWeights: (f, label) => ctx.progress(0.7 + 0.3 * f, label) });
});

/** The worker's side of ensembles: row 17 of the reproduction at the figure's ε and sample. */
import { defineHandler } from '../../compute/handler.ts';
import { checkEnsembleOptions, ensembleFigure } from '../../lib/analysis/ensembles.ts';
import { ensembles } from './api.ts';

export const handler = defineHandler(ensembles, async (r, ctx) => {
  try {
    checkEnsembleOptions(r.epsilon, r.sample);
  } catch (e) {
    ctx.check.that(false, (e as Error).message);
  }
  return ensembleFigure({ model: ctx.model, test: await ctx.testSample(r.sample), epsilon: r.epsilon, onProgress: ctx.progress, cancelled: ctx.cancelled });
});

/** The worker's side of rubbish-inputs: rows 18 and 20 of the reproduction at the figure's σ, count and seed, and a model the reader brought beside the three. */
import { defineHandler } from '../../compute/handler.ts';
import { checkRubbishOptions, rubbishFigure } from '../../lib/analysis/rubbish-inputs.ts';
import { rubbishInputs } from './api.ts';
import { isYours } from '../../lib/models/user-store.ts';

export const handler = defineHandler(rubbishInputs, async (r, ctx) => {
  const options = { sigma: r.sigma, count: r.count, seed: r.seed };
  try {
    checkRubbishOptions(options);
  } catch (e) {
    ctx.check.that(false, (e as Error).message);
  }
  if (r.extra !== undefined) ctx.check.that(typeof r.extra === 'string' && isYours(r.extra), 'the extra model must be one of yours (yours:NAME)');
  return rubbishFigure({ ...options, extra: r.extra, model: ctx.model, onProgress: ctx.progress, cancelled: ctx.cancelled });
});

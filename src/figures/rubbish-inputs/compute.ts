/** The worker's side of rubbish-inputs: rows 18 and 20 of the reproduction at the figure's σ, count and seed. */
import { defineHandler } from '../../compute/handler.ts';
import { checkRubbishOptions, rubbishFigure } from '../../lib/analysis/rubbish-inputs.ts';
import { rubbishInputs } from './api.ts';

export const handler = defineHandler(rubbishInputs, async (r, ctx) => {
  const options = { sigma: r.sigma, count: r.count, seed: r.seed };
  try {
    checkRubbishOptions(options);
  } catch (e) {
    ctx.check.that(false, (e as Error).message);
  }
  return rubbishFigure({ ...options, model: ctx.model, onProgress: ctx.progress, cancelled: ctx.cancelled });
});

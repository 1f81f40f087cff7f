/** The worker's side of the results table: every row (or the asked ones) on the first `sample` test digits. */
import { defineHandler } from '../../compute/handler.ts';
import { reproduceTable } from '../../lib/analysis/reproduce.ts';
import { reproduce } from './api.ts';

export const handler = defineHandler(reproduce, async (r, ctx) => {
  const sample = ctx.check.integer('the sample', r.sample, 1, 10000);
  if (r.beyondSample !== undefined) ctx.check.integer('the digits for the rows beyond the paper', r.beyondSample, 0, sample);
  const rows = await reproduceTable(
    { model: ctx.model, beyondSample: r.beyondSample, paperSetting: r.paperSetting ?? true, paperRecipe: r.paperRecipe ?? true, test: await ctx.testSample(sample), onProgress: ctx.progress, cancelled: ctx.cancelled },
    r.rows,
  );
  return { rows, sample };
});

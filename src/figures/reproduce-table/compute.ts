/**
 * The worker's side of the results table: every row (or the asked ones) on the first `sample` test digits; and the
 * rows that apply to any classifier on a model the reader brought, by the same functions.
 */
import { defineHandler } from '../../compute/handler.ts';
import { anyClassifierRows, Reproduction, reproduceTable } from '../../lib/analysis/reproduce.ts';
import { isYours, yoursName } from '../../lib/models/user-store.ts';
import { reproduce, reproduceYours } from './api.ts';

export const handler = defineHandler(reproduce, async (r, ctx) => {
  const sample = ctx.check.integer('the sample', r.sample, 1, 10000);
  if (r.beyondSample !== undefined) ctx.check.integer('the digits for the rows beyond the paper', r.beyondSample, 0, sample);
  const rows = await reproduceTable(
    { model: ctx.model, beyondSample: r.beyondSample, paperSetting: r.paperSetting ?? true, paperRecipe: r.paperRecipe ?? true, test: await ctx.testSample(sample), onProgress: ctx.progress, cancelled: ctx.cancelled },
    r.rows,
  );
  return { rows, sample };
});

export const yours = defineHandler(reproduceYours, async (r, ctx) => {
  const sample = ctx.check.integer('the sample', r.sample, 1, 10000);
  ctx.check.that(typeof r.model === 'string' && isYours(r.model), 'the model must be one of yours (yours:NAME)');
  ctx.progress(0, `loading ${r.model}`);
  await ctx.model(r.model);
  const reproduction = new Reproduction({ model: ctx.model, test: await ctx.testSample(sample), paperSetting: false, paperRecipe: false, beyondSample: 0, onProgress: ctx.progress, cancelled: ctx.cancelled });
  reproduction.setStage(0, 1, `your model “${yoursName(r.model)}”`);
  const rows = await anyClassifierRows(reproduction, r.model, `your model “${yoursName(r.model)}”`);
  return { model: r.model, sample, rows };
});

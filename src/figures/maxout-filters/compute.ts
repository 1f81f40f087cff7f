/**
 * The worker's side of the maxout-filters figure (§6, the paper's Fig. 3): the
 * localisation of every first-layer filter of `maxout` and `maxout-adv` (kept
 * per model and window), and the weights of the units on show.
 */
import type * as tf from '@tensorflow/tfjs';
import { defineHandler } from '../../compute/handler.ts';
import { ComputeError } from '../../compute/context.ts';
import { filterLocalisation, unitFilters, unitOrder } from '../../lib/analysis/maxout-filters.ts';
import { maxoutFilters } from './api.ts';

export const FILTER_MODELS = ['maxout', 'maxout-adv'] as const;

export const handler = defineHandler(maxoutFilters, async (r, ctx) => {
  const k = ctx.check.integer('the window', r.window, 1, 28);
  const rows = ctx.check.integer('the units at a time', r.rows, 1, 24);
  const sort = ctx.check.oneOf('the order', r.sort, ['unit', 'localisation'] as const);
  const first = r.first;
  let loaded = 0;
  ctx.progress(0, 'loading maxout and maxout-adv');
  const models = await Promise.all(
    FILTER_MODELS.map(async (name) => {
      const model = await ctx.model(name);
      ctx.progress(++loaded / (FILTER_MODELS.length + 1), `${name} loaded`);
      if (model.architecture.kind !== 'maxout') throw new ComputeError({ kind: 'model', message: `${name} is not a maxout network` });
      const pieces = model.architecture.pieces;
      const W1 = model.params.W1 as tf.Tensor2D;
      // every filter's localisation, kept per model and window (both models, every window: 2 × 28)
      const set = await ctx.memo([name, k], () => filterLocalisation(W1, pieces, k), 2 * 28);
      ctx.check.that(Number.isInteger(first) && first >= 0 && first <= set.units - 1, `the first unit must be 0 to ${set.units - 1}, got ${first}`);
      const order = unitOrder(set.unitLocalisation, sort).slice(first, first + rows);
      const filters = await unitFilters(W1, pieces, order);
      return { name, pieces, units: order, filters, localisation: set.localisation, unitLocalisation: set.unitLocalisation, median: set.median, p90: set.p90, mean: set.mean, unitCount: set.units };
    }),
  );
  return { window: k, uniform: (k * k) / 784, first, sort, models };
});

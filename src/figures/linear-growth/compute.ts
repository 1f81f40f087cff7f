/** The worker's side of the linear-growth figure: the sweep of wᵀη over n, and the softmax model's logit shifts. */
import { defineHandler } from '../../compute/handler.ts';
import { ComputeError } from '../../compute/context.ts';
import { growthSweep as sweep, logitShift as shift } from '../../lib/analysis/linear-growth.ts';
import { digitOrDrawing } from '../../compute/digit-input.ts';
import { growthSweep, logitShift } from './api.ts';

export const growth = defineHandler(growthSweep, async (r, ctx) => {
  const epsilon = ctx.check.number('ε', r.epsilon, 0, 1);
  return sweep(r.n, epsilon, r.seed, {
    grid: r.grid,
    cancelled: ctx.cancelled,
    onProgress: (fraction) => ctx.progress(fraction, 'drawing w and summing wᵀη'),
  }).catch((e) => {
    throw e instanceof RangeError ? new ComputeError({ kind: 'input', message: e.message }) : e;
  });
});

export const digit = defineHandler(logitShift, async (r, ctx) => {
  const epsilon = ctx.check.number('ε', r.epsilon, 0, 1);
  const model = await ctx.model('softmax');
  // a drawing has no label: η pushes it away from the model's own answer
  const { digit, drawn, pixels, label } = await digitOrDrawing(ctx, { digit: r.testDigit, drawn: r.drawn }, model);
  return { ...(await shift(model.fns, model.params, pixels, label, epsilon)), testDigit: digit, drawn, pixels };
});

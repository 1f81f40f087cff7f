/** The worker's side of the logit sweep: every ε in one batch. */
import { defineHandler } from '../../compute/handler.ts';
import { digitOrDrawing } from '../../compute/digit-input.ts';
import { checkSweepOptions, logitSweep as sweepLogits } from '../../lib/analysis/logit-sweep.ts';
import { logitSweep } from './api.ts';

export const handler = defineHandler(logitSweep, async (r, ctx) => {
  ctx.check.integer('the test digit', r.digit, 0, 9999);
  const options = { range: r.range, points: r.points, strip: r.strip };
  try {
    checkSweepOptions(options);
  } catch (e) {
    ctx.check.that(false, (e as Error).message);
  }
  const model = await ctx.model(r.model);
  // a drawing has no label: the sweep is along the direction away from the model's own answer
  const { digit, drawn, pixels, label } = await digitOrDrawing(ctx, r, model);
  const sweep = await sweepLogits(model, pixels, label, options);
  return { ...sweep, model: r.model, digit, trueLabel: label, drawn, range: r.range, clean: pixels };
});

/** The worker's side of the logit sweep: every ε in one batch. */
import { defineHandler } from '../../compute/handler.ts';
import { checkSweepOptions, logitSweep as sweepLogits } from '../../lib/analysis/logit-sweep.ts';
import { logitSweep } from './api.ts';

export const handler = defineHandler(logitSweep, async (r, ctx) => {
  const digit = ctx.check.integer('the test digit', r.digit, 0, 9999);
  const options = { range: r.range, points: r.points, strip: r.strip };
  try {
    checkSweepOptions(options);
  } catch (e) {
    ctx.check.that(false, (e as Error).message);
  }
  const model = await ctx.model(r.model);
  const { pixels, label } = await ctx.testDigit(digit);
  const sweep = await sweepLogits(model, pixels, label, options);
  return { ...sweep, model: r.model, digit, trueLabel: label, range: r.range, clean: pixels };
});

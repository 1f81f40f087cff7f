/** The worker's side of the logit sweep: every ε in one batch. */
import { defineHandler } from '../../compute/handler.ts';
import { checkSweepOptions, logitSweep as sweepLogits } from '../../lib/analysis/logit-sweep.ts';
import { logitSweep } from './api.ts';
import { decodeDrawing } from '../../lib/data/drawing-code.ts';
import { predict } from '../../lib/analysis/batch.ts';
import { ComputeError } from '../../compute/context.ts';

export const handler = defineHandler(logitSweep, async (r, ctx) => {
  const digit = ctx.check.integer('the test digit', r.digit, 0, 9999);
  const options = { range: r.range, points: r.points, strip: r.strip };
  try {
    checkSweepOptions(options);
  } catch (e) {
    ctx.check.that(false, (e as Error).message);
  }
  const model = await ctx.model(r.model);
  let pixels: Float32Array;
  let label: number;
  if (r.drawn) {
    try {
      pixels = decodeDrawing(r.drawn);
    } catch (e) {
      throw new ComputeError({ kind: 'input', message: `the drawing: ${(e as Error).message}` });
    }
    // a drawing has no label: the sweep is along the direction away from the model's own answer
    const p = await predict(model, pixels);
    label = p.predicted[0];
  } else {
    ({ pixels, label } = await ctx.testDigit(digit));
  }
  const sweep = await sweepLogits(model, pixels, label, options);
  return { ...sweep, model: r.model, digit, trueLabel: label, drawn: r.drawn ?? '', range: r.range, clean: pixels };
});

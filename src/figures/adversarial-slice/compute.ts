/** The worker's side of the plane through a digit. The last plane is kept: adversarial-slice and logit-surface draw the same one. */
import { defineHandler } from '../../compute/handler.ts';
import { sliceGrid } from '../../lib/analysis/slice.ts';
import { digitOrDrawing } from '../../compute/digit-input.ts';
import { slice } from './api.ts';

export const handler = defineHandler(slice, async (r, ctx) => {
  ctx.check.that(Number.isFinite(r.range) && r.range > 0 && r.range <= 20, `the range must be a number above 0 and at most 20, got ${r.range}`);
  ctx.check.that(Number.isInteger(r.size) && r.size >= 3 && r.size <= 201 && r.size % 2 === 1, `the grid must have an odd number of points per side from 3 to 201, got ${r.size}`);
  const model = await ctx.model(r.model);
  // a drawing has no label: the model's own answer is its class, the FGSM direction leads away from it
  const { digit, drawn, pixels, label } = await digitOrDrawing(ctx, r, model);
  const grid = await ctx.memo([r.model, digit, drawn, r.range, r.size, r.seed, r.clip], async () =>
    sliceGrid(model, pixels, label, {
      range: r.range,
      size: r.size,
      seed: r.seed,
      clip: r.clip,
      onProgress: (fraction) => ctx.progress(fraction, `${r.model}: ${r.size * r.size} points of the plane`),
      cancelled: ctx.cancelled,
    }),
  );
  return { ...grid, model: r.model, digit, drawn, trueLabel: label, pixels, seed: r.seed, clip: r.clip };
});

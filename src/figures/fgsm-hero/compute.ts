/** The worker's side of the hero: x + ε·sign(∇ₓJ) for a test digit or a drawing. */
import { defineHandler } from '../../compute/handler.ts';
import { fgsmExample } from '../../lib/attacks/fgsm.ts';
import { PIXELS } from '../../lib/data/idx.ts';
import { fgsmExampleRequest } from './api.ts';

export const handler = defineHandler(fgsmExampleRequest, async (r, ctx) => {
  const epsilon = ctx.check.number('ε', r.epsilon, 0, 1);
  const model = await ctx.model(r.model);
  let pixels: Float32Array;
  let trueLabel: number | null = null;
  if ('pixels' in r.input) {
    pixels = r.input.pixels;
    ctx.check.that(pixels instanceof Float32Array && pixels.length === PIXELS, `a digit has ${PIXELS} pixels, got ${pixels?.length}`);
  } else {
    ({ pixels, label: trueLabel } = await ctx.testDigit(r.input.testDigit));
  }
  const ex = await fgsmExample(model.fns, model.params, pixels, trueLabel, epsilon);
  return { ...ex, trueLabel, model: r.model, epsilon };
});

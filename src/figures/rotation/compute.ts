/** The worker's side of the rotation figure: one digit rotated, and every digit's smallest flipping angle. */
import { defineHandler } from '../../compute/handler.ts';
import { rotationExample as rotate, smallestFlippingAngles } from '../../lib/attacks/rotation.ts';
import { digitOrDrawing } from '../../compute/digit-input.ts';
import { rotationExample, rotationSweep } from './api.ts';

export const example = defineHandler(rotationExample, async (r, ctx) => {
  ctx.check.integer('the test digit', r.digit, 0, 9999);
  ctx.check.that(Number.isFinite(r.angle) && r.angle >= 0 && r.angle <= 90, `the angle must be 0° to 90°, got ${r.angle}`);
  const model = await ctx.model(r.model);
  // a drawing has no label: it is rotated toward the gradient away from the model's own answer, and flips when that answer changes
  const { digit, drawn, pixels, label } = await digitOrDrawing(ctx, r, model);
  const flipAngle = (await smallestFlippingAngles(model, pixels, [label])).angles[0];
  // at the flip: the first hundredth of a degree past it (the flipping angle is known to 0.0005°)
  const angle = r.atFlip && flipAngle > 0 && Number.isFinite(flipAngle) ? Math.ceil((flipAngle + 0.001) * 100) / 100 : r.angle;
  const ex = await rotate(model, pixels, label, angle);
  return { ...ex, digit, drawn, angle, trueLabel: label, clean: pixels, flipAngle };
});

export const sweep = defineHandler(rotationSweep, async (r, ctx) => {
  const model = await ctx.model(r.model);
  const sample = await ctx.testSample(r.sample);
  const angles = await smallestFlippingAngles(model, sample.pixels, sample.labels, { onProgress: ctx.progress, cancelled: ctx.cancelled });
  return { model: r.model, sample: r.sample, ...angles };
});

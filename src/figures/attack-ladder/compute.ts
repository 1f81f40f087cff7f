/**
 * The worker's side of the attack ladder: one rung of the ladder per request, so that the page shows the
 * rungs as they come and cancels between them; and one digit's FGSM and PGD-40 images with the loss along
 * PGD's iterations. The last PGD-40 images are kept, so the restarts rung runs four restarts, not five.
 */
import { defineHandler } from '../../compute/handler.ts';
import { LADDER, ladderDigit, ladderRung, rungById } from '../../lib/analysis/attack-ladder.ts';
import { attackLadder as table } from './state.ts';
import { attackLadderDigit, attackLadderRung } from './api.ts';
import { isYours } from '../../lib/models/user-store.ts';
import { digitOrDrawing } from '../../compute/digit-input.ts';

/** A shipped model of the table, or one the reader brought (yours:NAME). */
const modelName = (model: unknown, check: (what: string, v: unknown, o: readonly string[]) => string) =>
  typeof model === 'string' && isYours(model) ? model : check('the model', model, table.model.options);

/** The last PGD-40 images: the first restart of the restarts rung. */
let lastPgd40: { key: string; images: Float32Array } | null = null;
const PGD40 = LADDER.find((r) => r.kind === 'pgd' && r.restarts === 1 && r.steps === LADDER[LADDER.length - 1].steps)!.id;

export const rung = defineHandler(attackLadderRung, async (r, ctx) => {
  modelName(r.model, ctx.check.oneOf);
  const epsilon = ctx.check.number('ε', r.epsilon, 0, 1);
  const spec = rungById(ctx.check.oneOf('the rung', r.rung, LADDER.map((x) => x.id)))!;
  ctx.progress(0, `loading ${r.model}`);
  const model = await ctx.model(r.model);
  const sample = await ctx.testSample(r.sample);
  const key = JSON.stringify([ctx.backend, r.model, r.sample, epsilon]);
  const pgd40 = spec.restarts > 1 && lastPgd40?.key === key ? lastPgd40.images : undefined;
  const out = await ladderRung(model, sample, epsilon, spec.id, { onProgress: ctx.progress, cancelled: ctx.cancelled }, pgd40);
  if (spec.id === PGD40) lastPgd40 = { key, images: out.images };
  return { model: r.model, sample: r.sample, epsilon, rung: out.result };
});

export const digit = defineHandler(attackLadderDigit, async (r, ctx) => {
  modelName(r.model, ctx.check.oneOf);
  const epsilon = ctx.check.number('ε', r.epsilon, 0, 1);
  const model = await ctx.model(r.model);
  // a drawing has no label: both attacks push it away from the model's own answer
  const { digit, drawn, pixels, label } = await digitOrDrawing(ctx, r, model);
  const d = await ladderDigit(model, pixels, label, epsilon);
  return { ...d, model: r.model, digit, drawn };
});

/**
 * The worker's side of transfer-glance: FGSM digits made on each of softmax, maxout and rbf (and a model the reader
 * brought), scored by all of them. The matrix is kept for its ε, sample and models, so a new digit or drawing
 * computes only the digit.
 */
import { defineHandler } from '../../compute/handler.ts';
import { PIXELS } from '../../lib/data/idx.ts';
import { drawingPixels } from '../../compute/digit-input.ts';
import { isYours } from '../../lib/models/user-store.ts';
import { TRANSFER_MODELS, transferDigit, transferMatrix } from '../../lib/analysis/transfer-glance.ts';
import { transferGlance } from './api.ts';

export const handler = defineHandler(transferGlance, async (r, ctx) => {
  const epsilon = ctx.check.number('ε', r.epsilon, 0, 1);
  const n = ctx.check.integer('the sample', r.sample, 1, 10000);
  const i = ctx.check.integer('the test digit', r.digit, 0, 9999);
  if (r.yours !== undefined) ctx.check.that(typeof r.yours === 'string' && isYours(r.yours), 'the model must be one of yours (yours:NAME)');
  const names: string[] = [...TRANSFER_MODELS, ...(r.yours ? [r.yours] : [])];
  ctx.progress(0, `loading ${names.join(', ')}`);
  const models = await Promise.all(names.map((m) => ctx.model(m)));
  const set = await ctx.testSample(Math.max(n, i + 1));
  let clean: Float32Array;
  let label: number | null;
  if (r.drawn) {
    // each model's version is attacked away from that model's own answer, so no one label stands for the drawing
    clean = drawingPixels(r.drawn);
    label = null;
  } else {
    clean = set.pixels.slice(i * PIXELS, (i + 1) * PIXELS);
    label = set.labels[i];
  }
  const one = await transferDigit(models, clean, label, epsilon);
  const matrix = await ctx.memo(
    [names, epsilon, n],
    () => transferMatrix(models, set.pixels.slice(0, n * PIXELS), set.labels.slice(0, n), epsilon, { onProgress: ctx.progress, cancelled: ctx.cancelled }),
    2,
  );
  return { epsilon, digit: i, drawn: r.drawn ?? '', yours: r.yours ?? null, matrix, one, clean };
});

/** The worker's side of transfer-glance: FGSM digits made on each of softmax, maxout and rbf, scored by all three. */
import { defineHandler } from '../../compute/handler.ts';
import { PIXELS } from '../../lib/data/idx.ts';
import { TRANSFER_MODELS, transferDigit, transferMatrix } from '../../lib/analysis/transfer-glance.ts';
import { transferGlance } from './api.ts';

export const handler = defineHandler(transferGlance, async (r, ctx) => {
  const epsilon = ctx.check.number('ε', r.epsilon, 0, 1);
  const n = ctx.check.integer('the sample', r.sample, 1, 10000);
  const i = ctx.check.integer('the test digit', r.digit, 0, 9999);
  ctx.progress(0, 'loading softmax, maxout and rbf');
  const models = await Promise.all(TRANSFER_MODELS.map((m) => ctx.model(m)));
  const set = await ctx.testSample(Math.max(n, i + 1));
  const clean = set.pixels.slice(i * PIXELS, (i + 1) * PIXELS);
  const one = await transferDigit(models, clean, set.labels[i], epsilon);
  const matrix = await transferMatrix(models, set.pixels.slice(0, n * PIXELS), set.labels.slice(0, n), epsilon, { onProgress: ctx.progress, cancelled: ctx.cancelled });
  return { epsilon, digit: i, matrix, one, clean };
});

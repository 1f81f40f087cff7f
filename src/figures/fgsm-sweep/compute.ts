/**
 * The worker's side of the FGSM sweep. The FGSM directions of a model on a sample are kept (the four
 * newest), shared by the curve and the point requests: moving ε then costs forward passes only.
 */
import { defineHandler, type RequestContext } from '../../compute/handler.ts';
import { summarise } from '../../lib/analysis/batch.ts';
import { DirectionCache, fgsmDirections, fgsmSweep as sweep, predictAt, sweepPoint } from '../../lib/analysis/fgsm-sweep.ts';
import { PIXELS } from '../../lib/data/idx.ts';
import { fgsmSweep, fgsmSweepPoint } from './api.ts';

const directions = new DirectionCache();
/** Each loaded model's own number: a reader's model removed and brought again under its name is another model. */
const loadedIds = new WeakMap<object, number>();
let lastId = 0;
const idOf = (model: object) => {
  let id = loadedIds.get(model);
  if (id === undefined) loadedIds.set(model, (id = ++lastId));
  return id;
};

/** The model, the sample and the sample's FGSM directions (the first 15 % of the progress when computed). */
async function prepare(r: { model: string; sample: number }, epsilons: unknown, ctx: RequestContext) {
  ctx.check.that(
    Array.isArray(epsilons) && epsilons.length >= 1 && epsilons.length <= 201 && epsilons.every((e) => Number.isFinite(e) && e >= 0 && e <= 1),
    `ε must be 1 to 201 numbers from 0 to 1, got ${String(epsilons).slice(0, 40)}`,
  );
  const model = await ctx.model(r.model);
  const sample = await ctx.testSample(r.sample);
  const direction = await directions.get(`${r.model}#${idOf(model)}:${r.sample}`, () =>
    fgsmDirections(model, sample, { onBatch: (done) => ctx.progress((0.15 * done) / r.sample, `${r.model}: ∇ₓJ on ${r.sample} digits`) }),
  );
  return { model, sample, direction };
}

export const curve = defineHandler(fgsmSweep, async (r, ctx) => {
  const { model, sample, direction } = await prepare(r, r.epsilons, ctx);
  const c = await sweep(model, sample, r.epsilons, { direction, onProgress: (f, label) => ctx.progress(0.15 + 0.85 * f, label), cancelled: ctx.cancelled });
  return { model: r.model, sample: r.sample, clipped: c.clipped, unclipped: c.unclipped };
});

export const point = defineHandler(fgsmSweepPoint, async (r, ctx) => {
  const { model, sample, direction } = await prepare(r, [r.epsilon], ctx);
  const g = Math.max(0, Math.min(r.grid, 100, r.sample));
  // without the summary only the grid's digits go through the model
  const part = r.summary ? sample : { pixels: sample.pixels.subarray(0, g * PIXELS), labels: sample.labels.subarray(0, g) };
  const at = async (clip: boolean) => {
    const { images, predictions } = await predictAt(model, part, direction.subarray(0, part.labels.length * PIXELS), r.epsilon, clip);
    const grid = { images: images.slice(0, g * PIXELS), predicted: predictions.predicted.slice(0, g), confidence: predictions.confidence.slice(0, g) };
    return { point: r.summary ? sweepPoint(r.epsilon, summarise(predictions, sample.labels)) : null, grid };
  };
  const clipped = await at(true);
  const unclipped = await at(false);
  return {
    model: r.model,
    sample: r.sample,
    epsilon: r.epsilon,
    clipped: clipped.point,
    unclipped: unclipped.point,
    grid: { labels: sample.labels.slice(0, g), clipped: clipped.grid, unclipped: unclipped.grid },
  };
});

/**
 * The worker's side of the rbf-immunity figure (§7): the 2-D toy trained live
 * (kept per seed, so moving ε or the chosen point only redraws), and the shipped
 * `rbf` model on MNIST (row 14 of the paper's table and the confidence histograms).
 */
import { defineHandler } from '../../compute/handler.ts';
import { confidenceMap, EXTENT, toyBlobs, toyFgsm, TOY_MODELS, trainToy, type TrainedToy } from '../../lib/analysis/rbf-toy.ts';
import { rbfImmunity } from '../../lib/analysis/rbf-immunity.ts';
import { Reproduction } from '../../lib/analysis/reproduce.ts';
import { rbfMnist, rbfToy } from './api.ts';

/** Seeds whose trained toy models are kept. */
const KEPT_SEEDS = 16;

export const toy = defineHandler(rbfToy, async (r, ctx) => {
  const { seed, epsilon, point, grid } = r;
  ctx.check.that(Number.isInteger(seed) && seed >= 1 && seed <= 999, `the seed must be a whole number from 1 to 999, got ${seed}`);
  ctx.check.that(Number.isFinite(epsilon) && epsilon >= 0 && epsilon <= 10, `ε must be 0 to 10, got ${epsilon}`);
  ctx.check.that(Number.isInteger(grid) && grid >= 2 && grid <= 121, `the map must be 2 to 121 points a side, got ${grid}`);
  const { data, models } = await ctx.memo(
    seed,
    async () => {
      const data = toyBlobs(seed);
      const models: TrainedToy[] = [];
      for (const [i, kind] of TOY_MODELS.entries()) {
        ctx.progress(i / TOY_MODELS.length, `training the ${kind} model`);
        models.push(await trainToy(kind, data, seed));
      }
      return { data, models };
    },
    KEPT_SEEDS,
  );
  const n = data.labels.length;
  ctx.check.that(Number.isInteger(point) && point >= 0 && point < n, `point ${point} does not exist (0 to ${n - 1})`);
  ctx.progress(0.95, 'drawing the maps');
  const x: [number, number] = [data.points[2 * point], data.points[2 * point + 1]];
  const out = await Promise.all(
    models.map(async (m) => ({
      kind: m.kind,
      accuracy: m.accuracy,
      finalLoss: m.losses[m.losses.length - 1],
      params: Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, Array.from(v.values)])),
      map: await confidenceMap(m.kind, m.params, grid),
      step: await toyFgsm(m.kind, m.params, x, data.labels[point], epsilon),
    })),
  );
  return { seed, epsilon, point, label: data.labels[point], points: data.points, labels: data.labels, extent: EXTENT, models: out };
});

export const mnist = defineHandler(rbfMnist, async (r, ctx) => {
  const test = await ctx.testSample(r.sample);
  const rep = new Reproduction({ model: ctx.model, test, onProgress: ctx.progress, cancelled: ctx.cancelled });
  rep.setStage(0, 1, `rbf and maxout on ${r.sample.toLocaleString('en-US')} test digits`);
  return rbfImmunity(rep);
});

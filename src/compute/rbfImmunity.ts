/**
 * The worker's side of the rbf-immunity figure (§7): the 2-D toy trained live
 * (kept per seed, so moving ε or the chosen point only redraws), and the shipped
 * `rbf` model on MNIST (row 14 of the paper's table and the confidence histograms).
 */
import * as tf from '@tensorflow/tfjs';
import { confidenceMap, EXTENT, toyBlobs, toyFgsm, TOY_MODELS, trainToy, type ToyData, type TrainedToy } from '../lib/analysis/rbf-toy.ts';
import { rbfImmunity } from '../lib/analysis/rbf-immunity.ts';
import { Reproduction } from '../lib/analysis/reproduce.ts';
import { toFloat } from '../lib/data/idx.ts';
import { ComputeError, context, getModel, getTestDigits, requireBackend } from './context.ts';
import type { RbfMnistRequest, RbfMnistResult, RbfToyRequest, RbfToyResult } from './messages.ts';

type Progress = (fraction: number, label: string) => void;

const trained = new Map<number, Promise<{ data: ToyData; models: TrainedToy[] }>>();

export async function rbfToy(request: RbfToyRequest, onProgress?: Progress): Promise<RbfToyResult> {
  const backend = requireBackend();
  const { seed, epsilon, point, grid } = request;
  if (!Number.isInteger(seed) || seed < 1 || seed > 999) throw new ComputeError({ kind: 'input', message: `the seed must be a whole number from 1 to 999, got ${seed}` });
  if (!Number.isFinite(epsilon) || epsilon < 0 || epsilon > 10) throw new ComputeError({ kind: 'input', message: `ε must be 0 to 10, got ${epsilon}` });
  if (!Number.isInteger(grid) || grid < 2 || grid > 121) throw new ComputeError({ kind: 'input', message: `the map must be 2 to 121 points a side, got ${grid}` });
  let p = trained.get(seed);
  if (!p) {
    p = (async () => {
      const data = toyBlobs(seed);
      const models: TrainedToy[] = [];
      for (const [i, kind] of TOY_MODELS.entries()) {
        onProgress?.(i / TOY_MODELS.length, `training the ${kind} model`);
        models.push(await trainToy(kind, data, seed));
      }
      return { data, models };
    })();
    trained.set(seed, p);
    p.catch(() => trained.delete(seed));
  }
  const { data, models } = await p;
  const n = data.labels.length;
  if (!Number.isInteger(point) || point < 0 || point >= n) throw new ComputeError({ kind: 'input', message: `point ${point} does not exist (0 to ${n - 1})` });
  onProgress?.(0.95, 'drawing the maps');
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
  return { seed, epsilon, point, label: data.labels[point], points: data.points, labels: data.labels, extent: EXTENT, models: out, backend, numTensors: tf.memory().numTensors };
}

export async function rbfMnist(id: number, request: RbfMnistRequest, onProgress?: Progress): Promise<RbfMnistResult> {
  const backend = requireBackend();
  const n = request.sample;
  if (!Number.isInteger(n) || n < 1 || n > 10000) throw new ComputeError({ kind: 'input', message: `the sample must be 1 to 10,000 digits, got ${n}` });
  const started = performance.now();
  const set = await getTestDigits(n);
  const r = new Reproduction({
    model: getModel,
    test: { pixels: toFloat(set, 0, n), labels: set.labels.slice(0, n) },
    onProgress,
    cancelled: () => context.cancelled.has(id),
  });
  r.setStage(0, 1, `rbf and maxout on ${n.toLocaleString('en-US')} test digits`);
  const result = await rbfImmunity(r);
  return { ...result, backend, seconds: (performance.now() - started) / 1000, numTensors: tf.memory().numTensors };
}

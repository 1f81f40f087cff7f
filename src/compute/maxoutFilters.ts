/**
 * The worker's side of the maxout-filters figure (§6, the paper's Fig. 3): the
 * localisation of every first-layer filter of `maxout` and `maxout-adv` (kept
 * per model and window), and the weights of the units on show.
 */
import * as tf from '@tensorflow/tfjs';
import { filterLocalisation, unitFilters, unitOrder, type FilterSet } from '../lib/analysis/maxout-filters.ts';
import { ComputeError, getModel, requireBackend } from './context.ts';
import type { MaxoutFiltersRequest, MaxoutFiltersResult } from './messages.ts';

export const FILTER_MODELS = ['maxout', 'maxout-adv'] as const;
const sets = new Map<string, Promise<FilterSet>>();

export async function maxoutFilters(request: MaxoutFiltersRequest, onProgress?: (fraction: number, label: string) => void): Promise<MaxoutFiltersResult> {
  const backend = requireBackend();
  const { window: k, first, rows, sort } = request;
  if (!Number.isInteger(k) || k < 1 || k > 28) throw new ComputeError({ kind: 'input', message: `the window must be 1 to 28 pixels wide, got ${k}` });
  if (!Number.isInteger(rows) || rows < 1 || rows > 24) throw new ComputeError({ kind: 'input', message: `1 to 24 units at a time, got ${rows}` });
  if (sort !== 'unit' && sort !== 'localisation') throw new ComputeError({ kind: 'input', message: `sort by unit or by localisation, got ${String(sort)}` });
  let loaded = 0;
  onProgress?.(0, 'loading maxout and maxout-adv');
  const models = await Promise.all(
    FILTER_MODELS.map(async (name) => {
      const model = await getModel(name);
      onProgress?.(++loaded / (FILTER_MODELS.length + 1), `${name} loaded`);
      if (model.architecture.kind !== 'maxout') throw new ComputeError({ kind: 'model', message: `${name} is not a maxout network` });
      const pieces = model.architecture.pieces;
      const W1 = model.params.W1 as tf.Tensor2D;
      const key = `${name}:${k}`;
      let p = sets.get(key);
      if (!p) {
        p = filterLocalisation(W1, pieces, k);
        sets.set(key, p);
        p.catch(() => sets.delete(key));
      }
      const set = await p;
      if (!Number.isInteger(first) || first < 0 || first > set.units - 1) {
        throw new ComputeError({ kind: 'input', message: `the first unit must be 0 to ${set.units - 1}, got ${first}` });
      }
      const order = unitOrder(set.unitLocalisation, sort).slice(first, first + rows);
      const filters = await unitFilters(W1, pieces, order);
      return { name, pieces, units: order, filters, localisation: set.localisation, unitLocalisation: set.unitLocalisation, median: set.median, p90: set.p90, mean: set.mean, unitCount: set.units };
    }),
  );
  return { window: k, uniform: (k * k) / 784, first, sort, models, backend, numTensors: tf.memory().numTensors };
}

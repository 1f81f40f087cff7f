/**
 * The maxout-filters figure's numbers computed in Node from src/lib, for the
 * e2e test to compare with the embed page: node --experimental-strip-types
 * tests/e2e/maxout-filters.node.ts <window> <first> <rows> <sort>
 */
import type * as tf from '@tensorflow/tfjs';
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { nodeModels } from '../../../scripts/lib/node-models.ts';
import { filterLocalisation, unitOrder } from '../../../src/lib/analysis/maxout-filters.ts';

const [k, first, rows] = process.argv.slice(2, 5).map(Number);
const sort = process.argv[5] as 'unit' | 'localisation';
await initTf('wasm');
const models = await nodeModels('models');
const out = [];
for (const name of ['maxout', 'maxout-adv']) {
  const m = await models.model(name);
  if (m.architecture.kind !== 'maxout') throw new Error(`${name} is not a maxout network`);
  const set = await filterLocalisation(m.params.W1 as tf.Tensor2D, m.architecture.pieces, k);
  const units = unitOrder(set.unitLocalisation, sort).slice(first, first + rows);
  out.push({ name, units, scores: units.map((u) => set.unitLocalisation[u]), median: set.median, p90: set.p90, mean: set.mean });
}
console.log(JSON.stringify({ window: k, uniform: (k * k) / 784, models: out }));

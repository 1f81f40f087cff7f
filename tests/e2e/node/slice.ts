/**
 * The browser tests' reference: a plane of the adversarial-slice / logit-surface
 * figures computed in Node from src/lib (wasm backend), printed as JSON.
 *   node --experimental-strip-types tests/e2e/node/slice.ts MODEL DIGIT RANGE SIZE SEED CLIP(0|1)
 */
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { anyModel } from './any-model.ts';
import { loadMnist } from '../../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../../src/lib/data/idx.ts';
import { sliceGrid, summariseSlice } from '../../../src/lib/analysis/slice.ts';

const [model, digit, range, size, seed, clip] = process.argv.slice(2);
await initTf('wasm');
// a shipped model, or dir:FOLDER for a model brought as files
const m = await anyModel(model);
const test = loadMnist('test');
const i = Number(digit);
const grid = await sliceGrid(m, toFloat(test, i, i + 1), test.labels[i], { range: Number(range), size: Number(size), seed: Number(seed), clip: clip === '1' });
console.log(
  JSON.stringify({
    label: test.labels[i],
    predicted: Array.from(grid.predicted),
    logits: Array.from(grid.logits),
    axis: Array.from(grid.axis),
    summary: summariseSlice(grid, test.labels[i]),
  }),
);

/**
 * The browser tests' reference for the fgsm-sweep figure: each shipped model's FGSM curves (error and mean
 * confidence against ε, clipped and unclipped) computed in Node from src/lib (wasm backend), as JSON.
 *   node --experimental-strip-types tests/e2e/node/fgsm-sweep.ts N softmax,maxout,maxout-adv
 */
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { nodeModels } from '../../../scripts/lib/node-models.ts';
import { loadMnist } from '../../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../../src/lib/data/idx.ts';
import { fgsmSweep } from '../../../src/lib/analysis/fgsm-sweep.ts';
import { SWEEP_EPSILONS } from '../../../src/figures/fgsm-sweep/state.ts';

const n = Number(process.argv[2] ?? 100);
const names = (process.argv[3] ?? 'softmax,maxout').split(',');
await initTf('wasm');
const models = await nodeModels('models');
const test = loadMnist('test');
const sample = { pixels: toFloat(test, 0, n), labels: test.labels.slice(0, n) };
const out: Record<string, { clipped: unknown; unclipped: unknown }> = {};
for (const name of names) {
  const c = await fgsmSweep(await models.model(name), sample, SWEEP_EPSILONS);
  out[name] = { clipped: c.clipped, unclipped: c.unclipped };
}
console.log(JSON.stringify(out));

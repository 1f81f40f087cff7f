/**
 * The rbf-immunity figure's numbers computed in Node from src/lib, for the e2e
 * test to compare with the embed page:
 *   node --experimental-strip-types tests/e2e/rbf-immunity.node.ts toy <seed> <epsilon> <point>
 *   node --experimental-strip-types tests/e2e/rbf-immunity.node.ts mnist <sample>
 */
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { nodeModels } from '../../../scripts/lib/node-models.ts';
import { loadMnist } from '../../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../../src/lib/data/idx.ts';
import { Reproduction } from '../../../src/lib/analysis/reproduce.ts';
import { rbfImmunity } from '../../../src/lib/analysis/rbf-immunity.ts';
import { confidenceMap, toyBlobs, toyFgsm, TOY_MODELS, trainToy } from '../../../src/lib/analysis/rbf-toy.ts';

const [view, ...args] = process.argv.slice(2);
await initTf('wasm');
if (view === 'toy') {
  const [seed, epsilon, point] = args.map(Number);
  const data = toyBlobs(seed);
  const x: [number, number] = [data.points[2 * point], data.points[2 * point + 1]];
  const models = [];
  for (const kind of TOY_MODELS) {
    const m = await trainToy(kind, data, seed);
    const step = await toyFgsm(kind, m.params, x, data.labels[point], epsilon);
    const map = await confidenceMap(kind, m.params, 81);
    models.push({ kind, accuracy: m.accuracy, from: step.from, to: step.to, before: Array.from(step.before), after: Array.from(step.after), corner: map.confidence[0] });
  }
  console.log(JSON.stringify({ label: data.labels[point], models }));
} else {
  const n = Number(args[0]);
  const models = await nodeModels('models');
  const test = loadMnist('test');
  const r = new Reproduction({ model: models.model, test: { pixels: toFloat(test, 0, n), labels: test.labels.slice(0, n) } });
  console.log(JSON.stringify(await rbfImmunity(r)));
}

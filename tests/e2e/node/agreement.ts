/**
 * The browser tests' reference for the agreement figure: row 15 and the effective
 * weights computed in Node from src/lib (wasm backend) on the first N test digits, as JSON.
 *   node --experimental-strip-types tests/e2e/node/agreement.ts N
 * or, for a model brought as files as one more reader of maxout's examples (`readerOnMaxout`), its numbers only:
 *   node --experimental-strip-types tests/e2e/node/agreement.ts N dir:FOLDER
 */
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { nodeModels } from '../../../scripts/lib/node-models.ts';
import { loadMnist } from '../../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../../src/lib/data/idx.ts';
import { Reproduction } from '../../../src/lib/analysis/reproduce.ts';
import { agreementFigure, AGREEMENT_MODELS, readerOnMaxout } from '../../../src/lib/analysis/agreement.ts';
import { anyModel } from './any-model.ts';

const n = Number(process.argv[2] ?? 1000);
const reader = process.argv[3];
await initTf('wasm');
const models = await nodeModels('models');
const test = loadMnist('test');
if (reader) {
  const r = new Reproduction({ model: (name) => (name.startsWith('dir:') ? anyModel(name) : models.model(name)), test: { pixels: toFloat(test, 0, n), labels: test.labels.slice(0, n) } });
  const { weights: _weights, ...mine } = await readerOnMaxout(r, reader);
  console.log(JSON.stringify(mine));
  process.exit(0);
}
const figure = await agreementFigure(new Reproduction({ model: models.model, test: { pixels: toFloat(test, 0, n), labels: test.labels.slice(0, n) } }));
let paramTensors = 0;
for (const name of AGREEMENT_MODELS) paramTensors += Object.keys((await models.model(name)).params).length;
console.log(JSON.stringify({ rows: figure.rows, errors: figure.errors, similarities: figure.similarities, counts: Array.from(figure.weights.maxout.counts), paramTensors }));

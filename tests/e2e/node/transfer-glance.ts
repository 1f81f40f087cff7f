/**
 * The transfer-glance figure's numbers computed in Node (wasm) from src/lib, for
 * the browser test to compare with the embed page:
 *   node --experimental-strip-types tests/e2e/compute/transfer-glance.ts EPS SAMPLE DIGIT
 * prints one JSON object.
 */
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { nodeModels } from '../../../scripts/lib/node-models.ts';
import { loadMnist } from '../../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../../src/lib/data/idx.ts';
import { TRANSFER_MODELS, transferDigit, transferMatrix } from '../../../src/lib/analysis/transfer-glance.ts';

const [eps, sample, digit] = process.argv.slice(2).map(Number);
await initTf('wasm');
const loaded = await nodeModels('models');
const models = await Promise.all(TRANSFER_MODELS.map((m) => loaded.model(m)));
const test = loadMnist('test');
const started = performance.now();
const matrix = await transferMatrix(models, toFloat(test, 0, sample), test.labels.slice(0, sample), eps);
const one = await transferDigit(models, toFloat(test, digit, digit + 1), test.labels[digit], eps);
const { images: _images, ...digitResult } = one;
console.log(JSON.stringify({ matrix, digit: digitResult, seconds: (performance.now() - started) / 1000 }));

/**
 * The transfer-glance figure's numbers computed in Node (wasm) from src/lib, for
 * the browser test to compare with the embed page:
 *   node --experimental-strip-types tests/e2e/compute/transfer-glance.ts EPS SAMPLE DIGIT [dir:FOLDER [DRAWING]]
 * prints one JSON object; with a model brought as files (dir:FOLDER), it joins the three as a fourth; with a
 * drawing's code, the one digit is that drawing (no label: each model attacks away from its own answer).
 */
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { nodeModels } from '../../../scripts/lib/node-models.ts';
import { anyModel } from './any-model.ts';
import { decodeDrawing } from '../../../src/lib/data/drawing-code.ts';
import { loadMnist } from '../../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../../src/lib/data/idx.ts';
import { TRANSFER_MODELS, transferDigit, transferMatrix } from '../../../src/lib/analysis/transfer-glance.ts';

const [eps, sample, digit] = process.argv.slice(2, 5).map(Number);
const [extra, drawing] = process.argv.slice(5);
await initTf('wasm');
const loaded = await nodeModels('models');
const models = await Promise.all(TRANSFER_MODELS.map((m) => loaded.model(m)));
if (extra && extra !== '-') models.push(await anyModel(extra));
const test = loadMnist('test');
const started = performance.now();
const matrix = await transferMatrix(models, toFloat(test, 0, sample), test.labels.slice(0, sample), eps);
const one = drawing ? await transferDigit(models, decodeDrawing(drawing), null, eps) : await transferDigit(models, toFloat(test, digit, digit + 1), test.labels[digit], eps);
const { images: _images, ...digitResult } = one;
console.log(JSON.stringify({ matrix, digit: digitResult, seconds: (performance.now() - started) / 1000 }));

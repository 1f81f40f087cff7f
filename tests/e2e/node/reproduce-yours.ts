/**
 * The reproduce-table figure's rows for a model the reader brings, computed in Node (wasm) from src/lib
 * (`anyClassifierRows`), for tests/e2e/bring-model-figures.spec.ts:
 *   node --experimental-strip-types tests/e2e/node/reproduce-yours.ts dir:FOLDER N
 * prints one JSON object: the rows on the first N test digits, and, independently of the site's loader and of
 * src/lib, the model's clean error on the same digits from TensorFlow.js's own loadLayersModel and predict.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { anyModel } from './any-model.ts';
import { loadMnist } from '../../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../../src/lib/data/idx.ts';
import { anyClassifierRows, Reproduction } from '../../../src/lib/analysis/reproduce.ts';

const [model, n] = [process.argv[2], Number(process.argv[3])];
await initTf('wasm');
const test = loadMnist('test');
const r = new Reproduction({ model: anyModel, test: { pixels: toFloat(test, 0, n), labels: test.labels.slice(0, n) }, paperSetting: false, paperRecipe: false, beyondSample: 0 });
const rows = await anyClassifierRows(r, model);

// the independent reference: the LayersModel as TensorFlow.js loads it, softmax and all
const dir = model.slice(4);
const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
const groups = json.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
const bytes = Buffer.concat(groups.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p)))));
const layers = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: groups.flatMap((g) => g.weights), weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }));
const shape = layers.inputs[0].shape.map((d) => (d === null ? n : d));
const predicted = tf.tidy(() => (layers.predict(tf.tensor(toFloat(test, 0, n), shape)) as tf.Tensor).argMax(1).dataSync());
let wrong = 0;
for (let i = 0; i < n; i++) if (predicted[i] !== test.labels[i]) wrong++;
console.log(JSON.stringify({ rows: rows.map((x) => ({ metric: x.metric, site: x.site, siteUnclipped: x.siteUnclipped })), independentCleanError: (100 * wrong) / n }));

/**
 * A model downloaded from a live-training figure, loaded back in Node with TensorFlow.js's own loader
 * (tf.loadLayersModel, wasm) from its model.json and the weight file beside it, and run on test digits.
 *   node --experimental-strip-types tests/e2e/node/exported-model.ts DIR/model.json --digits first-1000|threes-and-sevens
 * Prints { outputs, error, predictions (the first 20 digits' classes), probabilities (the first 3 digits' outputs) }: `error` is the percent of the digits
 * misclassified (for a 3-vs-7 model: P(7) > 0.5 read as 7), counted as the figures count it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { loadMnist } from '../../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../../src/lib/data/idx.ts';
import { threesAndSevens } from '../../../src/lib/train/adversarial-vs-weight-decay.ts';

const args = process.argv.slice(2);
const jsonPath = args[0];
const digits = args[args.indexOf('--digits') + 1];
await initTf('wasm');
const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as tf.io.ModelJSON;
const model = await tf.loadLayersModel({
  load: () =>
    tf.io.getModelArtifactsForJSON(json, async (manifest) => {
      const parts = manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(jsonPath), p))));
      const all = Buffer.concat(parts);
      return [manifest.flatMap((g) => g.weights), all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
    }),
});
const test = loadMnist('test');
let pixels: Float32Array;
let labels: ArrayLike<number>;
if (digits === 'threes-and-sevens') {
  const s = threesAndSevens(toFloat(test), test.labels);
  pixels = s.pixels;
  labels = s.labels; // 3 → 0, 7 → 1
} else {
  pixels = toFloat(test, 0, 1000);
  labels = test.labels.slice(0, 1000);
}
const n = labels.length;
const out = tf.tidy(() => model.predict(tf.tensor2d(pixels, [n, 784])) as tf.Tensor2D);
const outputs = out.shape[1];
const p = (await out.data()) as Float32Array;
const predictions: number[] = [];
for (let i = 0; i < n; i++) {
  if (outputs === 1) predictions.push(p[i] > 0.5 ? 1 : 0);
  else {
    let best = 0;
    for (let j = 1; j < outputs; j++) if (p[i * outputs + j] > p[i * outputs + best]) best = j;
    predictions.push(best);
  }
}
let wrong = 0;
for (let i = 0; i < n; i++) if (predictions[i] !== labels[i]) wrong++;
const first = Array.from({ length: 3 }, (_, i) => Array.from(p.slice(i * outputs, (i + 1) * outputs)));
console.log(JSON.stringify({ outputs, count: n, error: (100 * wrong) / n, predictions: predictions.slice(0, 20), probabilities: first, metadata: (json as unknown as { userDefinedMetadata?: unknown }).userDefinedMetadata }));

/**
 * The TensorFlow.js model files the browser tests bring to the site (tests/fixtures/models/):
 *   small-cnn/       a small CNN trained here on 2,000 training digits for 2 epochs (on the cpu backend, since wasm has
 *                    no Conv2DBackpropFilter; 622 s measured on this 2-core machine under a load average near 15), a LayersModel
 *                    whose input is [null, 28, 28, 1] and whose last layer is a Dense layer with a softmax;
 *   softmax-graph/   the shipped softmax regression written as a GraphModel (MatMul, BiasAdd, Softmax), input [null, 784];
 *   unsupported-op/  the same graph with one op TensorFlow.js does not have;
 *   cifar-shape/     a LayersModel for 32×32 colour images (input [null, 32, 32, 3]);
 *   five-classes/    a LayersModel on 28×28 digits with 5 outputs.
 *   node --experimental-strip-types scripts/fixture-models.ts [--out tests/fixtures/models]
 * Seeded: the same files every run on the same backend.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initTf } from './lib/tf-node.ts';
import { loadMnist } from '../src/lib/data/mnist-node.ts';
import { toFloat } from '../src/lib/data/idx.ts';
import { fetchManifest, loadModel } from '../src/lib/models/loader.ts';
import { fileFetch } from './lib/node-models.ts';

const outArg = process.argv.indexOf('--out');
const OUT = outArg > 0 ? process.argv[outArg + 1] : 'tests/fixtures/models';
// cpu: the wasm backend has no Conv2DBackpropFilter kernel
const tf = await initTf('cpu');

/** Writes a LayersModel as model.json + one weights file, the format tf.loadLayersModel reads. */
async function saveLayers(model: import('@tensorflow/tfjs').LayersModel, dir: string) {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const data = a.weightData as ArrayBuffer;
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(data));
      const json = { format: 'layers-model', generatedBy: 'scripts/fixture-models.ts', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

// ---- small-cnn: trained on the first 2,000 training digits ----
{
  const started = Date.now();
  const train = loadMnist('train');
  const n = 2000;
  const x = tf.tensor4d(toFloat(train, 0, n), [n, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(Array.from(train.labels.slice(0, n)), 'int32'), 10);
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(3) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  await model.fit(x, y, { epochs: 2, batchSize: 64, shuffle: false, verbose: 0 });
  const test = loadMnist('test');
  const tx = tf.tensor4d(toFloat(test, 0, 1000), [1000, 28, 28, 1]);
  const pred = (model.predict(tx) as import('@tensorflow/tfjs').Tensor).argMax(1).dataSync();
  let right = 0;
  for (let i = 0; i < 1000; i++) right += pred[i] === test.labels[i] ? 1 : 0;
  await saveLayers(model, join(OUT, 'small-cnn'));
  console.log(`small-cnn: ${model.countParams()} parameters, ${((Date.now() - started) / 1000).toFixed(1)} s, clean error on the first 1,000 test digits ${(100 - right / 10).toFixed(1)} %`);
  tf.dispose([x, y, tx]);
}

// ---- cifar-shape and five-classes: small, untrained (their shape is what the tests need) ----
{
  const cifar = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
    ],
  });
  await saveLayers(cifar, join(OUT, 'cifar-shape'));
  const five = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) })],
  });
  await saveLayers(five, join(OUT, 'five-classes'));
}

// ---- softmax-graph and unsupported-op: the shipped softmax regression as a GraphModel ----
{
  const fetch = fileFetch('models');
  const loaded = await loadModel('models/', 'softmax', { fetch, manifest: await fetchManifest('models/', fetch) });
  const W = loaded.tensors.W.values;
  const b = loaded.tensors.b.values;
  const bytes = new Uint8Array(W.byteLength + b.byteLength);
  bytes.set(new Uint8Array(W.buffer, W.byteOffset, W.byteLength), 0);
  bytes.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), W.byteLength);
  const dim = (...d: number[]) => ({ dim: d.map((size) => ({ size: String(size) })) });
  const float = { type: 'DT_FLOAT' };
  const graph = (lastOp: string) => ({
    format: 'graph-model',
    generatedBy: 'scripts/fixture-models.ts',
    convertedBy: null,
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: float, shape: { shape: dim(-1, 784) } } },
        { name: 'W', op: 'Const', attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dim(784, 10) } } } },
        { name: 'b', op: 'Const', attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dim(10) } } } },
        { name: 'MatMul', op: 'MatMul', input: ['x', 'W'], attr: { T: float, transpose_a: { b: false }, transpose_b: { b: false } } },
        { name: 'logits', op: 'BiasAdd', input: ['MatMul', 'b'], attr: { T: float, data_format: { s: 'TkhXQw==' } } },
        { name: 'Identity', op: lastOp, input: ['logits'], attr: { T: float } },
      ],
      library: {},
      versions: { producer: 1 },
    },
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'W', shape: [784, 10], dtype: 'float32' }, { name: 'b', shape: [10], dtype: 'float32' }] }],
  });
  for (const [dir, op] of [['softmax-graph', 'Softmax'], ['unsupported-op', 'HarnessingFrobnicate']] as const) {
    mkdirSync(join(OUT, dir), { recursive: true });
    writeFileSync(join(OUT, dir, 'model.json'), JSON.stringify(graph(op)));
    writeFileSync(join(OUT, dir, 'weights.bin'), bytes);
  }
  // the weights are the shipped model's: the same file
  if (Buffer.compare(readFileSync(join(OUT, 'softmax-graph', 'weights.bin')), readFileSync('models/softmax.bin')) !== 0) throw new Error('softmax-graph weights differ from models/softmax.bin');
}
console.log(`written to ${OUT}`);

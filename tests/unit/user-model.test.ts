import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initTf } from './setup-tf.ts';
import { loadUserModel, readArtifacts, USER_MODEL_LIMIT_BYTES, type UserModelFile } from '../../src/lib/models/user-model.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import { nodeModels } from '../../scripts/lib/node-models.ts';
import { USER_MODEL_NAME } from '../../src/lib/models/user-store.ts';
import { parseState } from '../../src/figures/kit/state.ts';
import { fgsmHero } from '../../src/figures/fgsm-hero/state.ts';

const FIXTURES = 'tests/fixtures/models';
const bytes = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
const files = (dir: string): UserModelFile[] => readdirSync(join(FIXTURES, dir)).map((name) => ({ name, bytes: bytes(readFileSync(join(FIXTURES, dir, name))) }));
const test = loadMnist('test');
const probe = toFloat(test, 0, 20);

describe('a model the reader brings', () => {
  beforeAll(async () => {
    await initTf('wasm');
  });

  it('a LayersModel ending in a Dense softmax: inspected, the softmax cut off, its probabilities unchanged by the cut', async () => {
    const { model, inspection, dispose } = await loadUserModel('yours:cnn', files('small-cnn'), probe);
    expect(inspection).toMatchObject({ format: 'layers-model', inputShape: [null, 28, 28, 1], outputs: 10, parameters: 5258, softmax: 'cut' });
    expect(inspection.softmaxNote).toMatch(/cut it off/);
    // the same files through TensorFlow.js as they come (softmax kept): the model's own probabilities
    const a = readArtifacts(files('small-cnn'));
    const original = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: a.json.modelTopology as object, weightSpecs: a.specs as tf.io.WeightsManifestEntry[], weightData: a.data }));
    const x = tf.tensor2d(toFloat(test, 0, 50), [50, 784]);
    const theirs = (original.predict(tf.reshape(x, [50, 28, 28, 1])) as tf.Tensor).arraySync() as number[][];
    const logits = model.fns.logits(model.params, x).arraySync();
    const ours = model.fns.probabilities(model.params, x).arraySync();
    for (let i = 0; i < 50; i++) for (let k = 0; k < 10; k++) expect(ours[i][k]).toBeCloseTo(theirs[i][k], 5);
    // logits, not probabilities: they do not sum to one
    expect(Math.abs(logits[0].reduce((s, v) => s + v, 0) - 1)).toBeGreaterThan(0.01);
    original.dispose();
    dispose();
  });

  it('a GraphModel of the shipped softmax regression: the Softmax node cut off, its logits those of the shipped model', async () => {
    const { model, inspection, dispose } = await loadUserModel('yours:graph', files('softmax-graph'), probe);
    expect(inspection).toMatchObject({ format: 'graph-model', inputShape: [null, 784], outputs: 10, parameters: 7850, softmax: 'cut', lastLayer: 'Softmax' });
    const shipped = await (await nodeModels('models')).model('softmax');
    const x = tf.tensor2d(toFloat(test, 0, 100), [100, 784]);
    const a = model.fns.logits(model.params, x).dataSync();
    const b = shipped.fns.logits(shipped.params, x).dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 4);
    // and the input gradient flows through the graph: equal to the shipped model's
    const y = tf.tensor1d(Array.from(test.labels.slice(0, 100)), 'int32');
    const ga = tf.grad((v: tf.Tensor) => model.fns.loss(model.params, v as tf.Tensor2D, y))(x).dataSync();
    const gb = tf.grad((v: tf.Tensor) => shipped.fns.loss(shipped.params, v as tf.Tensor2D, y))(x).dataSync();
    let worst = 0;
    for (let i = 0; i < ga.length; i++) worst = Math.max(worst, Math.abs(ga[i] - gb[i]));
    expect(worst).toBeLessThan(1e-4);
    dispose();
  });

  it('refuses each bad input with a message that says what is wrong', async () => {
    const refuse = (f: UserModelFile[]) => loadUserModel('yours:x', f, probe).then(() => 'loaded', (e: Error) => e.message);
    const cnn = files('small-cnn');
    const json = cnn.find((f) => f.name === 'model.json')!;
    const weights = cnn.find((f) => f.name === 'weights.bin')!;
    expect(await refuse(files('cifar-shape'))).toMatch(/input is \[null, 32, 32, 3\].*CIFAR/);
    expect(await refuse(files('five-classes'))).toMatch(/gives 5 outputs per digit; the site needs 10/);
    expect(await refuse([json])).toMatch(/names the weight file weights\.bin, not among the files given/);
    expect(await refuse([json, { name: 'weights.bin', bytes: weights.bytes.slice(0, 10000) }])).toMatch(/holds 10,000 bytes, but model\.json describes 21,032 bytes.*truncated/);
    expect(await refuse([json, files('softmax-graph').find((f) => f.name === 'weights.bin')!])).toMatch(/holds 31,400 bytes.*21,032.*the wrong file/);
    expect(await refuse([{ name: 'notes.txt', bytes: new TextEncoder().encode('hello').buffer as ArrayBuffer }])).toMatch(/No model\.json among/);
    expect(await refuse([{ name: 'model.json', bytes: new TextEncoder().encode('{"hello": 1}').buffer as ArrayBuffer }])).toMatch(/not a TensorFlow\.js model/);
    expect(await refuse([{ name: 'model.json', bytes: new TextEncoder().encode('not json at all').buffer as ArrayBuffer }])).toMatch(/is not JSON/);
    const huge = JSON.parse(new TextDecoder().decode(json.bytes));
    huge.weightsManifest[0].weights.push({ name: 'extra', shape: [4000, 4000], dtype: 'float32' });
    const hugeMessage = await refuse([{ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(huge)).buffer as ArrayBuffer }, weights]);
    expect(hugeMessage).toMatch(new RegExp(`declares 61\\.1 MB of weights; the limit is ${USER_MODEL_LIMIT_BYTES / 1048576}\\.0 MB, because`));
    expect(await refuse(files('unsupported-op'))).toMatch(/op TensorFlow\.js does not support.*HarnessingFrobnicate/);
    const nan = new Float32Array(weights.bytes.byteLength / 4).fill(NaN);
    expect(await refuse([json, { name: 'weights.bin', bytes: nan.buffer }])).toMatch(/output is NaN/);
    expect(tf.memory().numTensors).toBeLessThan(50);
  });

  it('a state names a reader’s model as yours:NAME, and nothing else passes', () => {
    expect(parseState(fgsmHero, new URLSearchParams('model=yours:small cnn')).state.model).toBe('yours:small cnn');
    expect(parseState(fgsmHero, new URLSearchParams('model=yours:<script>')).state.model).toBe('softmax');
    expect(parseState(fgsmHero, new URLSearchParams('model=yours:')).state.model).toBe('softmax');
    expect(USER_MODEL_NAME.test('a'.repeat(41))).toBe(false);
  });
});

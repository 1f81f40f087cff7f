/**
 * The site's models as TensorFlow.js LayersModel files (src/lib/models/export-layers.ts): the shipped softmax,
 * maxout (float16 weights, read as quantized) and 3-vs-7 logistic models, as the build writes them beside their
 * weight files, and a maxout net and a logistic regression trained live, as the figures' workers write them. Each is
 * loaded back with TensorFlow.js's own loader (tf.loadLayersModel through getModelArtifactsForJSON, as the http and
 * file loaders do) and, for the 10-class models, with the site's "Bring a model" loader; its predictions on test
 * digits equal the site's own model functions'.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import { nodeModels } from '../../scripts/lib/node-models.ts';
import { writeLayersModels } from '../../scripts/lib/site-assets.ts';
import { layersModelFiles, type LayersModelJson } from '../../src/lib/models/export-layers.ts';
import { loadUserModel } from '../../src/lib/models/user-model.ts';
import { AdversarialTrainingRun, LIVE_NET } from '../../src/lib/train/live-adversarial.ts';
import { modelFunctions } from '../../src/lib/models/architectures.ts';

const testDigits = loadMnist('test');
const N = 40;
const x = toFloat(testDigits, 0, N);

beforeAll(async () => {
  await initTf('wasm');
});

/** tf.loadLayersModel on model.json and its weight files, by their names, as a TensorFlow.js program loads them. */
async function tfLoad(jsonText: string, files: Record<string, ArrayBuffer>): Promise<tf.LayersModel> {
  const json = JSON.parse(jsonText) as tf.io.ModelJSON;
  return tf.loadLayersModel({
    load: () =>
      tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights);
        const parts = manifest.flatMap((g) => g.paths.map((p) => new Uint8Array(files[p])));
        const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let o = 0;
        for (const p of parts) (all.set(p, o), (o += p.length));
        return [specs, all.buffer];
      }),
  });
}

function predict(m: tf.LayersModel): Float32Array {
  return tf.tidy(() => (m.predict(tf.tensor2d(x, [N, 784])) as tf.Tensor).dataSync() as Float32Array);
}

function close(a: Float32Array, b: Float32Array, tol: number) {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThan(tol);
}

const argmaxRows = (p: Float32Array, k: number) => Array.from({ length: p.length / k }, (_, i) => {
  let best = 0;
  for (let j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
  return best;
});

describe('the site’s models as TensorFlow.js LayersModel files', () => {
  it('the build writes NAME.model.json beside the shipped weights, and they load and predict as the site’s models', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layers-'));
    try {
      cpSync('models', dir, { recursive: true });
      const written = writeLayersModels(dir);
      // every model TensorFlow.js layers can express; the RBF networks and the ensemble are not among them
      expect(written).toEqual(expect.arrayContaining(['softmax', 'softmax-wd', 'maxout', 'maxout-adv', 'logistic-3v7', 'logistic-3v7-adv', 'logistic-3v7-l1']));
      expect(written).not.toContain('rbf');
      expect(written).not.toContain('ensemble');
      const models = await nodeModels('models');
      for (const name of ['softmax', 'maxout-adv', 'logistic-3v7']) {
        const jsonText = readFileSync(join(dir, `${name}.model.json`), 'utf8');
        const json = JSON.parse(jsonText) as LayersModelJson;
        const bin = readFileSync(join(dir, json.weightsManifest[0].paths[0]));
        const bytes = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
        const site = await models.model(name);
        const want = site.fns.probabilities(site.params, tf.tensor2d(x, [N, 784]));
        const wantValues = (await want.data()) as Float32Array;
        want.dispose();
        const m = await tfLoad(jsonText, { [json.weightsManifest[0].paths[0]]: bytes });
        const got = predict(m);
        m.dispose();
        if (name === 'logistic-3v7') {
          // one output: P(7); the site's two columns are P(3), P(7)
          expect(json.userDefinedMetadata.output).toContain('probability that the digit is a 7');
          close(got, Float32Array.from({ length: N }, (_, i) => wantValues[2 * i + 1]), 1e-5);
          continue;
        }
        close(got, wantValues, 1e-4);
        // the site's own "Bring a model" takes it back, and its logits give the same classes
        const back = await loadUserModel(`yours:${name}`, [{ name: `${name}.model.json`, bytes: new TextEncoder().encode(jsonText).buffer as ArrayBuffer }, { name: json.weightsManifest[0].paths[0], bytes }], x.slice(0, 5 * 784));
        expect(back.inspection.softmax).toBe('cut');
        const p = back.model.fns.probabilities(back.model.params, tf.tensor2d(x, [N, 784]));
        close((await p.data()) as Float32Array, wantValues, 1e-4);
        p.dispose();
        back.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a maxout net trained live is written as float32 files that load back with its predictions', async () => {
    const trainDigits = loadMnist('train');
    const run = new AdversarialTrainingRun(
      { count: 200, pixels: toFloat(trainDigits, 0, 200), labels: trainDigits.labels.slice(0, 200) },
      { pixels: x, labels: testDigits.labels.slice(0, N) },
      { seed: 4, alpha: 0.5, epsilon: 0.25 },
    );
    try {
      await run.epoch();
      const { params } = run.network('adversarial');
      const values: Record<string, Float32Array> = {};
      for (const [k, v] of Object.entries(params)) values[k] = (await v.data()) as Float32Array;
      const f = layersModelFiles(LIVE_NET as Extract<typeof LIVE_NET, { kind: 'maxout' }>, values, { name: 'maxout-adversarial-epoch1', from: 'a test' });
      expect(f.jsonName).toBe('maxout-adversarial-epoch1.json');
      expect(f.weights.byteLength).toBe((784 * 200 + 200 + 100 * 10 + 10) * 4);
      const want = tf.tidy(() => modelFunctions(LIVE_NET).probabilities(params, tf.tensor2d(x, [N, 784])).dataSync() as Float32Array);
      const m = await tfLoad(f.json, { [f.weightsName]: f.weights });
      const got = predict(m);
      m.dispose();
      close(got, want, 1e-5);
      expect(argmaxRows(got, 10)).toEqual(argmaxRows(want, 10));
    } finally {
      run.dispose();
    }
  });

  it('refuses parameters of the wrong size', () => {
    expect(() => layersModelFiles({ kind: 'softmax', inputs: 784, classes: 10 }, { W: new Float32Array(10), b: new Float32Array(10) }, { name: 's', from: 't' })).toThrow(/W has 10 values, the model needs 7840/);
  });
});

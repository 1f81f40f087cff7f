/**
 * `npm run experiment -- <name>`: experiments at a scale the browser does not
 * reach (Node, wasm backend), each with the science its figure runs live.
 *
 *   non-robust   Ilyas et al.'s D_det on MNIST (src/lib/analysis/non-robust.ts):
 *                the first N training digits made adversarial toward (y + 1) mod 10
 *                on the shipped maxout model, labelled so; a fresh student trained
 *                on them; tested on the clean official test digits.
 *     --n N           training digits (default 10000)
 *     --epsilon E     the attack's ε, or several (0.1,0.2,0.3: one run each; default 0.1,0.2,0.3)
 *     --steps K       the attack's iterations (default 10)
 *     --student S     softmax | maxout (default maxout)
 *     --epochs E      the student's epochs (default 10)
 *     --seed S        the student's seed (default 1)
 *     --test N        the first N test digits (default 10000)
 *     --no-control    skip the control (clean digits labelled t)
 *     --models DIR    another models folder
 *     --json          print the result as JSON instead of writing it
 *     --out FILE      where the result goes (default content/non-robust-mnist.json)
 *
 *   adversarial-training   §6 live (src/lib/train/live-adversarial.ts): the ordinary and the
 *                adversarial objective on one small maxout net, epoch by epoch, as JSON
 *     --n N --epochs E --alpha A --epsilon E --seed S --test N
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { initTf } from './lib/tf-node.ts';
import { nodeModels } from './lib/node-models.ts';
import { loadMnist } from '../src/lib/data/mnist-node.ts';
import { toFloat } from '../src/lib/data/idx.ts';
import { ddetExperiment, students, type Student } from '../src/lib/analysis/non-robust.ts';
import { nonRobustDefaults } from '../src/lib/analysis/non-robust-defaults.ts';
import { AdversarialTrainingRun } from '../src/lib/train/live-adversarial.ts';

const args = process.argv.slice(2);
const name = args[0];
const option = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
function numberOption(flag: string, fallback: number, ok: (v: number) => boolean, what: string): number {
  const raw = option(flag);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!ok(v)) {
    console.error(`${flag} must be ${what}, got ${raw}`);
    process.exit(2);
  }
  return v;
}
const whole = (lo: number, hi: number) => (v: number) => Number.isInteger(v) && v >= lo && v <= hi;

if (name === 'adversarial-training') {
  await adversarialTraining();
  process.exit(0);
}
if (name !== 'non-robust') {
  console.error(`usage: npm run experiment -- non-robust|adversarial-training [options] (unknown experiment ${JSON.stringify(name ?? '')})`);
  process.exit(2);
}

/** §6 live: the ordinary and the adversarial objective side by side (src/lib/train/live-adversarial.ts); prints JSON. */
async function adversarialTraining() {
  const n = numberOption('--n', 5000, whole(1, 60000), 'a whole number from 1 to 60000');
  const epochs = numberOption('--epochs', 10, whole(1, 100), 'a whole number from 1 to 100');
  const alpha = numberOption('--alpha', 0.5, (v) => v >= 0 && v <= 1, 'a number from 0 to 1');
  const epsilon = numberOption('--epsilon', 0.25, (v) => v >= 0 && v <= 1, 'a number from 0 to 1');
  const seed = numberOption('--seed', 1, whole(0, 2 ** 31), 'a whole number');
  const testCount = numberOption('--test', 1000, whole(1, 10000), 'a whole number from 1 to 10000');
  await initTf('wasm');
  const trainSet = loadMnist('train');
  const testSet = loadMnist('test');
  const run = new AdversarialTrainingRun(
    { count: n, pixels: toFloat(trainSet, 0, n), labels: trainSet.labels.slice(0, n) },
    { pixels: toFloat(testSet, 0, testCount), labels: testSet.labels.slice(0, testCount) },
    { seed, alpha, epsilon },
  );
  const points = [];
  for (let e = 0; e < epochs; e++) {
    const p = await run.epoch();
    points.push(p);
    process.stderr.write(
      `epoch ${p.epoch}: ordinary ${p.runs.ordinary.cleanError.toFixed(2)} % clean, ${p.runs.ordinary.fgsmError.toFixed(2)} % FGSM; ` +
        `adversarial ${p.runs.adversarial.cleanError.toFixed(2)} % clean, ${p.runs.adversarial.fgsmError.toFixed(2)} % FGSM\n`,
    );
  }
  run.dispose();
  console.log(JSON.stringify({ trainDigits: n, testDigits: testCount, alpha, epsilon, seed, epochs: points }, null, 2));
}

const d = nonRobustDefaults;
const n = numberOption('--n', 10000, whole(1, 60000), 'a whole number from 1 to 60000');
const epsilons = (option('--epsilon') ?? '0.1,0.2,0.3').split(',').map(Number);
if (!epsilons.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)) {
  console.error(`--epsilon must be numbers from 0 to 1, got ${option('--epsilon')}`);
  process.exit(2);
}
const steps = numberOption('--steps', d.steps, whole(0, 100), 'a whole number from 0 to 100');
const epochs = numberOption('--epochs', d.epochs, whole(1, 100), 'a whole number from 1 to 100');
const seed = numberOption('--seed', d.seed, whole(0, 2 ** 31), 'a whole number');
const testCount = numberOption('--test', 10000, whole(1, 10000), 'a whole number from 1 to 10000');
const student = (option('--student') ?? d.student) as Student;
if (!students.includes(student)) {
  console.error(`--student must be one of ${students.join(', ')}, got ${student}`);
  process.exit(2);
}

await initTf('wasm');
const models = await nodeModels(option('--models') ?? 'models');
const source = await models.model(d.source);
const trainSet = loadMnist('train');
const testSet = loadMnist('test');
const started = performance.now();
const tty = process.stderr.isTTY;
const round = (x: number, k = 2) => Math.round(x * 10 ** k) / 10 ** k;
const train = { pixels: toFloat(trainSet, 0, n), labels: trainSet.labels.slice(0, n) };
const test = { pixels: toFloat(testSet, 0, testCount), labels: testSet.labels.slice(0, testCount) };
const runs = [];
let control: { accuracy: number; shifted: number } | null = null;
for (const [i, epsilon] of epsilons.entries()) {
  let lastStage = '';
  let lastPrinted = 0;
  const result = await ddetExperiment(source, train, test, {
    epsilon,
    steps,
    student,
    epochs,
    seed,
    // the control does not depend on ε: once
    control: i === 0 && !args.includes('--no-control'),
    onProgress: (f, label, stage) => {
      const line = `ε = ${epsilon}: ${(100 * f).toFixed(1).padStart(5)} % ${label}`;
      const now = performance.now();
      if (tty) process.stderr.write(`\r\x1b[K${line}`);
      else if (stage !== lastStage || now - lastPrinted > 15000) {
        process.stderr.write(`${line}\n`);
        lastPrinted = now;
      }
      lastStage = stage;
    },
  });
  if (tty) process.stderr.write('\r\x1b[K');
  if (result.control) control = { accuracy: round(result.control.accuracy), shifted: round(result.control.shifted) };
  const run = {
    epsilon,
    stepSize: round((2.5 * epsilon) / Math.max(1, steps), 5),
    reachedTarget: round(result.reachedTarget),
    maxChange: round(result.maxChange, 5),
    accuracy: round(result.test.accuracy),
    shifted: round(result.test.shifted),
    seconds: { attack: round(result.seconds.attack, 1), train: round(result.seconds.train, 1), test: round(result.seconds.test, 1) },
  };
  runs.push(run);
  process.stderr.write(
    `D_det on ${n} training digits, ε = ${epsilon}, ${steps} steps: the attack reached its target on ${run.reachedTarget} %; ` +
      `the ${student} student scores ${run.accuracy} % on ${testCount} clean test digits (chance 10 %), ${run.shifted} % put in (y + 1) mod 10\n`,
  );
}
const out = {
  experiment: 'D_det (Ilyas et al. 2019) on MNIST',
  source: d.source,
  trainDigits: n,
  testDigits: testCount,
  steps,
  student,
  epochs,
  seed,
  runs,
  /** The same student trained on the unperturbed digits labelled (y + 1) mod 10. */
  control,
  seconds: round((performance.now() - started) / 1000, 1),
  ranOn: `Node ${process.version}, TensorFlow.js wasm backend, ${cpus().length} CPU cores (${cpus()[0]?.model.trim() ?? 'unknown'})`,
  date: new Date().toISOString().slice(0, 10),
  command: `npm run experiment -- non-robust ${args.slice(1).join(' ')}`.trim(),
};
if (args.includes('--json')) console.log(JSON.stringify(out, null, 2));
else {
  const file = option('--out') ?? 'content/non-robust-mnist.json';
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  process.stderr.write(`wrote ${file}\n`);
}
if (control) process.stderr.write(`the control (clean digits labelled t): ${control.accuracy} % right, ${control.shifted} % put in (y + 1) mod 10 (${out.seconds} s in all)\n`);

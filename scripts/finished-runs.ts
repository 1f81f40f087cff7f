/**
 * `npm run finished-runs`: the finished runs the two live-training figures show until the reader presses Train,
 * trained here in Node with the same src/lib code, the same digits and the same seeds as the figures train with in
 * the browser, at each figure's default settings and at each scroll step's:
 *   src/figures/adversarial-training/finished.json          §6, the ordinary and the adversarial maxout net
 *   src/figures/adversarial-vs-weight-decay/finished.json   §5, the three 3-vs-7 logistic regressions (+ final w, 8-bit)
 *   --only adversarial-training|adversarial-vs-weight-decay   one of the two
 * On the wasm backend; about 4 minutes for §6 and 1 for §5 on a 2-core machine. tests/unit/finished-runs.test.ts
 * checks the files against the current code (the first epoch trained again gives the same numbers).
 */
import { writeFileSync } from 'node:fs';
import { initTf } from './lib/tf-node.ts';
import { loadMnist } from '../src/lib/data/mnist-node.ts';
import { toFloat } from '../src/lib/data/idx.ts';
import { AdversarialTrainingRun } from '../src/lib/train/live-adversarial.ts';
import { threesAndSevens, WeightDecayRace, RUNS } from '../src/lib/train/adversarial-vs-weight-decay.ts';
import { encodeSigned8, rounded } from '../src/figures/kit/finished.ts';
import { adversarialTraining, finishedSettings as trainingSettingsList } from '../src/figures/adversarial-training/state.ts';
import { adversarialVsWeightDecay, finishedSettings as raceSettingsList } from '../src/figures/adversarial-vs-weight-decay/state.ts';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const GENERATED_BY = 'npm run finished-runs (scripts/finished-runs.ts), Node, TensorFlow.js';

await initTf('wasm');
const trainDigits = loadMnist('train');
const testDigits = loadMnist('test');

if (!only || only === 'adversarial-training') {
  const runs = [];
  const epochs = adversarialTraining.epochs.default;
  for (const settings of trainingSettingsList()) {
    const { seed, alpha, epsilon, n, test } = settings;
    const run = new AdversarialTrainingRun(
      { count: n, pixels: toFloat(trainDigits, 0, n), labels: trainDigits.labels.slice(0, n) },
      { pixels: toFloat(testDigits, 0, test), labels: testDigits.labels.slice(0, test) },
      { seed, alpha, epsilon },
    );
    const out = [];
    for (let e = 0; e < epochs; e++) {
      const p = await run.epoch();
      const r = (k: 'ordinary' | 'adversarial') => ({ loss: rounded(p.runs[k].loss, 5), cleanError: rounded(p.runs[k].cleanError), fgsmError: rounded(p.runs[k].fgsmError) });
      out.push({ epoch: p.epoch, runs: { ordinary: r('ordinary'), adversarial: r('adversarial') } });
      process.stderr.write(`§6 α = ${alpha}, ε = ${epsilon}: epoch ${p.epoch}: FGSM ${p.runs.ordinary.fgsmError.toFixed(1)} % → ${p.runs.adversarial.fgsmError.toFixed(1)} %\n`);
    }
    run.dispose();
    runs.push({ settings, epochs: out });
  }
  writeFileSync('src/figures/adversarial-training/finished.json', JSON.stringify({ generatedBy: GENERATED_BY, backend: 'wasm', runs }) + '\n');
}

if (!only || only === 'adversarial-vs-weight-decay') {
  // the worker's digits: the 3s and 7s of the first 5,000 training digits, and of all 10,000 test digits
  const train = threesAndSevens(toFloat(trainDigits, 0, 5000), trainDigits.labels.slice(0, 5000));
  const test = threesAndSevens(toFloat(testDigits, 0, 10000), testDigits.labels.slice(0, 10000));
  const runs = [];
  const epochs = adversarialVsWeightDecay.epochs.default;
  for (const settings of raceSettingsList()) {
    const race = new WeightDecayRace(train, test, settings);
    const out = [];
    let weights = {};
    for (let e = 0; e < epochs; e++) {
      const p = await race.epoch();
      out.push({
        epoch: p.epoch,
        runs: p.runs.map((r) => ({
          run: r.run,
          loss: rounded(r.loss, 5),
          cleanLoss: rounded(r.cleanLoss, 5),
          penalty: rounded(r.penalty, 5),
          l1: rounded(r.l1, 3),
          trainError: rounded(r.trainError),
          cleanError: rounded(r.cleanError),
          fgsmError: rounded(r.fgsmError),
          bias: rounded(r.bias, 5),
        })),
      });
      if (e === epochs - 1) weights = Object.fromEntries(RUNS.map((name) => [name, encodeSigned8(p.runs.find((r) => r.run === name)!.weights)]));
    }
    race.dispose();
    process.stderr.write(`§5 ε = ${settings.epsilon}, λ = ${settings.lambda}: ${epochs} epochs\n`);
    // the curves: every epoch of the first ten, then every other one, and the last (the JSON stays small)
    runs.push({ settings, epochs: out.filter((e) => e.epoch <= 10 || e.epoch % 2 === 0 || e.epoch === epochs), weights });
  }
  writeFileSync('src/figures/adversarial-vs-weight-decay/finished.json', JSON.stringify({ generatedBy: GENERATED_BY, backend: 'wasm', runs }) + '\n');
}

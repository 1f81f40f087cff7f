/**
 * The maxout paper's training recipe (maxout-paper, maxout-adv-paper): SGD
 * with momentum and max-norm (src/lib/optim/momentum-sgd.ts), its schedules,
 * early stopping (src/lib/train/early-stopping.ts), and the two-phase trainer
 * resumed from its checkpoints, on tiny data.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initTf } from './setup-tf.ts';
import { learningRateAt, maxNormColumns, momentumAt, MomentumSgd } from '../../src/lib/optim/momentum-sgd.ts';
import { initialEarlyStopping, observeEpoch, stoppingReason, type EarlyStoppingState } from '../../src/lib/train/early-stopping.ts';
import { recipes, type Recipe } from '../../scripts/lib/recipes.ts';
import { trainRecipe, type DataSets } from '../../scripts/lib/trainer.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import type { Manifest } from '../../src/lib/models/manifest.ts';
import { adversarialObjective } from '../../src/lib/train/objectives.ts';
import { modelFunctions } from '../../src/lib/models/architectures.ts';
import { withNaiveGradient } from '../../src/lib/attacks/naive-gradient.ts';
import { fgsm } from '../../src/lib/attacks/fgsm.ts';

beforeAll(async () => {
  await initTf('wasm');
});

const columnNorms = async (w: tf.Tensor) => {
  const [rows, cols] = w.shape;
  const v = await w.data();
  return Array.from({ length: cols }, (_, j) => Math.sqrt(Array.from({ length: rows }, (_, i) => v[i * cols + j] ** 2).reduce((a, b) => a + b, 0)));
};

describe('the schedules', () => {
  it('momentum rises linearly from 0.5 to 0.7 over the set epochs, then stays at 0.7', () => {
    const s = { start: 0.5, end: 0.7, epochs: 50 };
    expect(momentumAt(s, 0)).toBe(0.5);
    expect(momentumAt(s, 10)).toBeCloseTo(0.54, 12);
    expect(momentumAt(s, 25)).toBeCloseTo(0.6, 12);
    expect(momentumAt(s, 49)).toBeCloseTo(0.696, 12);
    expect(momentumAt(s, 50)).toBeCloseTo(0.7, 12);
    expect(momentumAt(s, 200)).toBeCloseTo(0.7, 12);
    // the recipes' own: 0.5 → 0.7 over 50 epochs (2 in the quick versions)
    for (const r of recipes(false).filter((x) => x.paper)) expect(r.paper!.momentum).toEqual({ start: 0.5, end: 0.7, epochs: 50 });
  });

  it('the learning rate decays geometrically per epoch, down to its floor', () => {
    const s = { initial: 0.1, decay: 0.98, minimum: 1e-6 };
    expect(learningRateAt(s, 0)).toBe(0.1);
    expect(learningRateAt(s, 1)).toBeCloseTo(0.098, 12);
    expect(learningRateAt(s, 10)).toBeCloseTo(0.1 * 0.98 ** 10, 12);
    expect(learningRateAt(s, 10_000)).toBe(1e-6);
  });
});

describe('SGD with momentum and max-norm', () => {
  it('takes the classical momentum step v ← μv − ηg, θ ← θ + v', async () => {
    const theta = tf.variable(tf.tensor1d([1, -2]));
    const opt = new MomentumSgd({ b: theta }, { learningRate: 0.1, momentum: 0.5, maxNorm: Infinity });
    // J = Σ θ²/2: g = θ
    const f = () => tf.sum(tf.mul(tf.square(theta), 0.5)) as tf.Scalar;
    opt.minimize(f, false, [theta]);
    // v₁ = −0.1·[1, −2] = [−0.1, 0.2]; θ₁ = [0.9, −1.8]
    expect(Array.from(await theta.data()).map((x) => +x.toFixed(6))).toEqual([0.9, -1.8]);
    opt.momentum = 0.7;
    opt.minimize(f, false, [theta]);
    // v₂ = 0.7·v₁ − 0.1·θ₁ = [−0.16, 0.32]; θ₂ = [0.74, −1.48]
    expect(Array.from(await opt.velocity.b.data()).map((x) => +x.toFixed(6))).toEqual([-0.16, 0.32]);
    expect(Array.from(await theta.data()).map((x) => +x.toFixed(6))).toEqual([0.74, -1.48]);
    opt.dispose();
    theta.dispose();
  });

  it('leaves every column of every weight matrix with norm ≤ c after every step, and short columns and biases alone', async () => {
    const c = 1.9365;
    const W = tf.variable(tf.tensor2d([[0.1, 1.5, 0.2], [0.1, 1.5, -0.3], [0.1, 0.5, 0.1]]));
    const b = tf.variable(tf.tensor1d([0, 0, 0]));
    const opt = new MomentumSgd({ W, b }, { learningRate: 0.5, momentum: 0.7, maxNorm: c });
    // a loss that pulls every weight and bias outward without bound
    const target = tf.tensor2d([[1, 2, -1], [3, 1, 1], [-2, 2, 1]]);
    const f = () => tf.neg(tf.add(tf.sum(tf.mul(W, target)), tf.sum(tf.mul(b, tf.tensor1d([3, -3, 3]))))) as tf.Scalar;
    for (let step = 0; step < 20; step++) {
      opt.minimize(f, false, [W, b]);
      for (const n of await columnNorms(W)) expect(n).toBeLessThanOrEqual(c * (1 + 1e-6));
    }
    // the columns were pulled onto the sphere; the biases, unconstrained, went far past c
    for (const n of await columnNorms(W)) expect(n).toBeCloseTo(c, 4);
    expect(Math.max(...Array.from(await b.data()).map(Math.abs))).toBeGreaterThan(10 * c);
    // a column inside the ball is left exactly as it is
    const short = tf.tensor2d([[0.3, 3], [0.4, 4]]);
    const capped = maxNormColumns(short, 1);
    const v = await capped.data();
    expect([v[0], v[2]]).toEqual([Math.fround(0.3), Math.fround(0.4)]);
    expect((await columnNorms(capped))[1]).toBeCloseTo(1, 6);
    tf.dispose([W, b, target, short, capped]);
    opt.dispose();
  });
});

describe('§6’s objective in the paper’s setting', () => {
  it('with clip: false mixes the loss on x + ε sign(∇ₓJ) from the naive gradient, not clipped', async () => {
    const fns = modelFunctions({ kind: 'softmax', inputs: 784, classes: 10 });
    const params = { W: tf.randomNormal([784, 10], 0, 0.05, 'float32', 3), b: tf.zeros([10]) };
    const test = loadMnist('test');
    const x = tf.tensor2d(toFloat(test, 0, 8), [8, 784]);
    const y = tf.tensor1d(Array.from(test.labels.slice(0, 8)), 'int32');
    const naive = withNaiveGradient(fns);
    const got = (await adversarialObjective(naive, 0.5, 0.25, { clip: false })(params, x, y, { seed: 1 })().data())[0];
    const { adversarial, direction } = fgsm(naive, params, x, y, 0.25, { clip: false });
    const expected = (await tf.div(tf.add(tf.mul(fns.loss(params, x, y), 0.5), tf.mul(fns.loss(params, adversarial, y), 0.5)), 8).data())[0];
    expect(got).toBeCloseTo(expected, 5);
    // not clipped: some pixels leave [0, 1]
    expect((await tf.min(adversarial).data())[0]).toBeLessThan(0);
    const clipped = (await adversarialObjective(naive, 0.5, 0.25)(params, x, y, { seed: 1 })().data())[0];
    expect(clipped).not.toBeCloseTo(got, 5);
    tf.dispose([params.W, params.b, x, y, adversarial, direction]);
  });
});

describe('early stopping', () => {
  const run = (errors: number[], patience: number, maxEpochs: number) => {
    let s: EarlyStoppingState = initialEarlyStopping();
    for (const e of errors) {
      s = observeEpoch(s, e);
      const reason = stoppingReason(s, { patience, maxEpochs });
      if (reason) return { ...s, reason };
    }
    return { ...s, reason: null };
  };

  it('picks the epoch with the lowest validation error and stops once patience epochs pass without a new one', () => {
    const r = run([5, 4, 4.5, 3.9, 4, 4.1, 4.2, 3.0, 2.0], 3, 100);
    expect(r.bestEpoch).toBe(4);
    expect(r.bestError).toBe(3.9);
    // stopped after epoch 7: three epochs (5, 6, 7) without a new best; the later 3.0 and 2.0 are never seen
    expect(r.errors).toEqual([5, 4, 4.5, 3.9, 4, 4.1, 4.2]);
    expect(r.reason).toBe('patience');
  });

  it('counts only a strict decrease (the earliest of equal errors is the best) and stops at the cap', () => {
    expect(run([3, 3, 3, 3], 2, 100)).toMatchObject({ bestEpoch: 1, errors: [3, 3, 3], reason: 'patience' });
    expect(run([5, 4, 3, 2, 1], 10, 4)).toMatchObject({ bestEpoch: 4, bestError: 2, errors: [5, 4, 3, 2], reason: 'cap' });
    expect(stoppingReason(initialEarlyStopping(), { patience: 1, maxEpochs: 1 })).toBeNull();
  });
});

describe('the two-phase trainer, interrupted and resumed', () => {
  const train = loadMnist('train');
  const test = loadMnist('test');
  const data: DataSets = {
    train: { count: 700, pixels: toFloat(train, 0, 700), labels: train.labels.slice(0, 700) },
    test: { count: 100, pixels: toFloat(test, 0, 100), labels: test.labels.slice(0, 100) },
    describe: 'test',
  };
  const tiny = (name: string): Recipe => {
    const base = recipes(true).find((r) => r.name === name)!;
    // 500 digits in phase 1 (batches of 20, so that it learns), 200 to validate on; 3 epochs at most, stopped early after 2 without a new best
    return { ...base, epochs: 3, batchSize: 20, allowHalf: false, paper: { ...base.paper!, validation: 200, earlyStopping: { patience: 2, maxEpochs: 3 } } };
  };
  const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const meta = (dir: string, name: string) => JSON.parse(readFileSync(join(dir, 'ck', name, 'meta.json'), 'utf8'));

  it('maxout-paper run one epoch at a time, through the phase boundary, ends where an uninterrupted run ends', async () => {
    const recipe = tiny('maxout-paper');
    const a = mkdtempSync(join(tmpdir(), 'paper-a-'));
    const b = mkdtempSync(join(tmpdir(), 'paper-b-'));
    expect(await trainRecipe(recipe, data, { outDir: a, checkpointDir: join(a, 'ck'), order: [recipe.name] })).toBe(true);
    const whole = manifestOf(a).models[0];
    const stopping = whole.earlyStopping!;
    expect(stopping.trainingDigits).toBe(500);
    expect(stopping.validationDigits).toBe(200);
    expect(whole.epochs).toBe(stopping.bestEpoch);
    expect(stopping.validationErrors.length).toBe(stopping.phase1Epochs);
    expect(stopping.bestValidationError).toBe(Math.min(...stopping.validationErrors));
    // on these digits the network learns: phase 2 has several epochs, so resuming inside it is tested too
    expect(stopping.bestEpoch).toBeGreaterThanOrEqual(2);

    const runs: boolean[] = [];
    const metas: { phase: number; epoch: number; bestEpoch: number; velocity: boolean }[] = [];
    for (let i = 0; i < 20; i++) {
      const done = await trainRecipe(recipe, data, { outDir: b, checkpointDir: join(b, 'ck'), order: [recipe.name], maxEpochsThisRun: 1 });
      runs.push(done);
      if (done) break;
      const m = meta(b, recipe.name);
      metas.push({ phase: m.phase, epoch: m.epoch, bestEpoch: m.bestEpoch, velocity: m.tensors.some((t: { name: string }) => t.name.startsWith('velocity:')) });
    }
    expect(runs.at(-1)).toBe(true);
    // one run per epoch of both phases, the last one finishing
    expect(runs.length).toBe(stopping.phase1Epochs + stopping.bestEpoch);
    // the run that ended phase 1 left the phase boundary's checkpoint: phase 2, epoch 0, no velocity yet
    expect(metas[stopping.phase1Epochs - 1]).toEqual({ phase: 2, epoch: 0, bestEpoch: stopping.bestEpoch, velocity: false });
    for (let i = 0; i < stopping.phase1Epochs - 1; i++) expect(metas[i]).toMatchObject({ phase: 1, epoch: i + 1, velocity: true });
    for (let i = stopping.phase1Epochs; i < metas.length; i++) expect(metas[i]).toMatchObject({ phase: 2, epoch: i - stopping.phase1Epochs + 1, velocity: true });
    const pieces = manifestOf(b).models[0];
    expect(pieces.weights[0].sha256).toBe(whole.weights[0].sha256);
    expect(pieces.metrics).toEqual(whole.metrics);
    expect({ ...pieces.earlyStopping, phase1Seconds: 0, phase2Seconds: 0 }).toEqual({ ...stopping, phase1Seconds: 0, phase2Seconds: 0 });
    expect(existsSync(join(b, 'ck', recipe.name))).toBe(false);
  });

  it('maxout-adv-paper stopped at the phase boundary resumes to the same weights; its criterion is the adversarial validation error', async () => {
    const recipe = tiny('maxout-adv-paper');
    const a = mkdtempSync(join(tmpdir(), 'adv-paper-a-'));
    const b = mkdtempSync(join(tmpdir(), 'adv-paper-b-'));
    expect(await trainRecipe(recipe, data, { outDir: a, checkpointDir: join(a, 'ck'), order: [recipe.name] })).toBe(true);
    const whole = manifestOf(a).models[0];
    const stopping = whole.earlyStopping!;
    expect(stopping.criterion).toContain('adversarial validation error');
    expect(await trainRecipe(recipe, data, { outDir: b, checkpointDir: join(b, 'ck'), order: [recipe.name], maxEpochsThisRun: stopping.phase1Epochs })).toBe(false);
    expect(meta(b, recipe.name)).toMatchObject({ phase: 2, epoch: 0, done: false, bestEpoch: stopping.bestEpoch, validationErrors: stopping.validationErrors });
    expect(await trainRecipe(recipe, data, { outDir: b, checkpointDir: join(b, 'ck'), order: [recipe.name] })).toBe(true);
    expect(manifestOf(b).models[0].weights[0].sha256).toBe(whole.weights[0].sha256);
  });
});

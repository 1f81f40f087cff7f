/**
 * §5 trained live: the three logistic regressions on the 3s and 7s of the
 * first 5,000 training digits (the file the site serves for in-browser
 * training). Checked: seeded runs repeat exactly, the loss falls, every
 * measured number equals a float64 recomputation from the run's own weights,
 * the adversarial penalty fades where L¹ decay keeps charging, and every tensor
 * is freed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import { initialWeights, threesAndSevens, WeightDecayRace, type RaceEpoch } from '../../src/lib/train/adversarial-vs-weight-decay.ts';

const trainDigits = loadMnist('train');
const testDigits = loadMnist('test');
const trainSet = threesAndSevens(toFloat(trainDigits, 0, 5000), trainDigits.labels.slice(0, 5000));
const testSet = threesAndSevens(toFloat(testDigits, 0, 1000), testDigits.labels.slice(0, 1000));

beforeAll(async () => {
  await initTf('wasm');
});

async function race(epochs: number, settings = { seed: 3, epsilon: 0.25, lambda: 0.25 }): Promise<RaceEpoch[]> {
  const r = new WeightDecayRace(trainSet, testSet, settings);
  const out: RaceEpoch[] = [];
  try {
    for (let e = 0; e < epochs; e++) out.push(await r.epoch());
  } finally {
    r.dispose();
  }
  return out;
}

const zeta = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));

describe('adversarial training against L¹ weight decay, live', () => {
  it('takes the 3s and 7s (3 → 0, 7 → 1) and starts every run from the same seeded w', () => {
    const s = threesAndSevens(new Float32Array(4 * 784).map((_, i) => Math.floor(i / 784)), [3, 1, 7, 3]);
    expect(s.count).toBe(3);
    expect(Array.from(s.labels)).toEqual([0, 1, 0]);
    expect([s.pixels[0], s.pixels[784], s.pixels[2 * 784]]).toEqual([0, 2, 3]);
    expect(trainSet.count).toBeGreaterThan(900);
    expect(initialWeights(4)).toEqual(initialWeights(4));
    expect(initialWeights(4)).not.toEqual(initialWeights(5));
  });

  it('the same seed gives the same curves; another seed other curves; the loss falls; tensors are freed', async () => {
    const before = tf.memory().numTensors;
    const a = await race(3);
    const b = await race(3);
    expect(tf.memory().numTensors).toBe(before);
    expect(b).toEqual(a);
    const c = await race(1, { seed: 4, epsilon: 0.25, lambda: 0.25 });
    expect(c[0].runs[0].loss).not.toBe(a[0].runs[0].loss);
    expect(a.map((e) => e.epoch)).toEqual([1, 2, 3]);
    for (let k = 0; k < 3; k++) {
      expect(a[0].runs[k].run).toBe(['plain', 'adversarial', 'decay'][k]);
      expect(a[2].runs[k].loss).toBeLessThan(a[0].runs[k].loss);
    }
  });

  it('each measured number equals a float64 recomputation from the run’s weights', async () => {
    const eps = 0.2, lambda = 0.1;
    const r = new WeightDecayRace(trainSet, testSet, { seed: 1, epsilon: eps, lambda });
    await r.epoch();
    const e = await r.epoch();
    r.dispose();
    for (const run of e.runs) {
      const w = run.weights;
      const l1 = w.reduce((s, v) => s + Math.abs(v), 0);
      expect(run.l1).toBeCloseTo(l1, 3);
      // margins m = y(wᵀx + b) on the training digits, in float64
      let cleanLoss = 0, advExtra = 0, trainWrong = 0;
      for (let i = 0; i < trainSet.count; i++) {
        const y = 2 * trainSet.labels[i] - 1;
        let z = run.bias;
        for (let k = 0; k < 784; k++) z += w[k] * trainSet.pixels[i * 784 + k];
        const m = y * z;
        cleanLoss += zeta(-m);
        advExtra += zeta(eps * l1 - m) - zeta(-m);
        if (m <= 0) trainWrong++;
      }
      expect(run.cleanLoss).toBeCloseTo(cleanLoss / trainSet.count, 4);
      expect(Math.abs(run.trainError - (100 * trainWrong) / trainSet.count)).toBeLessThanOrEqual(100 / trainSet.count + 1e-9);
      const penalty = run.run === 'adversarial' ? advExtra / trainSet.count : run.run === 'decay' ? lambda * l1 : 0;
      expect(run.penalty).toBeCloseTo(penalty, 4);
      // test 3s and 7s: clean and FGSM (x − ε y sign(w), clipped) by hand
      let cleanWrong = 0, fgsmWrong = 0;
      for (let i = 0; i < testSet.count; i++) {
        const y = 2 * testSet.labels[i] - 1;
        let z = run.bias, za = run.bias;
        for (let k = 0; k < 784; k++) {
          const x = testSet.pixels[i * 784 + k];
          z += w[k] * x;
          za += w[k] * Math.min(1, Math.max(0, x - eps * y * Math.sign(w[k])));
        }
        if ((z > 0 ? 1 : -1) !== y) cleanWrong++;
        if ((za > 0 ? 1 : -1) !== y) fgsmWrong++;
      }
      const one = 100 / testSet.count + 1e-9;
      expect(Math.abs(run.cleanError - (100 * cleanWrong) / testSet.count)).toBeLessThanOrEqual(one);
      expect(Math.abs(run.fgsmError - (100 * fgsmWrong) / testSet.count)).toBeLessThanOrEqual(one);
    }
  });

  it('the adversarial penalty fades once margins are large; L¹ decay keeps charging and underfits at the same coefficient', async () => {
    const epochs = await race(12);
    const last = epochs[epochs.length - 1];
    const [plain, adversarial, decay] = last.runs;
    // the share of ε‖w‖₁ the adversarial objective still pays, against the whole λ‖w‖₁ that decay pays
    expect(adversarial.penalty / (0.25 * adversarial.l1)).toBeLessThan(0.5);
    expect(decay.penalty).toBeCloseTo(0.25 * decay.l1, 4);
    expect(decay.trainError).toBeGreaterThan(plain.trainError + 2);
    expect(decay.cleanError).toBeGreaterThan(adversarial.cleanError);
    // adversarial training is what buys robustness
    expect(adversarial.fgsmError).toBeLessThan(plain.fgsmError / 2);
    expect(adversarial.fgsmError).toBeLessThan(decay.fgsmError);
    // and the clean loss a run reports is E ζ(−m) of its own weights: check the plain run's penalty-free objective on a few digits by hand
    expect(plain.cleanLoss).toBeGreaterThan(0);
    expect(zeta(0)).toBeCloseTo(Math.log(2), 12);
  });

  it('refuses settings out of range', () => {
    expect(() => new WeightDecayRace(trainSet, testSet, { seed: 1, epsilon: 2, lambda: 0.1 })).toThrow('ε');
    expect(() => new WeightDecayRace(trainSet, testSet, { seed: 1, epsilon: 0.1, lambda: -1 })).toThrow('λ');
    expect(() => new WeightDecayRace(trainSet, testSet, { seed: 1.5, epsilon: 0.1, lambda: 0.1 })).toThrow('seed');
  });
});

/**
 * The finished runs the two live-training figures show until Train (src/figures/<name>/finished.json, written by
 * `npm run finished-runs`) against the current code: they hold the figure's default settings and each scroll step's,
 * as many epochs as the figure trains by default, and training the first epoch again here, with the same src/lib code,
 * digits and seed, gives the same numbers. The 8-bit weight images decode to weights whose ‖w‖₁ is the one stored.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initTf } from './setup-tf.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import { AdversarialTrainingRun } from '../../src/lib/train/live-adversarial.ts';
import { threesAndSevens, WeightDecayRace, RUNS } from '../../src/lib/train/adversarial-vs-weight-decay.ts';
import { decodeSigned8, encodeSigned8, finishedFor, settingsOfSteps } from '../../src/figures/kit/finished.ts';
import { adversarialTraining, finishedSettings as settings6 } from '../../src/figures/adversarial-training/state.ts';
import { adversarialVsWeightDecay, finishedSettings as settings5 } from '../../src/figures/adversarial-vs-weight-decay/state.ts';
import finished6 from '../../src/figures/adversarial-training/finished.json';
import finished5 from '../../src/figures/adversarial-vs-weight-decay/finished.json';

const trainDigits = loadMnist('train');
const testDigits = loadMnist('test');

beforeAll(async () => {
  await initTf('wasm');
});

describe('the finished runs shown before Train', () => {
  it('settingsOfSteps lists the defaults and each step once, in order', () => {
    const d = { a: 1, b: 2, view: 'x' };
    expect(settingsOfSteps(d, [{ view: 'y' }, { a: 3 }, { a: 1 }], (s) => ({ a: s.a, b: s.b }))).toEqual([{ a: 1, b: 2 }, { a: 3, b: 2 }]);
  });

  it('8-bit weight images keep each weight within half a step of 1/255 of the largest', () => {
    const w = Float32Array.from({ length: 784 }, (_, i) => Math.sin(i * 1.7) * (i % 5) * 0.01);
    const back = decodeSigned8(encodeSigned8(w));
    const scale = Math.max(...Array.from(w, Math.abs));
    expect(back.length).toBe(784);
    for (let i = 0; i < 784; i++) expect(Math.abs(back[i] - w[i])).toBeLessThanOrEqual(scale / 255 + 1e-7);
    expect(decodeSigned8(encodeSigned8(new Float32Array(3)))).toEqual(new Float32Array(3));
  });

  it('§6: the default and every step, ten epochs each, and the first epoch trained again matches', async () => {
    expect(finished6.runs.map((r) => r.settings)).toEqual(settings6());
    for (const r of finished6.runs) expect(r.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: adversarialTraining.epochs.default }, (_, i) => i + 1));
    const s = settings6()[0];
    expect(finishedFor(finished6, s)).toBe(finished6.runs[0]);
    expect(finishedFor(finished6, { ...s, seed: 2 })).toBeNull();
    const run = new AdversarialTrainingRun(
      { count: s.n, pixels: toFloat(trainDigits, 0, s.n), labels: trainDigits.labels.slice(0, s.n) },
      { pixels: toFloat(testDigits, 0, s.test), labels: testDigits.labels.slice(0, s.test) },
      { seed: s.seed, alpha: s.alpha, epsilon: s.epsilon },
    );
    try {
      const e = await run.epoch();
      const stored = finished6.runs[0].epochs[0];
      for (const k of ['ordinary', 'adversarial'] as const) {
        expect(stored.runs[k].loss).toBeCloseTo(e.runs[k].loss, 4);
        expect(stored.runs[k].cleanError).toBeCloseTo(e.runs[k].cleanError, 3);
        expect(stored.runs[k].fgsmError).toBeCloseTo(e.runs[k].fgsmError, 3);
      }
    } finally {
      run.dispose();
    }
  });

  it('§5: the default and the step with smaller coefficients, up to epoch 30, and the first epoch trained again matches', async () => {
    expect(finished5.runs.map((r) => r.settings)).toEqual(settings5());
    const train = threesAndSevens(toFloat(trainDigits, 0, 5000), trainDigits.labels.slice(0, 5000));
    const test = threesAndSevens(toFloat(testDigits, 0, 10000), testDigits.labels.slice(0, 10000));
    for (const f of finished5.runs) {
      expect(f.epochs[0].epoch).toBe(1);
      expect(f.epochs.at(-1)!.epoch).toBe(adversarialVsWeightDecay.epochs.default);
      // the stored final weights are the run's: their ‖w‖₁ is the one measured (within the 8-bit rounding)
      const last = f.epochs.at(-1)!;
      for (const name of RUNS) {
        const w = decodeSigned8((f.weights as Record<string, { scale: number; data: string }>)[name]);
        const l1 = w.reduce((a, v) => a + Math.abs(v), 0);
        const stored = last.runs.find((r) => r.run === name)!.l1;
        expect(Math.abs(l1 - stored)).toBeLessThanOrEqual(0.02 * stored + (784 * (f.weights as Record<string, { scale: number }>)[name].scale) / 255);
      }
      const race = new WeightDecayRace(train, test, f.settings);
      try {
        const e = await race.epoch();
        for (const r of e.runs) {
          const stored = f.epochs[0].runs.find((x) => x.run === r.run)!;
          expect(stored.loss).toBeCloseTo(r.loss, 4);
          expect(stored.penalty).toBeCloseTo(r.penalty, 4);
          expect(stored.l1).toBeCloseTo(r.l1, 2);
          expect(stored.cleanError).toBeCloseTo(r.cleanError, 3);
          expect(stored.fgsmError).toBeCloseTo(r.fgsmError, 3);
          expect(stored.trainError).toBeCloseTo(r.trainError, 3);
        }
      } finally {
        race.dispose();
      }
    }
  });
});

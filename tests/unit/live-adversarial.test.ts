/**
 * §6 trained live (src/lib/train/live-adversarial.ts): the two trainings from
 * one seeded start, α = 1 reducing J̃ to J exactly, the reported errors against
 * a digit-by-digit recount (FGSM one digit at a time), and adversarial
 * training lowering the FGSM error on real digits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import { fgsmExample } from '../../src/lib/attacks/fgsm.ts';
import { AdversarialTrainingRun } from '../../src/lib/train/live-adversarial.ts';

const trainSet = loadMnist('train');
const testSet = loadMnist('test');
const N = 1000;
const T = 200;
const train = { count: N, pixels: toFloat(trainSet, 0, N), labels: trainSet.labels.slice(0, N) };
const test = { pixels: toFloat(testSet, 0, T), labels: testSet.labels.slice(0, T) };

beforeAll(async () => {
  await initTf('wasm');
}, 120_000);

async function weights(run: AdversarialTrainingRun, name: 'ordinary' | 'adversarial') {
  const p = run.network(name).params;
  return Promise.all(Object.keys(p).sort().map(async (k) => Array.from((await p[k].data()) as Float32Array)));
}

describe('live adversarial training', () => {
  it('with α = 1 the adversarial training is the ordinary one, weight for weight', async () => {
    const run = new AdversarialTrainingRun(train, test, { seed: 3, alpha: 1, epsilon: 0.25 });
    const e = await run.epoch();
    expect(await weights(run, 'adversarial')).toEqual(await weights(run, 'ordinary'));
    expect(e.runs.adversarial).toEqual(e.runs.ordinary);
    run.dispose();
  });

  it('is seeded: two runs agree epoch for epoch', async () => {
    const a = new AdversarialTrainingRun(train, test, { seed: 7, alpha: 0.5, epsilon: 0.2 });
    const b = new AdversarialTrainingRun(train, test, { seed: 7, alpha: 0.5, epsilon: 0.2 });
    for (let i = 0; i < 2; i++) expect(await a.epoch()).toEqual(await b.epoch());
    expect(await weights(a, 'adversarial')).toEqual(await weights(b, 'adversarial'));
    a.dispose();
    b.dispose();
  });

  it('reports the clean and FGSM test error that a digit-by-digit recount gives, and adversarial training lowers the FGSM error', async () => {
    const before = tf.memory().numTensors;
    const eps = 0.25;
    const run = new AdversarialTrainingRun(train, test, { seed: 1, alpha: 0.5, epsilon: eps });
    let last = await run.epoch();
    for (let i = 1; i < 4; i++) last = await run.epoch();
    expect(last.epoch).toBe(4);
    for (const name of ['ordinary', 'adversarial'] as const) {
      const { fns, params } = run.network(name);
      let clean = 0;
      let fooled = 0;
      for (let i = 0; i < T; i++) {
        const ex = await fgsmExample(fns, params, test.pixels.slice(i * 784, (i + 1) * 784), test.labels[i], eps);
        const arg = (v: Float32Array) => v.indexOf(Math.max(...v));
        if (arg(ex.cleanProbabilities) !== test.labels[i]) clean++;
        if (arg(ex.adversarialProbabilities) !== test.labels[i]) fooled++;
      }
      expect(last.runs[name].cleanError).toBeCloseTo((100 * clean) / T, 6);
      expect(last.runs[name].fgsmError).toBeCloseTo((100 * fooled) / T, 6);
    }
    expect(last.runs.ordinary.cleanError).toBeLessThan(30);
    expect(last.runs.adversarial.fgsmError).toBeLessThan(last.runs.ordinary.fgsmError - 10);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops when cancelled and refuses bad settings', async () => {
    const run = new AdversarialTrainingRun(train, test, { seed: 1, alpha: 0.5, epsilon: 0.1 });
    await expect(run.epoch({ cancelled: () => true })).rejects.toThrow('cancelled');
    run.dispose();
    expect(() => new AdversarialTrainingRun(train, test, { seed: 1, alpha: 2, epsilon: 0.1 })).toThrow(RangeError);
  });
});

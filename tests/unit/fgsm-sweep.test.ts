/**
 * The FGSM sweep (§4's figure) against the reproduction's rows 1 and 2, against
 * `fgsmImages` itself, and against a slow reference written independently here:
 * one digit at a time, the gradient of −log softmax(z)[y] written out from the
 * logits, the sign, the step and the clip in plain JavaScript, the counts in
 * plain loops.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { ensureQuickModels, QUICK } from './quick-models.ts';
import { nodeModels } from '../../scripts/lib/node-models.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import { fgsmImages, predict, summarise, type Model } from '../../src/lib/analysis/batch.ts';
import { reproduceTable } from '../../src/lib/analysis/reproduce.ts';
import { DirectionCache, fgsmDirections, fgsmSweep, perturb } from '../../src/lib/analysis/fgsm-sweep.ts';
import { SWEEP_EPSILONS } from '../../src/figures/fgsm-sweep/state.ts';

const N = 150;
const test = loadMnist('test');
const sample = { pixels: toFloat(test, 0, N), labels: test.labels.slice(0, N) };
let get: (name: string) => Promise<Model>;

beforeAll(async () => {
  ensureQuickModels();
  await initTf('wasm');
  const models = await nodeModels(QUICK);
  const cache = new Map<string, Promise<Model>>();
  get = (name) => {
    if (!cache.has(name)) cache.set(name, models.model(name));
    return cache.get(name)!;
  };
}, 300_000);

/** The reference: one digit, ∇ₓ of logsumexp(z) − z_y by autodiff on the logits, the rest in JavaScript. */
async function referenceAttack(m: Model, epsilon: number, clip: boolean) {
  let wrong = 0;
  let confWrong = 0;
  for (let i = 0; i < N; i++) {
    const x = Array.from(sample.pixels.subarray(i * 784, (i + 1) * 784));
    const y = sample.labels[i];
    const g = tf.tidy(() =>
      tf.grad((xi: tf.Tensor) => {
        const z = m.fns.logits(m.params, xi as tf.Tensor2D);
        return tf.sum(tf.sub(tf.logSumExp(z, 1), tf.sum(tf.mul(z, tf.oneHot([y], z.shape[1])), 1)));
      })(tf.tensor2d(x, [1, 784])),
    );
    const grad = Array.from(await g.data());
    g.dispose();
    const adv = x.map((v, k) => {
      const moved = v + epsilon * Math.sign(grad[k]);
      return clip ? Math.min(1, Math.max(0, moved)) : moved;
    });
    const p = tf.tidy(() => m.fns.probabilities(m.params, tf.tensor2d(adv, [1, 784])));
    const probs = Array.from(await p.data());
    p.dispose();
    const best = probs.indexOf(Math.max(...probs));
    if (best !== y) {
      wrong++;
      confWrong += probs[best];
    }
  }
  return { error: (100 * wrong) / N, confidence: wrong ? (100 * confWrong) / wrong : null };
}

describe('the FGSM sweep', () => {
  it('runs ε from 0 to 0.5 in steps of 0.025, with 0.1 and 0.25 on the grid', () => {
    expect(SWEEP_EPSILONS.length).toBe(21);
    expect(SWEEP_EPSILONS[0]).toBe(0);
    expect(SWEEP_EPSILONS[20]).toBe(0.5);
    expect(SWEEP_EPSILONS).toContain(0.1);
    expect(SWEEP_EPSILONS).toContain(0.25);
  });

  it('recovers sign(∇ₓJ) exactly, and forms the same images as fgsmImages at every ε, clipped and unclipped', async () => {
    for (const name of ['softmax', 'maxout']) {
      const m = await get(name);
      const d = await fgsmDirections(m, sample);
      expect(d.every((v) => v === -1 || v === 0 || v === 1)).toBe(true);
      for (const epsilon of [0, 0.1, 0.25, 0.37, 0.5]) {
        for (const clip of [true, false]) {
          const expected = await fgsmImages(m, sample.pixels, sample.labels, epsilon, clip);
          expect(perturb(sample.pixels, d, epsilon, clip)).toEqual(expected);
        }
      }
    }
  });

  it('at ε = 0.25 equals rows 1 and 2 of the reproduction, exactly', async () => {
    const table = await reproduceTable({ model: get, test: sample }, [1, 2]);
    for (const [row, name] of [[1, 'softmax'], [2, 'maxout']] as const) {
      const s = await fgsmSweep(await get(name), sample, [0.25]);
      const error = table.find((r) => r.row === row && r.metric === 'FGSM error')!;
      const confidence = table.find((r) => r.row === row && r.metric.startsWith('mean confidence'))!;
      expect(s.clipped[0].error).toBe(error.site);
      expect(s.unclipped[0].error).toBe(error.siteUnclipped);
      expect(s.clipped[0].confidence).toBeCloseTo(confidence.site, 10);
      expect(s.unclipped[0].confidence).toBeCloseTo(confidence.siteUnclipped, 10);
      expect(s.count).toBe(N);
    }
  });

  it('maxout-adv’s curve is the reproduction’s FGSM-against-ε row beyond the paper, point for point', async () => {
    const table = await reproduceTable({ model: get, test: sample }, ['fgsm-eps']);
    const eps = table.map((r) => Number(r.metric.match(/ε = ([\d.]+),/)![1]));
    const s = await fgsmSweep(await get('maxout-adv'), sample, eps);
    expect(table.length).toBe(13);
    table.forEach((r, i) => expect(s.clipped[i].error, r.metric).toBe(r.site));
  });

  it('at ε = 0 gives the clean error, clipped and unclipped alike', async () => {
    for (const name of ['softmax', 'maxout']) {
      const m = await get(name);
      const clean = summarise(await predict(m, sample.pixels), sample.labels);
      const s = await fgsmSweep(m, sample, [0]);
      expect(s.clipped[0].error).toBe(clean.error);
      expect(s.unclipped[0].error).toBe(clean.error);
      expect(s.clipped[0].wrong).toBe(clean.wrong);
    }
  });

  it('agrees with a per-digit reference at several ε', async () => {
    for (const name of ['softmax', 'maxout']) {
      const m = await get(name);
      const epsilons = [0.05, 0.1, 0.3];
      const s = await fgsmSweep(m, sample, epsilons);
      for (let j = 0; j < epsilons.length; j++) {
        for (const clip of [true, false]) {
          const ref = await referenceAttack(m, epsilons[j], clip);
          const point = (clip ? s.clipped : s.unclipped)[j];
          // one digit in N may differ where a gradient component is zero up to rounding
          expect(Math.abs(point.error - ref.error), `${name} ε=${epsilons[j]} ${clip}`).toBeLessThanOrEqual(100 / N + 1e-9);
          if (ref.confidence !== null && point.confidence !== null) expect(Math.abs(point.confidence - ref.confidence)).toBeLessThan(1.5);
        }
      }
    }
  });

  it('reports progress up to 1, reuses a given direction, and frees every tensor', async () => {
    const m = await get('softmax');
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    const first = await fgsmSweep(m, sample, SWEEP_EPSILONS, { onProgress: (f) => seen.push(f), batchSize: 64 });
    expect(seen.at(-1)).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] - 1e-12);
    const d = await fgsmDirections(m, sample);
    const again = await fgsmSweep(m, sample, SWEEP_EPSILONS, { direction: d });
    expect(again).toEqual(first);
    expect(tf.memory().numTensors).toBe(before);
    expect(first.clipped.at(-1)!.error).toBeGreaterThan(first.clipped[0].error);
  });

  it('stops when cancelled', async () => {
    const m = await get('softmax');
    await expect(fgsmSweep(m, sample, SWEEP_EPSILONS, { cancelled: () => true })).rejects.toThrow('cancelled');
  });
});

describe('the direction cache', () => {
  it('keeps the most recently used entries and forgets a failed one', async () => {
    const cache = new DirectionCache(2);
    let made = 0;
    const make = () => Promise.resolve(new Int8Array([++made]));
    await cache.get('a', make);
    await cache.get('b', make);
    await cache.get('a', make);
    await cache.get('c', make); // evicts b
    expect(made).toBe(3);
    expect((await cache.get('a', make))[0]).toBe(1);
    expect((await cache.get('b', make))[0]).toBe(4);
    await expect(cache.get('bad', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect((await cache.get('bad', make))[0]).toBe(5);
  });
});

/**
 * The performance report's measurements (`npm run bench`), run inside the compute
 * worker with its backend: batched FGSM over test digits as the site does it,
 * the same one digit at a time with a read-back each, and the backend's own peak
 * from a large matMul, all in the same page so that their ratios are fair.
 */
import * as tf from '@tensorflow/tfjs';
import { fgsmImages } from '../lib/analysis/batch.ts';
import { toFloat } from '../lib/data/idx.ts';
import { getModel, getTestDigits, requireBackend } from './context.ts';
import type { BenchRequest, BenchResult } from './messages.ts';

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * FLOPs of FGSM on the paper's maxout net, per digit: one forward pass and one backward pass to the input
 * (no weight gradients), each a multiply-add (2 FLOPs) per weight of the three layers.
 */
export const MAXOUT_FGSM_FLOPS = 2 * 2 * (784 * 1200 + 240 * 1200 + 240 * 10);

/** GFLOP/s of an n×n by n×n matMul, read back asynchronously (the first run warms up and is not counted). */
async function matMulGflops(n: number, repeats: number): Promise<number> {
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  const times: number[] = [];
  try {
    for (let r = 0; r <= repeats; r++) {
      const t0 = performance.now();
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
      if (r > 0) times.push(performance.now() - t0);
    }
  } finally {
    tf.dispose([a, b]);
  }
  return (2 * n * n * n) / (median(times) / 1000) / 1e9;
}

export async function bench(request: BenchRequest): Promise<BenchResult> {
  const backend = requireBackend();
  const repeats = Math.max(1, Math.min(request.repeats, 9));
  const model = await getModel(request.model);
  const sample = Math.max(1, Math.min(request.sample, 10000));
  const set = await getTestDigits(sample);
  const pixels = toFloat(set, 0, sample);
  const labels = set.labels.slice(0, sample);

  // batched, as the site does it (its default batch); a warm-up batch first compiles shaders and fills caches
  await fgsmImages(model, pixels.subarray(0, 500 * 784), labels.subarray(0, 500), 0.25, true);
  const batched: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await fgsmImages(model, pixels, labels, 0.25, true);
    batched.push((performance.now() - t0) / 1000);
  }

  // one digit at a time, a read-back each (as most in-browser demos do it)
  const one = Math.max(1, Math.min(request.perDigit, sample));
  await fgsmImages(model, pixels.subarray(0, 5 * 784), labels.subarray(0, 5), 0.25, true, { batchSize: 1 });
  const single: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await fgsmImages(model, pixels.subarray(0, one * 784), labels.subarray(0, one), 0.25, true, { batchSize: 1 });
    single.push((performance.now() - t0) / 1000);
  }

  const peakGflops = await matMulGflops(request.peakSize, repeats);
  const batchedSeconds = median(batched);
  const perDigitSeconds = median(single) / one;
  const batchedDigitsPerSecond = sample / batchedSeconds;
  const flopsPerDigit = request.model.startsWith('maxout') ? MAXOUT_FGSM_FLOPS : NaN;
  const achievedGflops = (flopsPerDigit * batchedDigitsPerSecond) / 1e9;
  const m = tf.memory();
  return {
    backend,
    model: request.model,
    sample,
    repeats,
    batchedSeconds,
    batchedRuns: batched,
    batchedDigitsPerSecond,
    perDigitCount: one,
    perDigitSeconds,
    perDigitDigitsPerSecond: 1 / perDigitSeconds,
    speedup: batchedDigitsPerSecond * perDigitSeconds,
    peakSize: request.peakSize,
    peakGflops,
    flopsPerDigit,
    achievedGflops,
    fractionOfPeak: achievedGflops / peakGflops,
    numTensors: m.numTensors,
  };
}

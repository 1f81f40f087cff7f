/**
 * §4's measurement as a curve: FGSM error and mean confidence against ε, on the
 * first N test digits, clipped to [0, 1] and unclipped (shared/paper facts,
 * "Conventions"). "Mean confidence" is the mean probability of the predicted
 * class over the adversarial examples the model gets wrong.
 *
 * The direction sign(∇ₓJ(θ, x, y)) is taken at x and does not depend on ε, so
 * a sweep finds it once and then only runs forward passes. It is found with
 * `fgsmImages` itself: at ε = 1, unclipped, x̃ = x + sign(∇ₓJ) in float32, and
 * round(x̃ − x) recovers the sign exactly (the rounding error of x + 1 is below
 * 2⁻²³). Each ε then forms x + ε·sign(∇ₓJ) with the same float32 arithmetic as
 * `fgsm` (one product, one sum, then the clip), so every point of the curve is
 * the point `fgsmImages` → `predict` → `summarise` gives at that ε: at
 * ε = 0.25 exactly rows 1 and 2 of the reproduction (the unit tests check both).
 */
import type { Cancellable } from '../progress.ts';
import { fgsmImages, predict, summarise, type AttackSummary, type BatchOptions, type Model, type Predictions } from './batch.ts';
import type { DigitSample } from './reproduce.ts';

export type Clip = 'clipped' | 'unclipped';

/** One point of a curve: error and mean confidence on mistakes, percent. */
export interface SweepPoint {
  epsilon: number;
  /** Percent of the sample misclassified. */
  error: number;
  /** Mean probability of the predicted class over the misclassified digits, percent; null when none is. */
  confidence: number | null;
  wrong: number;
}

export interface FgsmSweepCurve {
  model: string;
  count: number;
  clipped: SweepPoint[];
  unclipped: SweepPoint[];
}

export interface SweepOptions extends Cancellable {
  batchSize?: number;
}

/**
 * sign(∇ₓJ(θ, x, y)) for every digit (count × 784 values in {−1, 0, 1}), through
 * `fgsmImages` at ε = 1 without clipping.
 */
export async function fgsmDirections(model: Model, sample: DigitSample, options: BatchOptions = {}): Promise<Int8Array> {
  const moved = await fgsmImages(model, sample.pixels, sample.labels, 1, false, options);
  const d = new Int8Array(moved.length);
  for (let i = 0; i < d.length; i++) d[i] = Math.round(moved[i] - sample.pixels[i]);
  return d;
}

/** x + ε·d in float32 exactly as `fgsm` computes it, clipped to [0, 1] or not. */
export function perturb(pixels: Float32Array, direction: Int8Array, epsilon: number, clip: boolean, out: Float32Array = new Float32Array(pixels.length)): Float32Array {
  const e = Math.fround(epsilon);
  for (let i = 0; i < pixels.length; i++) {
    const v = Math.fround(pixels[i] + e * direction[i]);
    out[i] = clip ? Math.min(1, Math.max(0, v)) : v;
  }
  return out;
}

export function sweepPoint(epsilon: number, s: AttackSummary): SweepPoint {
  return { epsilon, error: s.error, confidence: s.wrong === 0 ? null : s.confidenceOnMistakes, wrong: s.wrong };
}

/**
 * Predictions on x + ε·sign(∇ₓJ) for the whole sample, given its directions;
 * `buffer` (count × 784) may be reused between calls.
 */
export async function predictAt(
  model: Model,
  sample: DigitSample,
  direction: Int8Array,
  epsilon: number,
  clip: boolean,
  options: BatchOptions = {},
  buffer?: Float32Array,
): Promise<{ images: Float32Array; predictions: Predictions }> {
  const images = perturb(sample.pixels, direction, epsilon, clip, buffer);
  return { images, predictions: await predict(model, images, options) };
}

/**
 * The curve: for each ε, error and mean confidence, clipped and unclipped.
 * `direction` may be passed when already known (the worker keeps it per model
 * and sample, so moving ε costs forward passes only).
 */
export async function fgsmSweep(
  model: Model,
  sample: DigitSample,
  epsilons: readonly number[],
  options: SweepOptions & { direction?: Int8Array } = {},
): Promise<FgsmSweepCurve> {
  const n = sample.labels.length;
  const passes = 2 * epsilons.length;
  // the gradient costs about as much as three forward passes
  const gradientShare = options.direction ? 0 : 3 / (passes + 3);
  const report = (f: number, label: string) => options.onProgress?.(Math.min(1, f), label);
  const batch = (base: number, span: number, label: string): BatchOptions => ({
    batchSize: options.batchSize,
    cancelled: options.cancelled,
    onBatch: (done) => report(base + (span * done) / n, label),
  });
  const direction = options.direction ?? (await fgsmDirections(model, sample, batch(0, gradientShare, `${model.name}: ∇ₓJ on ${n} digits`)));
  const buffer = new Float32Array(sample.pixels.length);
  const clipped: SweepPoint[] = [];
  const unclipped: SweepPoint[] = [];
  const span = (1 - gradientShare) / passes;
  let pass = 0;
  for (const epsilon of epsilons) {
    for (const clip of [true, false]) {
      const label = `${model.name}: ε = ${epsilon.toFixed(3)}, ${clip ? 'clipped' : 'unclipped'}`;
      const { predictions } = await predictAt(model, sample, direction, epsilon, clip, batch(gradientShare + span * pass, span, label), buffer);
      (clip ? clipped : unclipped).push(sweepPoint(epsilon, summarise(predictions, sample.labels)));
      pass++;
    }
  }
  report(1, 'done');
  return { model: model.name, count: n, clipped, unclipped };
}

/** Keeps the FGSM directions of the last few (model, sample) pairs, so moving ε needs no new gradient. */
export class DirectionCache {
  private entries = new Map<string, Promise<Int8Array>>();
  private readonly limit: number;
  constructor(limit = 4) {
    this.limit = limit;
  }

  get(key: string, make: () => Promise<Int8Array>): Promise<Int8Array> {
    let p = this.entries.get(key);
    if (p) {
      // most recently used last
      this.entries.delete(key);
      this.entries.set(key, p);
      return p;
    }
    p = make();
    p.catch(() => this.entries.delete(key));
    this.entries.set(key, p);
    while (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
    return p;
  }
}

/**
 * §3, the linear explanation as an experiment.
 *
 * 1. A random linear score wᵀx with n inputs and the worst perturbation allowed
 *    by a max-norm budget ε, η = ε·sign(w). Then wᵀη = ε‖w‖₁, which grows as
 *    ε·m·n (m the mean |wᵢ|) while ‖η‖∞ stays ε. `linearGrowth` measures wᵀη,
 *    ε‖w‖₁, ‖η‖∞ and ‖η‖₂ on the running backend for a sweep of n, with
 *    wᵢ ~ N(0, 1) drawn by tf.randomNormal from a seed, chunk by chunk, so the
 *    weights of a small n are the first n weights of a large one.
 * 2. The same arithmetic on a trained model: the softmax regression's logits
 *    are z = xW + b, so an FGSM perturbation η moves class k's logit by exactly
 *    ηᵀW₍:,k₎, and never by more than ε‖W₍:,k₎‖₁. `logitShift` measures it for
 *    one digit, with η clipped so that x + η stays in [0, 1] and without.
 *
 * Pure functions on tensors, no DOM; results read back asynchronously; every
 * tensor allocated here is freed before the promise resolves.
 */
import * as tf from '@tensorflow/tfjs';
import { exactSign, fgsm } from '../attacks/fgsm.ts';
import type { ModelFunctions, Params } from '../models/architectures.ts';
import { CancelledError } from './batch.ts';

/** m = E|wᵢ| for wᵢ ~ N(0, 1): √(2/π). */
export const MEAN_ABS_NORMAL = Math.sqrt(2 / Math.PI);
/** The standard deviation of |wᵢ| for wᵢ ~ N(0, 1): √(1 − 2/π). */
export const SD_ABS_NORMAL = Math.sqrt(1 - 2 / Math.PI);
/** The weights are drawn this many at a time (one tf.randomNormal call, seeded per chunk). */
export const WEIGHT_CHUNK = 1 << 20;
export const MIN_DIMENSIONS = 10;
export const MAX_DIMENSIONS = 10_000_000;
/** The precision of an 8-bit image: one grey level. */
export const ONE_GREY_LEVEL = 1 / 255;

/** Dimensions the figure names: a toy model, an MNIST digit, a 224×224 RGB image, ten million. */
export const NAMED_DIMENSIONS = [
  { n: 10, name: 'a toy model' },
  { n: 784, name: 'an MNIST digit, 28×28' },
  { n: 224 * 224 * 3, name: 'a 224×224 RGB image' },
  { n: 10_000_000, name: 'ten million inputs' },
] as const;

/** The seed of weight chunk k of the vector drawn with `seed` (distinct for every chunk of every seed below 2¹⁶). */
export function chunkSeed(seed: number, k: number): number {
  return seed * 65536 + k;
}

/** Weights [start, start + length) of the vector w drawn with `seed`, as a tensor (wᵢ ~ N(0, 1)). */
export function weightSlice(seed: number, chunk: number, length: number): tf.Tensor1D {
  if (length < 1 || length > WEIGHT_CHUNK) throw new RangeError(`a weight chunk holds 1 to ${WEIGHT_CHUNK} values, got ${length}`);
  return tf.randomNormal([length], 0, 1, 'float32', chunkSeed(seed, chunk));
}

/** n values spaced evenly in log n from `min` to `max` (inclusive), `perDecade` a decade, plus `extra`; sorted, distinct integers. */
export function sweepDimensions(extra: number[] = [], perDecade = 4, min = MIN_DIMENSIONS, max = MAX_DIMENSIONS): number[] {
  const out = new Set<number>();
  const lo = Math.log10(min);
  const hi = Math.log10(max);
  const steps = Math.round((hi - lo) * perDecade);
  for (let k = 0; k <= steps; k++) out.add(Math.round(10 ** (lo + ((hi - lo) * k) / steps)));
  for (const n of extra) if (Number.isInteger(n) && n >= min && n <= max) out.add(n);
  return [...out].sort((a, b) => a - b);
}

/** The closed form: E[wᵀη] = ε·m·n for wᵢ ~ N(0, 1). */
export function predictedShift(epsilon: number, n: number): number {
  return epsilon * MEAN_ABS_NORMAL * n;
}

/** The range ε(m·n ± z·s·√n) that wᵀη = ε‖w‖₁ falls in for about 95 % of draws of w at z = 2 (s the sd of |wᵢ|). */
export function shiftBand(epsilon: number, n: number, z = 2): [number, number] {
  const mean = MEAN_ABS_NORMAL * n;
  const spread = z * SD_ABS_NORMAL * Math.sqrt(n);
  return [epsilon * Math.max(mean - spread, 0), epsilon * (mean + spread)];
}

export interface GrowthPoint {
  /** Number of input dimensions. */
  n: number;
  /** wᵀη with η = ε·sign(w), measured. */
  shift: number;
  /** ‖w‖₁ of the first n weights, measured. */
  l1: number;
  /** ‖η‖∞, measured. */
  linf: number;
  /** ‖η‖₂, measured (ε√n in closed form). */
  l2: number;
}

export interface GrowthOptions {
  /** Checked between chunks; true stops with a CancelledError. */
  cancelled?: () => boolean;
  /** Called after each chunk with the fraction of weights done. */
  onProgress?: (fraction: number) => void;
}

/** Sums are taken on the backend over blocks of this many weights, and the blocks added up in float64 here. */
const BLOCK = 1024;

/**
 * wᵀη, ‖w‖₁, ‖η‖∞ and ‖η‖₂ for each n in `dimensions`, where w is the first n
 * weights of the vector drawn with `seed` and η = ε·sign(w). Each chunk is
 * reduced on the backend block by block (a float32 sum of a million terms
 * loses four digits; one of a thousand does not), the blocks are added up in
 * float64, and an n inside a block adds that block's part below n.
 */
export async function linearGrowth(dimensions: number[], epsilon: number, seed: number, options: GrowthOptions = {}): Promise<GrowthPoint[]> {
  if (!Number.isFinite(epsilon) || epsilon < 0) throw new RangeError(`ε must be a non-negative number, got ${epsilon}`);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 65536) throw new RangeError(`the seed must be an integer from 0 to 65535, got ${seed}`);
  const ns = [...new Set(dimensions)].sort((a, b) => a - b);
  if (ns.length === 0) return [];
  if (!ns.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_DIMENSIONS)) {
    throw new RangeError(`every n must be an integer from 1 to ${MAX_DIMENSIONS.toLocaleString('en-US')}`);
  }
  const total = ns[ns.length - 1];
  const blocks = Math.ceil(total / BLOCK);
  // Per block: Σ wᵢηᵢ, Σ |wᵢ|, Σ ηᵢ², max |ηᵢ|.
  const blockSums = [new Float64Array(blocks), new Float64Array(blocks), new Float64Array(blocks), new Float64Array(blocks)];
  // Per n that ends inside a block: the same four over that block's part below n.
  const partial = new Map<number, number[]>();
  for (let chunk = 0, start = 0; start < total; chunk++, start += WEIGHT_CHUNK) {
    if (options.cancelled?.()) throw new CancelledError();
    const length = Math.min(WEIGHT_CHUNK, total - start);
    const end = start + length;
    const rows = Math.ceil(length / BLOCK);
    const inside = ns.filter((n) => n > start && n <= end && n % BLOCK !== 0);
    const summary = tf.tidy(() => {
      const w = weightSlice(seed, chunk, length);
      // zeros past the end: sign(0) = 0, so they add nothing to any of the four
      const padded = rows * BLOCK === length ? w : tf.pad(w, [[0, rows * BLOCK - length]]);
      const eta = tf.mul(exactSign(padded), epsilon);
      const terms = [tf.mul(padded, eta), tf.abs(padded), tf.square(eta), tf.abs(eta)];
      const perBlock = tf.stack(terms.map((t, q) => (q === 3 ? tf.max : tf.sum)(tf.reshape(t, [rows, BLOCK]), 1)));
      const perPart = inside.map((n) => {
        const from = Math.floor((n - start) / BLOCK) * BLOCK;
        return tf.stack(terms.map((t, q) => (q === 3 ? tf.max : tf.sum)(tf.slice(t, from, n - start - from))));
      });
      return tf.concat([tf.reshape(perBlock, [-1]), ...perPart]);
    });
    const values = await summary.data();
    summary.dispose();
    const first = start / BLOCK;
    for (let q = 0; q < 4; q++) blockSums[q].set(values.subarray(q * rows, (q + 1) * rows), first);
    inside.forEach((n, r) => partial.set(n, Array.from(values.subarray(4 * rows + 4 * r, 4 * rows + 4 * r + 4))));
    options.onProgress?.(end / total);
  }
  const points: GrowthPoint[] = [];
  const acc = [0, 0, 0, 0];
  let done = 0;
  for (const n of ns) {
    const full = Math.floor(n / BLOCK);
    for (; done < full; done++) {
      for (let q = 0; q < 3; q++) acc[q] += blockSums[q][done];
      acc[3] = Math.max(acc[3], blockSums[3][done]);
    }
    const p = partial.get(n) ?? [0, 0, 0, 0];
    points.push({ n, shift: acc[0] + p[0], l1: acc[1] + p[1], l2: Math.sqrt(acc[2] + p[2]), linf: Math.max(acc[3], p[3]) });
  }
  return points;
}

/** The closed form along n: ε·m·n and the range 95 % of draws of w fall in. */
export interface GrowthCurvePoint {
  n: number;
  predicted: number;
  low: number;
  high: number;
}

export interface GrowthSweep {
  epsilon: number;
  seed: number;
  /** The n the figure highlights (one of the points). */
  n: number;
  /** m = E|wᵢ| = √(2/π). */
  m: number;
  /** Measured, at four n a decade from 10 to 10⁷ plus the highlighted and the named n (or at n alone), each with the closed form beside it. */
  points: (GrowthPoint & GrowthCurvePoint)[];
  /** The closed form at ten n a decade, for drawing. */
  curve: GrowthCurvePoint[];
}

/** The closed form ε·m·n and its 95 % band at `perDecade` n a decade from 10 to 10⁷. */
export function predictionCurve(epsilon: number, perDecade = 10): GrowthCurvePoint[] {
  return sweepDimensions([], perDecade).map((n) => {
    const [low, high] = shiftBand(epsilon, n);
    return { n, predicted: predictedShift(epsilon, n), low, high };
  });
}

/**
 * The figure's sweep: wᵀη measured for n from 10 to 10⁷ (with `n` and the named n among them), beside the closed form;
 * with `grid: false`, at `n` alone (the cost of a sweep grows with its largest n).
 */
export async function growthSweep(n: number, epsilon: number, seed: number, options: GrowthOptions & { grid?: boolean } = {}): Promise<GrowthSweep> {
  const dimensions = options.grid === false ? [n] : sweepDimensions([n, ...NAMED_DIMENSIONS.map((d) => d.n)]);
  if (!Number.isInteger(n) || n < MIN_DIMENSIONS || n > MAX_DIMENSIONS || !dimensions.includes(n)) throw new RangeError(`n must be an integer from ${MIN_DIMENSIONS} to ${MAX_DIMENSIONS.toLocaleString('en-US')}, got ${n}`);
  const measured = await linearGrowth(dimensions, epsilon, seed, options);
  const points = measured.map((p) => {
    const [low, high] = shiftBand(epsilon, p.n);
    return { ...p, predicted: predictedShift(epsilon, p.n), low, high };
  });
  return { epsilon, seed, n, m: MEAN_ABS_NORMAL, points, curve: predictionCurve(epsilon) };
}

/** What a perturbation spent: its norms and how many of the 784 pixels it changed. */
export interface PixelBudget {
  /** ‖η‖∞, measured. */
  linf: number;
  /** ‖η‖₁, measured. */
  l1: number;
  /** ‖η‖₂, measured. */
  l2: number;
  /** Pixels with η ≠ 0. */
  changed: number;
  /** Pixels moved by the full ε (|η| within 1e-6 of ε). */
  full: number;
  /** Pixels in the input. */
  pixels: number;
}

export interface LogitShift {
  /** The label the attack moved away from. */
  label: number;
  epsilon: number;
  /** z = xW + b for the clean digit. */
  cleanLogits: Float32Array;
  /** Per class k, ηᵀW₍:,k₎ for η = (x + ε·sign(∇ₓJ) clipped to [0, 1]) − x. */
  shift: Float32Array;
  /** The same for η = ε·sign(∇ₓJ), not clipped (the formula as printed). */
  shiftUnclipped: Float32Array;
  /** z(x + η) − z(x) as the model computes it, clipped η: equal to `shift`, since the logits are linear in x. */
  logitChange: Float32Array;
  /** Per class k, ε‖W₍:,k₎‖₁: the most any η with ‖η‖∞ ≤ ε can move that logit. */
  bound: Float32Array;
  budget: PixelBudget;
  budgetUnclipped: PixelBudget;
  /** sign(∇ₓJ(θ, x, y)), one value per pixel. */
  direction: Float32Array;
  /** The clipped η = (x + ε·sign(∇ₓJ) clipped to [0, 1]) − x, one value per pixel. */
  eta: Float32Array;
}

async function budgetOf(eta: tf.Tensor, epsilon: number): Promise<PixelBudget> {
  const summary = tf.tidy(() => {
    const magnitude = tf.abs(eta);
    return tf.stack([
      tf.max(magnitude),
      tf.sum(magnitude),
      tf.sqrt(tf.sum(tf.square(eta))),
      tf.sum(tf.cast(tf.greater(magnitude, 0), 'float32')),
      tf.sum(tf.cast(tf.greater(magnitude, epsilon - 1e-6), 'float32')),
    ]);
  });
  const [linf, l1, l2, changed, full] = await summary.data();
  summary.dispose();
  return { linf, l1, l2, changed: Math.round(changed), full: epsilon > 0 ? Math.round(full) : 0, pixels: eta.size };
}

/**
 * The logit shifts of a softmax regression (params W [inputs, classes], b) under
 * the FGSM perturbation of one input: η = ε·sign(∇ₓJ(θ, x, y)), clipped so that
 * x + η stays in [0, 1] and not.
 */
export async function logitShift(model: ModelFunctions, params: Params, pixels: Float32Array, label: number, epsilon: number): Promise<LogitShift> {
  const W = params.W as tf.Tensor2D | undefined;
  if (!W || W.rank !== 2 || W.shape[0] !== pixels.length) throw new Error('logitShift needs a softmax regression with W of shape [inputs, classes]');
  if (!Number.isFinite(epsilon) || epsilon < 0) throw new RangeError(`ε must be a non-negative number, got ${epsilon}`);
  const x = tf.tensor2d(pixels, [1, pixels.length]);
  const y = tf.tensor1d([label], 'int32');
  const clipped = fgsm(model, params, x, y, epsilon, { clip: true });
  const unclipped = fgsm(model, params, x, y, epsilon, { clip: false });
  const eta = tf.sub(clipped.adversarial, x);
  const etaUnclipped = tf.sub(unclipped.adversarial, x);
  const out = tf.tidy(() => {
    const clean = model.logits(params, x);
    return {
      clean,
      shift: tf.matMul(eta, W),
      shiftUnclipped: tf.matMul(etaUnclipped, W),
      change: tf.sub(model.logits(params, clipped.adversarial), clean),
      bound: tf.mul(tf.sum(tf.abs(W), 0), epsilon),
    };
  });
  try {
    const [cleanLogits, shift, shiftUnclipped, logitChange, bound, direction, etaValues] = await Promise.all(
      [out.clean, out.shift, out.shiftUnclipped, out.change, out.bound, clipped.direction, eta].map((t) => t.data() as Promise<Float32Array>),
    );
    const [budget, budgetUnclipped] = await Promise.all([budgetOf(eta, epsilon), budgetOf(etaUnclipped, epsilon)]);
    return { label, epsilon, cleanLogits, shift, shiftUnclipped, logitChange, bound, budget, budgetUnclipped, direction, eta: etaValues };
  } finally {
    tf.dispose([x, y, clipped.direction, clipped.adversarial, unclipped.direction, unclipped.adversarial, eta, etaUnclipped, ...Object.values(out)]);
  }
}

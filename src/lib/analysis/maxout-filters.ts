/**
 * The paper's Fig. 3: first-layer weights of a maxout network, and how
 * localised they are.
 *
 * The first layer's weights W₁ are [784, units · pieces]; column u · pieces + k
 * is piece k of unit u (the order `maxoutLayer` reshapes them in), a filter of
 * 28 × 28 weights over the image.
 *
 * Localisation of a filter w: the share of its energy Σwᵢ² that lies in its
 * most concentrated k × k window,
 *
 *     L_k(w) = max over windows S of Σ_{i∈S} wᵢ² / Σ_i wᵢ² ,
 *
 * 1 for a filter whose weight sits inside one k × k patch (a delta: one pixel),
 * k²/784 for a uniform filter (the energy spread evenly: every window holds
 * the same share), and anything between for the rest. Squares rather than
 * |wᵢ|: the weights of pixels that are blank in every training digit barely
 * move from their random start, and their many small values would otherwise
 * outweigh the few strong ones that make a stroke.
 */
import * as tf from '@tensorflow/tfjs';

export const SIDE = 28;
export const PIXELS = SIDE * SIDE;

/**
 * L_k of each column of `weights` ([784, filters]) as a 1-D tensor [filters]:
 * W² as images, every k × k window summed by an average pool (times k²), the
 * largest window over the total mass. A column of zeros scores 0.
 */
export function windowLocalisation(weights: tf.Tensor2D, k: number): tf.Tensor1D {
  if (!Number.isInteger(k) || k < 1 || k > SIDE) throw new RangeError(`the window must be 1 to ${SIDE} pixels wide, got ${k}`);
  if (weights.shape[0] !== PIXELS) throw new RangeError(`a filter has ${PIXELS} weights, got ${weights.shape[0]}`);
  return tf.tidy(() => {
    const n = weights.shape[1];
    const mass = tf.reshape(tf.transpose(tf.square(weights)), [n, SIDE, SIDE, 1]) as tf.Tensor4D;
    const windows = tf.mul(tf.avgPool(mass, k, 1, 'valid'), k * k);
    const best = tf.max(tf.reshape(windows, [n, -1]), 1);
    const total = tf.sum(tf.reshape(mass, [n, PIXELS]), 1);
    return tf.div(best, tf.maximum(total, 1e-30)) as tf.Tensor1D;
  });
}

export interface FilterSet {
  units: number;
  pieces: number;
  /** L_k of each filter, unit-major: piece k of unit u at u · pieces + k. */
  localisation: Float32Array;
  /** Per unit, the mean L_k of its pieces. */
  unitLocalisation: Float32Array;
  /** Summary over every filter of the layer. */
  median: number;
  /** The 90th percentile: where the most localised tenth of the filters begins. */
  p90: number;
  mean: number;
}

/** The p-quantile of sorted values (the nearest rank below). */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.floor(p * (sorted.length - 1))];
}

/** The localisation of every first-layer filter of a maxout network's parameters. */
export async function filterLocalisation(W1: tf.Tensor2D, pieces: number, k: number): Promise<FilterSet> {
  if (W1.shape[1] % pieces !== 0) throw new RangeError(`${W1.shape[1]} filters do not split into units of ${pieces} pieces`);
  const t = windowLocalisation(W1, k);
  const localisation = (await t.data()) as Float32Array;
  t.dispose();
  const units = W1.shape[1] / pieces;
  const unitLocalisation = new Float32Array(units);
  for (let u = 0; u < units; u++) {
    let s = 0;
    for (let p = 0; p < pieces; p++) s += localisation[u * pieces + p];
    unitLocalisation[u] = s / pieces;
  }
  const sorted = Float32Array.from(localisation).sort();
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const mean = localisation.reduce((a, b) => a + b, 0) / localisation.length;
  return { units, pieces, localisation, unitLocalisation, median, p90: quantile(sorted, 0.9), mean };
}

/** Unit indices in the order shown: as they are, or from the most to the least localised. */
export function unitOrder(unitLocalisation: ArrayLike<number>, sort: 'unit' | 'localisation'): number[] {
  const order = Array.from({ length: unitLocalisation.length }, (_, i) => i);
  if (sort === 'localisation') order.sort((a, b) => unitLocalisation[b] - unitLocalisation[a] || a - b);
  return order;
}

/** The filters of the given units, each unit's pieces in a row: [units.length · pieces · 784], read back asynchronously. */
export async function unitFilters(W1: tf.Tensor2D, pieces: number, units: number[]): Promise<Float32Array> {
  const columns = units.flatMap((u) => Array.from({ length: pieces }, (_, p) => u * pieces + p));
  const t = tf.tidy(() => tf.transpose(tf.gather(W1, tf.tensor1d(columns, 'int32'), 1)));
  const out = (await t.data()) as Float32Array;
  t.dispose();
  return out;
}

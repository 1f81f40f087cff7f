/**
 * adversarial-slice's results computed ahead (`npm run ahead`, kit/ahead.ts): the plane through test digit 0 in the
 * default state and in each scroll step's, as the figure asks for it; and the plane's encoding, which logit-surface
 * (the same request, the same runner) shares. No TensorFlow.js here (page-side).
 *
 * A plane keeps what the two figures draw from it, compactly:
 * - the class at each point exactly, as runs along the rows ([class, count, class, count, …]);
 * - the digit's pixels 8-bit (a test digit's are 8-bit to begin with) and the two directions as '+', '-', '0';
 * - the ten logits at the origin (5 decimals);
 * - with `surfaces` (logit-surface's height): the true class's logit and the best other class's logit at each point,
 *   to 10⁻³ (encodeSurface), with the best other class's runs. The other logits
 *   of a point, which neither figure reads, are not kept: decoded, they are NaN.
 */
import { uniqueAsks, decodeUnit8, encodeUnit8, rounded, type AheadPlan } from '../kit/ahead.ts';
import { axisValue } from '../../lib/analysis/slice-summary.ts';
import { adversarialSlice as table, adversarialSliceSteps } from './state.ts';
import { SLICE_SIZE, slice, type SliceRequest, type SliceResult } from './api.ts';

/**
 * A surface over the n × n grid, to a fixed step: each point as a whole number of steps, written as what a plane
 * through its three neighbours before it (left, below, below left; along the edges, a line through the two before)
 * does not predict, zigzag-coded, in base-32 digits (the last digit of a number from the first 32 characters of the
 * alphabet, the others from the last 32). Over a plane, as a linear model's logit is, or the flat pieces of a maxout
 * network's, nearly every point takes one character; decoding is one pass of integer additions.
 */
export interface PackedSurface {
  step: number;
  data: string;
}

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The whole number of steps at (i, j) that its neighbours before it predict. */
function predict(q: Float64Array, n: number, i: number, j: number): number {
  const p = i * n + j;
  if (i === 0) return j === 0 ? 0 : j === 1 ? q[p - 1] : 2 * q[p - 1] - q[p - 2];
  if (j === 0) return i === 1 ? q[p - n] : 2 * q[p - n] - q[p - 2 * n];
  return q[p - 1] + q[p - n] - q[p - n - 1];
}

export function encodeSurface(values: ArrayLike<number>, n: number, step = 1e-3): PackedSurface {
  const q = Float64Array.from(values, (v) => Math.round(v / step));
  let data = '';
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const r = q[i * n + j] - predict(q, n, i, j);
      let z = r >= 0 ? 2 * r : -2 * r - 1;
      let digits = DIGITS[z % 32];
      z = Math.floor(z / 32);
      while (z > 0) {
        digits = DIGITS[32 + (z % 32)] + digits;
        z = Math.floor(z / 32);
      }
      data += digits;
    }
  }
  return { step, data };
}

export function decodeSurface(p: PackedSurface, n: number): Float32Array {
  const q = new Float64Array(n * n);
  let c = 0;
  for (let k = 0; k < n * n; k++) {
    let z = 0;
    for (;;) {
      if (c >= p.data.length) throw new Error(`the surface ends after ${k} of ${n * n} points`);
      const d = DIGITS.indexOf(p.data[c++]);
      if (d < 0) throw new Error(`not a digit of a surface: ${JSON.stringify(p.data[c - 1])}`);
      z = 32 * z + (d % 32);
      if (d < 32) break;
    }
    q[k] = (z % 2 === 0 ? z / 2 : -(z + 1) / 2) + predict(q, n, Math.floor(k / n), k % n);
  }
  if (c !== p.data.length) throw new Error(`the surface has ${p.data.length - c} characters more than its ${n * n} points`);
  return Float32Array.from(q, (v) => v * p.step);
}

/** Classes as runs: [class, count, class, count, …]. */
export function encodeRuns(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (out.length > 0 && out[out.length - 2] === values[i]) out[out.length - 1]++;
    else out.push(values[i], 1);
  }
  return out;
}

export function decodeRuns(runs: number[], n: number): Int32Array {
  const out = new Int32Array(n);
  let p = 0;
  for (let r = 0; r < runs.length; r += 2) {
    out.fill(runs[r], p, p + runs[r + 1]);
    p += runs[r + 1];
  }
  if (p !== n) throw new Error(`the runs cover ${p} points, not ${n}`);
  return out;
}

/** A direction of −1, 0 and +1 as '-', '0', '+'. */
export const encodeSigns = (v: ArrayLike<number>): string => Array.from(v, (x) => (x > 0 ? '+' : x < 0 ? '-' : '0')).join('');
export const decodeSigns = (s: string): Float32Array => Float32Array.from(s, (c) => (c === '+' ? 1 : c === '-' ? -1 : 0));

export interface AheadPlane {
  model: string;
  digit: number;
  drawn: string;
  trueLabel: number;
  label: number;
  size: number;
  range: number;
  seed: number;
  clip: boolean;
  classes: number;
  cosine: number;
  predicted: number[];
  /** 8-bit base64. */
  pixels: string;
  fgsmDirection: string;
  randomDirection: string;
  /** The logits at the origin (the digit itself). */
  originLogits: number[];
  /** The true class's logit and the best other class's, and which class that is, at each point (logit-surface). */
  surfaces?: { trueLogit: PackedSurface; otherLogit: PackedSurface; otherClass: number[] };
}

export function encodePlane(r: SliceResult, surfaces: boolean): AheadPlane {
  const n = r.size * r.size, c = r.classes, mid = (n - 1) / 2;
  const out: AheadPlane = {
    model: r.model,
    digit: r.digit,
    drawn: r.drawn,
    trueLabel: r.trueLabel,
    label: r.label,
    size: r.size,
    range: r.range,
    seed: r.seed,
    clip: r.clip,
    classes: c,
    cosine: r.cosine,
    predicted: encodeRuns(r.predicted),
    pixels: encodeUnit8(r.pixels),
    fgsmDirection: encodeSigns(r.fgsmDirection),
    randomDirection: encodeSigns(r.randomDirection),
    originLogits: Array.from(r.logits.subarray(mid * c, (mid + 1) * c), (v) => rounded(v, 5)),
  };
  if (surfaces) {
    const trueLogit = new Float32Array(n), otherLogit = new Float32Array(n), otherClass = new Int32Array(n);
    for (let p = 0; p < n; p++) {
      let best = -1;
      for (let k = 0; k < c; k++) if (k !== r.label && (best < 0 || r.logits[p * c + k] > r.logits[p * c + best])) best = k;
      trueLogit[p] = r.logits[p * c + r.label];
      otherLogit[p] = r.logits[p * c + best];
      otherClass[p] = best;
    }
    out.surfaces = { trueLogit: encodeSurface(trueLogit, r.size), otherLogit: encodeSurface(otherLogit, r.size), otherClass: encodeRuns(otherClass) };
  }
  return out;
}

/** A plane as the worker answers it (without the worker's timing): the logits not kept are NaN. */
export function decodePlane(e: AheadPlane): SliceResult {
  const n = e.size * e.size, c = e.classes, mid = (n - 1) / 2;
  const logits = new Float32Array(n * c).fill(NaN);
  if (e.surfaces) {
    const t = decodeSurface(e.surfaces.trueLogit, e.size), o = decodeSurface(e.surfaces.otherLogit, e.size), k = decodeRuns(e.surfaces.otherClass, n);
    for (let p = 0; p < n; p++) {
      logits[p * c + e.label] = t[p];
      logits[p * c + k[p]] = o[p];
    }
  }
  logits.set(e.originLogits, mid * c);
  return {
    model: e.model,
    digit: e.digit,
    drawn: e.drawn,
    trueLabel: e.trueLabel,
    label: e.label,
    size: e.size,
    range: e.range,
    seed: e.seed,
    clip: e.clip,
    classes: c,
    cosine: e.cosine,
    axis: Float32Array.from({ length: e.size }, (_, i) => axisValue(i, e.size, e.range)),
    logits,
    predicted: decodeRuns(e.predicted, n),
    pixels: decodeUnit8(e.pixels),
    fgsmDirection: decodeSigns(e.fgsmDirection),
    randomDirection: decodeSigns(e.randomDirection),
  };
}

/** The plane runner's key for a state (plane.svelte.ts), as the figures ask for it. */
export function planeKey(s: Pick<SliceRequest, 'model' | 'digit' | 'drawn' | 'range' | 'seed' | 'clip'>): SliceRequest {
  return { model: s.model, digit: s.digit, drawn: s.drawn, range: s.range, size: SLICE_SIZE, seed: s.seed, clip: s.clip };
}

/** The default state's plane and each scroll step's, once each; the cheapest (softmax, a linear model) checked again. */
export function planeAsks(states: Pick<SliceRequest, 'model' | 'digit' | 'drawn' | 'range' | 'seed' | 'clip'>[]): AheadPlan['asks'] {
  return uniqueAsks(states.map((s) => ({ request: slice.name, key: planeKey(s), models: [s.model], cheap: s.model === 'softmax' })));
}

const defaults = { model: table.model.default, digit: table.digit.default, drawn: table.drawn.default, range: table.range.default, seed: table.seed.default, clip: table.clip.default };

export const plan: AheadPlan = {
  figure: 'adversarial-slice',
  asks: planeAsks([defaults, ...adversarialSliceSteps.map((s) => ({ ...defaults, ...s }))]),
  encode: (_request, result) => encodePlane(result as SliceResult, false),
};

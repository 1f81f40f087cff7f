/**
 * §7 in two dimensions: a linear (softmax) unit and an RBF unit trained on the
 * same two seeded Gaussian blobs, their confidence over the plane, and one
 * FGSM step from a chosen point.
 *
 * Both models are the site's own model functions (src/lib/models), at two
 * inputs and two classes: softmax regression, p(y | x) = softmax(xW + b); and
 * the RBF network of the shipped `rbf` model, one unit per class with a
 * diagonal precision,
 *
 *     p(y = i | x) = exp(−Σⱼ γᵢⱼ (xⱼ − μᵢⱼ)²),   γᵢⱼ = (its parameter)² ≥ 0,
 *
 * independent outputs trained one-vs-rest with binary cross-entropy. The
 * prediction is the largest output, the confidence that output. The linear
 * model's confidence tends to 1 along almost every ray away from the data;
 * the RBF model's tends to 0 along every ray.
 */
import * as tf from '@tensorflow/tfjs';
import { modelFunctions, type ModelFunctions, type Params } from '../models/architectures.ts';
import { exactSign, inputGradient } from '../attacks/fgsm.ts';
import { seeded } from '../random.ts';

export type ToyModel = 'linear' | 'rbf';
export const TOY_MODELS: ToyModel[] = ['linear', 'rbf'];

/** The two blobs: centres, spread and points per class. */
export const BLOBS = { centres: [[-1.25, -1.25], [1.25, 1.25]] as const, sigma: 0.8, perClass: 60 };
/** The plane drawn: [−EXTENT, EXTENT]². */
export const EXTENT = 6;

export interface ToyData {
  /** n × 2, row-major. */
  points: Float32Array;
  labels: Uint8Array;
}

/** Two seeded Gaussian blobs, class 0 then class 1, interleaved point by point. */
export function toyBlobs(seed: number, perClass = BLOBS.perClass): ToyData {
  const r = seeded(seed);
  const n = 2 * perClass;
  const points = new Float32Array(2 * n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    labels[i] = c;
    points[2 * i] = BLOBS.centres[c][0] + BLOBS.sigma * r.normal();
    points[2 * i + 1] = BLOBS.centres[c][1] + BLOBS.sigma * r.normal();
  }
  return { points, labels };
}

export function toyFunctions(kind: ToyModel): ModelFunctions {
  return kind === 'linear' ? modelFunctions({ kind: 'softmax', inputs: 2, classes: 2 }) : modelFunctions({ kind: 'rbf', inputs: 2, classes: 2 });
}

/** Parameters as plain arrays (name → values and shape), so a trained model can be kept without holding tensors. */
export type PlainParams = Record<string, { values: Float32Array; shape: number[] }>;

export function toTensors(p: PlainParams): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(p)) out[k] = tf.tensor(v.values, v.shape);
  return out;
}

/** Starting parameters, from the seed: zeros for the linear unit; for the RBF units μ near the origin and γ = 0.5². */
export function initialParams(kind: ToyModel, seed: number): PlainParams {
  if (kind === 'linear') return { W: { values: new Float32Array(4), shape: [2, 2] }, b: { values: new Float32Array(2), shape: [2] } };
  const r = seeded(seed + 1);
  return {
    mu: { values: Float32Array.from({ length: 4 }, () => 0.5 * r.normal()), shape: [2, 2] },
    gamma: { values: new Float32Array(4).fill(Math.SQRT1_2), shape: [2, 2] },
  };
}

export interface TrainOptions {
  steps?: number;
  learningRate?: number;
}

export interface TrainedToy {
  kind: ToyModel;
  params: PlainParams;
  /** Mean training cost J after each step. */
  losses: Float32Array;
  /** Training accuracy, percent. */
  accuracy: number;
}

/** Full-batch Adam on the mean cost; every variable and the optimiser are freed at the end. */
export async function trainToy(kind: ToyModel, data: ToyData, seed: number, options: TrainOptions = {}): Promise<TrainedToy> {
  const steps = options.steps ?? 200;
  const fns = toyFunctions(kind);
  const start = initialParams(kind, seed);
  const vars: Record<string, tf.Variable> = {};
  for (const [k, v] of Object.entries(start)) {
    const value = tf.tensor(v.values, v.shape);
    vars[k] = tf.variable(value, true);
    value.dispose();
  }
  const x = tf.tensor2d(data.points, [data.labels.length, 2]);
  const y = tf.tensor1d(Array.from(data.labels), 'int32');
  const optimiser = tf.train.adam(options.learningRate ?? 0.08);
  const n = data.labels.length;
  const lossTensors: tf.Scalar[] = [];
  try {
    for (let s = 0; s < steps; s++) {
      const cost = optimiser.minimize(() => tf.div(fns.loss(vars, x, y), n) as tf.Scalar, true, Object.values(vars));
      lossTensors.push(cost!);
    }
    const losses = Float32Array.from(await Promise.all(lossTensors.map(async (t) => (await t.data())[0])));
    const params: PlainParams = {};
    for (const [k, v] of Object.entries(vars)) params[k] = { values: (await v.data()) as Float32Array, shape: v.shape };
    const predicted = tf.tidy(() => tf.argMax(fns.probabilities(vars, x), 1));
    const p = await predicted.data();
    predicted.dispose();
    let right = 0;
    for (let i = 0; i < n; i++) if (p[i] === data.labels[i]) right++;
    return { kind, params, losses, accuracy: (100 * right) / n };
  } finally {
    tf.dispose(lossTensors);
    tf.dispose([x, y]);
    tf.dispose(Object.values(vars));
    optimiser.dispose();
  }
}

export interface ConfidenceMap {
  /** Points per side; the grid runs over [−extent, extent]² row by row, y from top (+extent) to bottom. */
  size: number;
  extent: number;
  predicted: Uint8Array;
  confidence: Float32Array;
}

/** The model's prediction and confidence at every point of a size × size grid. */
export async function confidenceMap(kind: ToyModel, params: PlainParams, size: number, extent = EXTENT): Promise<ConfidenceMap> {
  const grid = new Float32Array(2 * size * size);
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) {
      const i = r * size + c;
      grid[2 * i] = -extent + (2 * extent * c) / (size - 1);
      grid[2 * i + 1] = extent - (2 * extent * r) / (size - 1);
    }
  const p = await probabilitiesAt(kind, params, grid);
  const predicted = new Uint8Array(size * size);
  const confidence = new Float32Array(size * size);
  for (let i = 0; i < size * size; i++) {
    predicted[i] = p[2 * i + 1] > p[2 * i] ? 1 : 0;
    confidence[i] = p[2 * i + predicted[i]];
  }
  return { size, extent, predicted, confidence };
}

/** p(y | x) for each row of `points` (n × 2), read back asynchronously. */
export async function probabilitiesAt(kind: ToyModel, params: PlainParams, points: Float32Array): Promise<Float32Array> {
  const fns = toyFunctions(kind);
  const ps = toTensors(params);
  const t = tf.tidy(() => fns.probabilities(ps, tf.tensor2d(points, [points.length / 2, 2])));
  const out = (await t.data()) as Float32Array;
  tf.dispose([t, ...Object.values(ps)]);
  return out;
}

export interface ToyStep {
  from: [number, number];
  /** x + ε·sign(∇ₓJ(θ, x, y)), not clipped (the plane has no valid range). */
  to: [number, number];
  before: Float32Array;
  after: Float32Array;
}

/** One FGSM step of size ε from x with label y. */
export async function toyFgsm(kind: ToyModel, params: PlainParams, x: [number, number], y: number, epsilon: number): Promise<ToyStep> {
  const fns = toyFunctions(kind);
  const ps = toTensors(params);
  const xt = tf.tensor2d([x], [1, 2]);
  const yt = tf.tensor1d([y], 'int32');
  const moved = tf.tidy(() => tf.add(xt, tf.mul(exactSign(inputGradient(fns, ps, xt, yt)), epsilon)));
  const to = (await moved.data()) as Float32Array;
  const both = tf.tidy(() => fns.probabilities(ps, tf.concat([xt, moved as tf.Tensor2D], 0)));
  const p = (await both.data()) as Float32Array;
  tf.dispose([xt, yt, moved, both, ...Object.values(ps)]);
  return { from: x, to: [to[0], to[1]], before: p.slice(0, 2), after: p.slice(2, 4) };
}

/** The RBF unit's output written out: exp(−Σⱼ gammaⱼ² (xⱼ − μⱼ)²), for the tests' closed forms. */
export function rbfUnit(x: ArrayLike<number>, mu: ArrayLike<number>, gamma: ArrayLike<number>): number {
  let d = 0;
  for (let j = 0; j < x.length; j++) d += gamma[j] * gamma[j] * (x[j] - mu[j]) ** 2;
  return Math.exp(-d);
}

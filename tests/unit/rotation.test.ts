/**
 * Rotation toward the gradient (§4), checked against the shallow softmax
 * model's gradient written out in closed form in float64 here,
 * ∇ₓJ = W (softmax(Wᵀx + b) − e_y), and against per-digit sweeps.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { ensureQuickModels, QUICK } from './quick-models.ts';
import { nodeModels } from '../../scripts/lib/node-models.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import type { Model } from '../../src/lib/analysis/batch.ts';
import { errorAtAngle, radians, rotate, rotateTowardGradient, rotationExample, rotationPlane, smallestFlippingAngles } from '../../src/lib/attacks/rotation.ts';

const N = 40;
const test = loadMnist('test');
const pixels = toFloat(test, 0, N);
const labels = test.labels.slice(0, N);
let softmax: Model;
let maxout: Model;
let W: Float32Array; // 784 × 10, row-major
let b: Float32Array;

beforeAll(async () => {
  ensureQuickModels();
  await initTf('wasm');
  const models = await nodeModels(QUICK);
  softmax = await models.model('softmax');
  maxout = await models.model('maxout');
  W = (await softmax.params.W.data()) as Float32Array;
  b = (await softmax.params.b.data()) as Float32Array;
}, 300_000);

const digit = (i: number) => Array.from(pixels.subarray(i * 784, (i + 1) * 784));
const dot = (a: ArrayLike<number>, c: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * c[i];
  return s;
};
const norm = (a: ArrayLike<number>) => Math.sqrt(dot(a, a));

function logits(x: ArrayLike<number>): number[] {
  return Array.from({ length: 10 }, (_, k) => {
    let s = b[k];
    for (let i = 0; i < 784; i++) s += x[i] * W[i * 10 + k];
    return s;
  });
}
function cost(x: ArrayLike<number>, y: number): number {
  const z = logits(x);
  const m = Math.max(...z);
  return m + Math.log(z.reduce((s, zk) => s + Math.exp(zk - m), 0)) - z[y];
}
function gradient(x: ArrayLike<number>, y: number): number[] {
  const z = logits(x);
  const m = Math.max(...z);
  const e = z.map((zk) => Math.exp(zk - m));
  const total = e.reduce((s, v) => s + v, 0);
  const r = e.map((v, k) => v / total - (k === y ? 1 : 0));
  return Array.from({ length: 784 }, (_, i) => r.reduce((s, rk, k) => s + rk * W[i * 10 + k], 0));
}
/** ‖x‖·u in float64: the gradient's component orthogonal to x, at the length of x. */
function plane(x: number[], g: number[]): number[] {
  const c = dot(g, x) / dot(x, x);
  const o = g.map((gi, i) => gi - c * x[i]);
  const s = norm(x) / norm(o);
  return o.map((oi) => oi * s);
}

async function rotated(m: Model, angleDegrees: number): Promise<Float32Array> {
  const x = tf.tensor2d(pixels, [N, 784]);
  const y = tf.tensor1d(Array.from(labels), 'int32');
  const r = rotateTowardGradient(m, x, y, radians(angleDegrees));
  const out = (await r.data()) as Float32Array;
  tf.dispose([x, y, r]);
  return out;
}

describe('rotation toward the gradient', () => {
  it('θ = 0 gives x exactly', async () => {
    expect(await rotated(softmax, 0)).toEqual(pixels);
    expect(await rotated(maxout, 0)).toEqual(pixels);
  });

  it('keeps ‖x‖, turns x by exactly θ, and stays in span(x, ∇ₓJ), on the side of the gradient', async () => {
    for (const angle of [0.5, 3, 20, 60, 90]) {
      const r = await rotated(softmax, angle);
      for (let i = 0; i < N; i++) {
        const x = digit(i);
        const xr = Array.from(r.subarray(i * 784, (i + 1) * 784));
        const nx = norm(x);
        expect(Math.abs(norm(xr) - nx) / nx).toBeLessThan(1e-5);
        // the angle, by atan2 of the parts of x' along and across x (accurate at small angles too)
        const along = dot(xr, x) / nx;
        const across = norm(xr.map((v, k) => v - (along * x[k]) / nx));
        expect(Math.abs((Math.atan2(across, along) * 180) / Math.PI - angle)).toBeLessThan(2e-3);
        // x' − cos θ·x lies along the float64 gradient's component orthogonal to x, pointing the same way
        const v = plane(x, gradient(x, labels[i]));
        const rest = xr.map((val, k) => val - Math.cos(radians(angle)) * x[k]);
        const alongV = dot(rest, v) / dot(v, v);
        expect(alongV).toBeCloseTo(Math.sin(radians(angle)), 4);
        const residual = norm(rest.map((val, k) => val - alongV * v[k]));
        expect(residual / nx).toBeLessThan(1e-4);
      }
    }
  });

  it('raises the cost at the rate ‖x‖·‖∇ₓJ⊥‖ for small angles', async () => {
    const h = 2e-3; // radians
    const x = tf.tensor2d(pixels, [N, 784]);
    const y = tf.tensor1d(Array.from(labels), 'int32');
    const r = rotateTowardGradient(softmax, x, y, h);
    const moved = (await r.data()) as Float32Array;
    tf.dispose([x, y, r]);
    let checked = 0;
    for (let i = 0; i < N; i++) {
      const xi = digit(i);
      const g = gradient(xi, labels[i]);
      const c = dot(g, xi) / dot(xi, xi);
      const rate = norm(xi) * norm(g.map((gi, k) => gi - c * xi[k]));
      if (rate < 1e-2) continue; // a confident digit: the change is below float32 resolution
      const fd = (cost(moved.subarray(i * 784, (i + 1) * 784), labels[i]) - cost(xi, labels[i])) / h;
      expect(Math.abs(fd - rate) / rate).toBeLessThan(0.05);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('rotate takes one angle per row, and the plane of a gradient parallel to x is empty', async () => {
    const x = tf.tensor2d([[1, 0, 0], [0, 2, 0]]);
    const g = tf.tensor2d([[3, 0, 0], [0, 0, -1]]);
    const v = rotationPlane(x, g);
    expect(Array.from(await v.data())).toEqual([0, 0, 0, 0, 0, -2]);
    const r = rotate(x, v, tf.tensor1d([0.3, Math.PI / 2]));
    const out = Array.from(await r.data());
    expect(out.slice(0, 3).map((c, i) => c - [Math.cos(0.3), 0, 0][i]).every((d) => Math.abs(d) < 1e-6)).toBe(true);
    expect(out.slice(3).map((c, i) => c - [0, 0, -2][i]).every((d) => Math.abs(d) < 1e-6)).toBe(true);
    tf.dispose([x, g, v, r]);
  });
});

describe('the smallest flipping angle', () => {
  it('equals a fine float64 sweep for the softmax model', async () => {
    const { angles, resolution } = await smallestFlippingAngles(softmax, pixels, labels);
    expect(resolution).toBeLessThan(1e-3);
    for (let i = 0; i < N; i++) {
      const x = digit(i);
      const y = labels[i];
      const v = plane(x, gradient(x, y));
      const wrongAt = (deg: number) => {
        const c = Math.cos(radians(deg)), s = Math.sin(radians(deg));
        const z = logits(x.map((xi, k) => c * xi + s * v[k]));
        return z.indexOf(Math.max(...z)) !== y;
      };
      let ref = Infinity;
      for (let k = 0; k <= 9000; k++) {
        if (wrongAt(k / 100)) {
          ref = k / 100;
          break;
        }
      }
      if (ref === 0) expect(angles[i]).toBe(0);
      else expect(Math.abs(angles[i] - ref), `digit ${i}`).toBeLessThanOrEqual(0.011);
    }
  });

  it('finds the first flip on the sweep for the maxout network, against a per-digit sweep', async () => {
    const { angles } = await smallestFlippingAngles(maxout, pixels, labels);
    let disagree = 0;
    for (let i = 0; i < N; i++) {
      let ref = Infinity;
      for (let k = 0; k <= 90; k++) {
        const ex = await rotationExample(maxout, pixels.subarray(i * 784, (i + 1) * 784), labels[i], k);
        const p = Array.from(ex.rotatedProbabilities);
        if (p.indexOf(Math.max(...p)) !== labels[i]) {
          ref = k;
          break;
        }
      }
      const ok = ref === 0 ? angles[i] === 0 : ref === Infinity ? angles[i] === Infinity : angles[i] > ref - 1 && angles[i] <= ref;
      if (!ok) disagree++;
    }
    // one digit may sit on a tie that the batched and the single-digit products round differently
    expect(disagree).toBeLessThanOrEqual(1);
  });

  it('one example: the norms, the change and the probabilities', async () => {
    const ex = await rotationExample(softmax, pixels.subarray(0, 784), labels[0], 4);
    expect(Math.abs(ex.rotatedNorm - ex.norm)).toBeLessThan(1e-4 * ex.norm);
    // a chord of the circle: ‖x' − x‖ = 2‖x‖ sin(θ/2)
    expect(ex.changeNorm).toBeCloseTo(2 * ex.norm * Math.sin(radians(2)), 3);
    expect(ex.hasPlane).toBe(true);
    for (let k = 0; k < 784; k++) expect(ex.change[k]).toBeCloseTo(ex.rotated[k] - pixels[k], 5);
    expect(ex.cleanProbabilities.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 5);
  });

  it('the error at an angle counts the digits flipped by then; every tensor is freed; cancelling stops', async () => {
    expect(errorAtAngle([0, 1, 2, Infinity], 1.5)).toBe(50);
    expect(errorAtAngle([], 3)).toBe(0);
    const before = tf.memory().numTensors;
    await smallestFlippingAngles(maxout, pixels, labels, { batchSize: 16, rowsPerPass: 100 });
    await rotationExample(maxout, pixels.subarray(0, 784), labels[0], 10);
    expect(tf.memory().numTensors).toBe(before);
    await expect(smallestFlippingAngles(softmax, pixels, labels, { cancelled: () => true })).rejects.toThrow('cancelled');
    expect(tf.memory().numTensors).toBe(before);
  });
});

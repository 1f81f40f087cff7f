/**
 * PGD and R+FGSM (src/lib/attacks/pgd.ts) against what can be worked out by
 * hand: on a linear binary model the loss gradient has the same sign at every
 * point, so PGD lands on the FGSM corner of the ε-ball whatever k; every
 * iterate is a valid image within ε of the digit; restarts only ever help;
 * R+FGSM with α = 0 is FGSM; cancellation stops the run and frees its tensors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { fgsm } from '../../src/lib/attacks/fgsm.ts';
import { attackStrength, pgd, pgdWorst, project, rfgsm } from '../../src/lib/attacks/pgd.ts';
import { modelFunctions, type MaxoutArchitecture, type Params } from '../../src/lib/models/architectures.ts';
import { seeded } from '../../src/lib/random.ts';

const read = async (t: tf.Tensor) => Array.from((await t.data()) as Float32Array);

/** Logistic regression σ(wᵀx + b) with seeded weights, n inputs; class 1 is "positive". */
function linearModel(seed: number, n: number) {
  const r = seeded(seed);
  const w = Array.from({ length: n }, () => r.normal());
  const arch = { kind: 'logistic' as const, inputs: n, negative: 3, positive: 7 };
  return { fns: modelFunctions(arch), params: { w: tf.tensor2d(w, [n, 1]), b: tf.tensor1d([0.1]) } as Params, w };
}

/** A small maxout net with seeded weights: 16 inputs, 2 × 8 units × 3 pieces, 4 classes. */
function smallNet(seed: number) {
  const arch: MaxoutArchitecture = { kind: 'maxout', inputs: 16, units: [8, 8], pieces: 3, classes: 4, dropout: { input: 1, hidden: 1 } };
  const fns = modelFunctions(arch);
  const r = seeded(seed);
  const params: Params = {};
  for (const [k, shape] of Object.entries(fns.shapes())) {
    const size = shape.reduce((a, b) => a * b, 1);
    const scale = k.startsWith('W') ? 1.5 / Math.sqrt(shape[0]) : 0.1;
    params[k] = tf.tensor(Array.from({ length: size }, () => scale * r.normal()), shape);
  }
  return { fns, params };
}

/** Seeded digits in [0, 1], a quarter of the pixels at exactly 0 or 1 (where the clip to [0, 1] bites). */
function batch(seed: number, count: number, n: number, classes: number) {
  const r = seeded(seed);
  const x = Array.from({ length: count * n }, () => {
    const u = r.next();
    return u < 0.125 ? 0 : u > 0.875 ? 1 : r.next();
  });
  const y = Array.from({ length: count }, () => Math.floor(r.next() * classes));
  return { x: tf.tensor2d(x, [count, n]), y: tf.tensor1d(y, 'int32'), xs: x, ys: y };
}

/** Per-digit cross-entropy −log p_y. */
async function losses(fns: ReturnType<typeof modelFunctions>, params: Params, x: tf.Tensor2D, y: number[]) {
  const p = fns.probabilities(params, x);
  const v = await read(p);
  const k = p.shape[1];
  p.dispose();
  return y.map((c, i) => -Math.log(Math.max(v[i * k + c], 1e-38)));
}

beforeAll(async () => {
  await initTf('wasm');
});

describe('PGD on a linear binary model finds the FGSM point', () => {
  it('for k = 1, 2, 3, 7 and 40 steps, without the clip and without a random start, whatever the step size', async () => {
    const n = 30;
    const { fns, params, w } = linearModel(5, n);
    const { x, y, xs, ys } = batch(6, 12, n, 2);
    const eps = 0.1;
    // the closed form: J = softplus(−(2y − 1)(wᵀx + b)), so sign ∇ₓJ = −(2y − 1) sign(w) at every x
    const corner = xs.map((v, j) => v - (2 * ys[Math.floor(j / n)] - 1) * Math.sign(w[j % n]) * eps);
    const f = fgsm(fns, params, x, y, eps, { clip: false });
    const fg = await read(f.adversarial);
    fg.forEach((v, j) => expect(v).toBeCloseTo(corner[j], 6));
    for (const k of [1, 2, 3, 7, 40]) {
      for (const stepSize of [eps / k, (2 * eps) / k, eps]) {
        const adv = pgd(fns, params, x, y, { epsilon: eps, stepSize, steps: k, randomStart: false, clip: false });
        const got = await read(adv);
        adv.dispose();
        got.forEach((v, j) => expect(Math.abs(v - fg[j]), `k = ${k}, α = ${stepSize}, pixel ${j}`).toBeLessThanOrEqual(1e-6));
      }
    }
    // from a random start too, once the steps cover the ball's width 2ε
    const adv = pgd(fns, params, x, y, { epsilon: eps, stepSize: eps / 2, steps: 4, randomStart: true, seed: 3, clip: false });
    (await read(adv)).forEach((v, j) => expect(Math.abs(v - fg[j])).toBeLessThanOrEqual(1e-6));
    tf.dispose([adv, f.adversarial, f.direction, x, y, ...Object.values(params)]);
  });
});

describe('PGD on a small nonlinear net', () => {
  it('every iterate stays in the ε-ball around the digit and in [0, 1], from a random start or not', async () => {
    const { fns, params } = smallNet(11);
    const { x, y, xs } = batch(12, 40, 16, 4);
    for (const randomStart of [true, false]) {
      for (const eps of [0.05, 0.3]) {
        let seen = 0;
        const iterates: Promise<number[]>[] = [];
        const out = pgd(fns, params, x, y, { epsilon: eps, stepSize: eps / 4, steps: 12, randomStart, seed: 4, clip: true }, (i, xi) => {
          seen++;
          iterates.push(read(xi));
        });
        out.dispose();
        expect(seen).toBe(13);
        for (const it of await Promise.all(iterates)) {
          it.forEach((v, j) => {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
            expect(Math.abs(v - xs[j])).toBeLessThanOrEqual(eps + 1e-6);
          });
        }
      }
    }
    // and Π itself is the closed-form box projection
    const far = tf.tensor2d([[-1, 0.5, 2, 0.95, 0.02]]);
    const x0 = tf.tensor2d([[0.1, 0.5, 0.9, 0.9, 0.0]]);
    expect(await read(project(far, x0, 0.2, true))).toEqual([0, 0.5, 1, 0.95, 0.02].map((v) => Math.fround(v)));
    const unclipped = await read(project(far, x0, 0.2, false));
    [-0.1, 0.5, 1.1, 0.95, 0.02].forEach((v, j) => expect(unclipped[j]).toBeCloseTo(v, 6));
    tf.dispose([x, y, far, x0, ...Object.values(params)]);
  });

  it('PGD reaches more loss than FGSM on a seeded net: on nearly every digit for the last iterate, on every digit when it keeps its best', async () => {
    const { fns, params } = smallNet(21);
    const { x, y, ys } = batch(22, 200, 16, 4);
    for (const eps of [0.1, 0.25]) {
      const f = fgsm(fns, params, x, y, eps, { clip: true });
      const lf = await losses(fns, params, f.adversarial, ys);
      const sf = await read(attackStrength(fns, params, f.adversarial, y));
      // Madry et al.'s PGD (the last iterate, 40 steps of ε/10 from a random start) is not bound to beat FGSM on
      // every digit: where the net is nearly linear around a digit FGSM's corner is already the maximum and PGD's
      // small steps can end just short of it. It beats it on almost all, and on average.
      const adv = pgd(fns, params, x, y, { epsilon: eps, stepSize: eps / 10, steps: 40, randomStart: true, seed: 7, clip: true });
      const lp = await losses(fns, params, adv, ys);
      const ahead = lp.filter((l, i) => l >= lf[i] - 1e-5).length;
      expect(ahead, `ε = ${eps}`).toBeGreaterThanOrEqual(180);
      expect(lp.reduce((a, b) => a + b, 0)).toBeGreaterThan(lf.reduce((a, b) => a + b, 0));
      // PGD that keeps each digit's strongest iterate, started at x with a first step of ε (which is the FGSM point),
      // is at least as strong as FGSM on every digit: misclassified wherever FGSM's point is, and otherwise with at
      // least FGSM's loss
      const best = await pgdWorst(fns, params, x, y, { epsilon: eps, stepSize: eps, steps: 10, randomStart: false, clip: true, keepBest: true });
      const sb = await read(attackStrength(fns, params, best, y));
      const lb = await losses(fns, params, best, ys);
      sb.forEach((s, i) => {
        expect(s, `digit ${i}, ε = ${eps}`).toBeGreaterThanOrEqual(sf[i] - 1e-6);
        if (Math.floor(s) === Math.floor(sf[i])) expect(lb[i]).toBeGreaterThanOrEqual(lf[i] - 1e-5);
      });
      // and strictly stronger on some digits: the nonlinear net is not solved by one step
      expect(sb.filter((s, i) => s > sf[i] + 1e-4).length).toBeGreaterThan(0);
      tf.dispose([f.adversarial, f.direction, adv, best]);
    }
    tf.dispose([x, y, ...Object.values(params)]);
  });

  it('pgdWorst with restarts is at least as strong on every digit as each single restart, and restart 0 is pgd', async () => {
    const { fns, params } = smallNet(31);
    const { x, y } = batch(32, 120, 16, 4);
    const options = { epsilon: 0.15, stepSize: 0.03, steps: 6, randomStart: true, seed: 100, clip: true };
    const worst = await pgdWorst(fns, params, x, y, { ...options, restarts: 4 });
    const sw = await read(attackStrength(fns, params, worst, y));
    const sync0 = pgd(fns, params, x, y, options);
    for (let r = 0; r < 4; r++) {
      const single = await pgdWorst(fns, params, x, y, { ...options, seed: options.seed + r, restarts: 1 });
      if (r === 0) expect(await read(single)).toEqual(await read(sync0));
      const ss = await read(attackStrength(fns, params, single, y));
      // strength = [misclassified] + (1 − p_y): misclassified by the worst whenever by any restart, else a lower p_y
      ss.forEach((s, i) => expect(sw[i], `restart ${r}, digit ${i}`).toBeGreaterThanOrEqual(s - 1e-6));
      single.dispose();
    }
    // restarts differ, so the strongest of four is strictly stronger than restart 0 on some digit
    const s0 = await read(attackStrength(fns, params, sync0, y));
    expect(sw.some((s, i) => s > s0[i] + 1e-4)).toBe(true);
    tf.dispose([worst, sync0, x, y, ...Object.values(params)]);
  });

  it('reports progress over every step of every restart, and cancellation stops it without leaking tensors', async () => {
    const { fns, params } = smallNet(41);
    const { x, y } = batch(42, 20, 16, 4);
    const options = { epsilon: 0.1, stepSize: 0.02, steps: 5, randomStart: true, seed: 1, clip: true };
    const calls: [number, number][] = [];
    const done = await pgdWorst(fns, params, x, y, { ...options, restarts: 3, onProgress: (d, t) => calls.push([d, t]) });
    done.dispose();
    expect(calls).toEqual(Array.from({ length: 15 }, (_, i) => [i + 1, 15]));

    class Stopped extends Error {}
    for (const keepBest of [false, true]) {
      const before = tf.memory().numTensors;
      let progress = 0;
      await expect(
        pgdWorst(fns, params, x, y, {
          ...options,
          keepBest,
          restarts: 3,
          onProgress: () => progress++,
          cancelled: () => progress >= 7,
          cancel: () => new Stopped('stopped'),
        }),
      ).rejects.toBeInstanceOf(Stopped);
      expect(progress).toBe(7);
      expect(tf.memory().numTensors).toBe(before);
      // a finished run leaves only its result
      const out = await pgdWorst(fns, params, x, y, { ...options, keepBest, restarts: 2 });
      expect(tf.memory().numTensors).toBe(before + 1);
      out.dispose();
    }
    tf.dispose([x, y, ...Object.values(params)]);
  });
});

describe('R+FGSM', () => {
  it('with α = 0 is FGSM, clipped and not', async () => {
    const { fns, params } = smallNet(51);
    const { x, y } = batch(52, 30, 16, 4);
    for (const clip of [true, false]) {
      const f = fgsm(fns, params, x, y, 0.2, { clip });
      const r = rfgsm(fns, params, x, y, 0.2, 0, 9, { clip });
      expect(await read(r)).toEqual(await read(f.adversarial));
      tf.dispose([f.adversarial, f.direction, r]);
    }
    tf.dispose([x, y, ...Object.values(params)]);
  });

  it('on the linear model: a ±α step, then the FGSM sign step of ε − α', async () => {
    const n = 20;
    const { fns, params, w } = linearModel(61, n);
    const { x, y, xs, ys } = batch(62, 10, n, 2);
    const eps = 0.2, alpha = 0.08;
    const adv = await read(rfgsm(fns, params, x, y, eps, alpha, 5, { clip: false }));
    let plus = 0;
    adv.forEach((v, j) => {
      const s = -(2 * ys[Math.floor(j / n)] - 1) * Math.sign(w[j % n]);
      const random = v - xs[j] - (eps - alpha) * s;
      expect(Math.abs(Math.abs(random) - alpha)).toBeLessThanOrEqual(1e-6);
      if (random > 0) plus++;
      expect(Math.abs(v - xs[j])).toBeLessThanOrEqual(eps + 1e-6);
    });
    // the random signs are fair: about half of 200 are +
    expect(plus).toBeGreaterThan(70);
    expect(plus).toBeLessThan(130);
    tf.dispose([x, y, ...Object.values(params)]);
  });
});

/**
 * Each row of the reproduction against a slow reference written independently
 * here: one digit at a time, the gradient of a cross-entropy written out from
 * the logits, the sign and the clipping in plain JavaScript, the counts in
 * plain loops.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './setup-tf.ts';
import { ensureQuickModels, QUICK } from './quick-models.ts';
import { nodeModels } from '../../scripts/lib/node-models.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import { anyClassifierRows, Reproduction, reproduceTable, rubbishInputs, type RowResult } from '../../src/lib/analysis/reproduce.ts';
import type { Model } from '../../src/lib/analysis/batch.ts';
import { memberParams, modelFunctions } from '../../src/lib/models/architectures.ts';

const N = 150;
let table: RowResult[];
let get: (name: string) => Promise<Model>;
const test = loadMnist('test');
const pixels = toFloat(test, 0, N);
const labels = test.labels.slice(0, N);

beforeAll(async () => {
  ensureQuickModels();
  await initTf('wasm');
  const models = await nodeModels(QUICK);
  const cache = new Map<string, Promise<Model>>();
  get = (name) => {
    if (!cache.has(name)) cache.set(name, models.model(name));
    return cache.get(name)!;
  };
  // the rows beyond the paper have their own tests (reproduce-beyond.test.ts)
  table = await reproduceTable({ model: get, test: { pixels, labels }, rubbishCount: 300, beyondSample: 0 });
}, 300_000);

/** Probabilities of one digit. */
async function probs(m: Model, x: number[]): Promise<number[]> {
  const p = tf.tidy(() => m.fns.probabilities(m.params, tf.tensor2d(x, [1, 784])));
  const v = Array.from(await p.data());
  p.dispose();
  return v;
}

/**
 * The paper's setting for one digit, written out: p = softmax(z) in float64, each pₖ rounded to float32
 * (Math.fround), c = p − onehot, and ∇ₓ = (∂z/∂x)ᵀ c as the gradient of Σₖ cₖ zₖ(x) with c held constant.
 */
async function naiveGradient(m: Model, x: number[], y: number): Promise<number[]> {
  const z = tf.tidy(() => m.fns.logits(m.params, tf.tensor2d(x, [1, 784])));
  const zs = Array.from(await z.data());
  z.dispose();
  const top = Math.max(...zs);
  const e = zs.map((v) => Math.exp(v - top));
  const sum = e.reduce((a, b) => a + b, 0);
  const c = e.map((v, k) => Math.fround(v / sum) - (k === y ? 1 : 0));
  const g = tf.tidy(() => tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(m.fns.logits(m.params, xi as tf.Tensor2D), tf.tensor2d(c, [1, c.length]))))(tf.tensor2d(x, [1, 784])));
  const grad = Array.from(await g.data());
  g.dispose();
  return grad;
}

/** The reference FGSM for one digit: ∇ₓ of −log softmax(z)[y], or of the RBF's one-vs-rest cost; `paper`: the naive gradient, unclipped. */
async function referenceFgsm(m: Model, x: number[], y: number, clip: boolean | 'paper'): Promise<number[]> {
  if (clip === 'paper' && m.fns.output === 'softmax') {
    const grad = await naiveGradient(m, x, y);
    return x.map((v, i) => v + 0.25 * Math.sign(grad[i]));
  }
  if (clip === 'paper') clip = false;
  const g = tf.tidy(() =>
    tf.grad((xi: tf.Tensor) => {
      const z = m.fns.logits(m.params, xi as tf.Tensor2D);
      if (m.fns.output === 'independent') {
        // p = exp(z), z = −d: cost = −log p_y − Σ_{k≠y} log(1 − p_k)
        const zs = tf.unstack(z, 1);
        let cost: tf.Tensor = tf.neg(zs[y]);
        zs.forEach((zk, k) => {
          if (k !== y) cost = tf.sub(cost, tf.log(tf.maximum(tf.sub(1, tf.exp(zk)), 1e-30)));
        });
        return tf.sum(cost);
      }
      const lse = tf.logSumExp(z, 1);
      return tf.sum(tf.sub(lse, tf.sum(tf.mul(z, tf.oneHot([y], z.shape[1])), 1)));
    })(tf.tensor2d(x, [1, 784])),
  );
  const grad = Array.from(await g.data());
  g.dispose();
  return x.map((v, i) => {
    const moved = v + 0.25 * Math.sign(grad[i]);
    return clip ? Math.min(1, Math.max(0, moved)) : moved;
  });
}

const argmax = (v: number[]) => v.indexOf(Math.max(...v));
const digit = (i: number) => Array.from(pixels.subarray(i * 784, (i + 1) * 784));
const find = (row: number, metric: string) => {
  const r = table.find((t) => t.row === row && t.metric.startsWith(metric));
  if (!r) throw new Error(`no row ${row} metric ${metric}`);
  return r;
};
/** One digit in N may differ at a gradient that is zero up to rounding. */
const close = (a: number, b: number, n = N) => expect(Math.abs(a - b)).toBeLessThanOrEqual(100 / n + 1e-6);

async function attack(name: string, madeOn: string, clip: boolean | 'paper', sample?: { idx: number[]; labels: number[] }) {
  const target = await get(name);
  const source = await get(madeOn);
  const idx = sample?.idx ?? Array.from({ length: N }, (_, i) => i);
  const ys = sample?.labels ?? Array.from(labels);
  const pred: number[] = [];
  const conf: number[] = [];
  for (let j = 0; j < idx.length; j++) {
    const adv = await referenceFgsm(source, digit(idx[j]), ys[j], clip);
    const p = await probs(target, adv);
    pred.push(argmax(p));
    conf.push(Math.max(...p));
  }
  const wrong = pred.map((p, j) => p !== ys[j]);
  const nWrong = wrong.filter(Boolean).length;
  return {
    pred,
    error: (100 * nWrong) / idx.length,
    confidenceOnMistakes: nWrong ? (100 * conf.filter((_, j) => wrong[j]).reduce((a, b) => a + b, 0)) / nWrong : 0,
  };
}

describe('the reproduction matches a per-digit reference on the quick models', () => {
  it('row 1 and row 2: FGSM error and confidence, clipped and unclipped', async () => {
    for (const [row, name] of [[1, 'softmax'], [2, 'maxout']] as const) {
      const c = await attack(name, name, true);
      const u = await attack(name, name, false);
      close(find(row, 'FGSM error').site, c.error);
      close(find(row, 'FGSM error').siteUnclipped, u.error);
      expect(Math.abs(find(row, 'mean confidence').site - c.confidenceOnMistakes)).toBeLessThan(1.5);
    }
  });

  it('rows 1 and 2 in the paper’s setting: the naive float32 gradient p − onehot, unclipped', async () => {
    for (const [row, name] of [[1, 'softmax'], [2, 'maxout']] as const) {
      const p = await attack(name, name, 'paper');
      close(find(row, 'FGSM error').sitePaperSetting, p.error);
      expect(Math.abs(find(row, 'mean confidence').sitePaperSetting - p.confidenceOnMistakes)).toBeLessThan(1.5);
    }
  });

  it('the paper’s setting beside the other two: equal to unclipped for the RBF network, to all three where no attack is involved', () => {
    for (const r of table) {
      expect(Number.isNaN(r.sitePaperSetting), `${r.row} ${r.metric}`).toBe(false);
      if (r.row === 14 && !/clean/.test(r.metric)) expect(r.sitePaperSetting, r.metric).toBe(r.siteUnclipped);
      if (r.site === r.siteUnclipped && [7, 18, 20].includes(r.row as number)) expect(r.sitePaperSetting, r.metric).toBe(r.site);
      // every judged row is judged on the clipped number, and says so
      expect(r.judgedOn).toBe(r.holds === null ? null : 'clipped');
    }
  });

  it('rows 1, 14 and 18 show the site’s additions (softmax-wd, rbf-wide) beside the paper’s models, reported, not judged', async () => {
    const additions = table.filter((r) => r.tolerance === 'reported (the site’s addition)');
    expect(additions.map((r) => [r.row, r.metric])).toEqual([
      [1, 'FGSM error, softmax-wd'],
      [1, 'mean confidence on mistakes, softmax-wd'],
      [14, 'FGSM error, rbf-wide'],
      [14, 'confidence on mistakes, rbf-wide'],
      [14, 'mean confidence on clean digits, rbf-wide'],
      [14, 'clean error, rbf-wide'],
      [18, 'confident answers, softmax-wd'],
      [18, 'mean confidence of those, softmax-wd'],
    ]);
    for (const r of additions) {
      expect(r.paper).toBeNull();
      expect(r.holds).toBeNull();
      expect(r.setting).toContain('the site’s addition, not in the paper');
    }
    // beside softmax in row 18: after its two lines, before RBF's
    const row18 = table.filter((r) => r.row === 18).map((r) => r.metric);
    expect(row18.indexOf('confident answers, softmax-wd')).toBe(row18.indexOf('mean confidence of those, softmax') + 1);
    const wd = await attack('softmax-wd', 'softmax-wd', true);
    close(find(1, 'FGSM error, softmax-wd').site, wd.error);
    const wide = await attack('rbf-wide', 'rbf-wide', true);
    close(find(14, 'FGSM error, rbf-wide').site, wide.error);
  });

  it('row 5: logistic regression on the 3s and 7s', async () => {
    const idx = Array.from(labels.keys()).filter((i) => labels[i] === 3 || labels[i] === 7);
    const ys = idx.map((i) => (labels[i] === 7 ? 1 : 0));
    const m = await get('logistic-3v7');
    let wrong = 0;
    for (let j = 0; j < idx.length; j++) if (argmax(await probs(m, digit(idx[j]))) !== ys[j]) wrong++;
    close(find(5, 'clean error').site, (100 * wrong) / idx.length, idx.length);
    const a = await attack('logistic-3v7', 'logistic-3v7', true, { idx, labels: ys });
    close(find(5, 'FGSM error').site, a.error, idx.length);
  });

  it('rows 10, 11 and 12: adversarial training, transfer and noise controls', async () => {
    const adv = await attack('maxout-adv', 'maxout-adv', true);
    close(find(10, 'FGSM error').site, adv.error);
    const toAdv = await attack('maxout-adv', 'maxout', true);
    close(find(11, 'maxout’s examples').site, toAdv.error);
    const toPlain = await attack('maxout', 'maxout-adv', true);
    close(find(11, 'maxout-adv’s examples').site, toPlain.error);
    expect(find(11, 'maxout-adv’s examples').holds).toBe(toPlain.error > toAdv.error);
    const noise = await attack('maxout-noise-uniform', 'maxout-noise-uniform', true);
    close(find(12, 'FGSM error, maxout-noise-uniform').site, noise.error);
  });

  it('row 14: the RBF network', async () => {
    const a = await attack('rbf', 'rbf', true);
    close(find(14, 'FGSM error').site, a.error);
  });

  it('row 15: agreement with maxout’s wrong class', async () => {
    const mx = await attack('maxout', 'maxout', true);
    const sm = await attack('softmax', 'maxout', true);
    const rb = await attack('rbf', 'maxout', true);
    let errs = 0, rbfPicks = 0, smPicks = 0;
    for (let i = 0; i < N; i++) {
      if (mx.pred[i] !== labels[i]) {
        errs++;
        if (rb.pred[i] === mx.pred[i]) rbfPicks++;
        if (sm.pred[i] === mx.pred[i]) smPicks++;
      }
    }
    close(find(15, 'when maxout errs: RBF').site, (100 * rbfPicks) / errs, errs);
    close(find(15, 'when maxout errs: softmax').site, (100 * smPicks) / errs, errs);
  });

  it('rows 2, 7, 10, 11, 12 and 15 again on the networks of the paper’s recipe: same rules, counted apart, against the reference', async () => {
    const onPaper = table.filter((r) => r.recipe === 'paper');
    expect([...new Set(onPaper.map((r) => r.row))]).toEqual([2, 7, 10, 11, 12, 15]);
    for (const r of onPaper) {
      expect(r.setting).toContain('the paper’s recipe');
      expect(r.paper, r.metric).not.toBeNull();
    }
    // the site's own rows come first in each row, unmarked
    for (const row of [2, 7, 10, 11, 12, 15]) {
      const lines = table.filter((r) => r.row === row);
      const firstPaper = lines.findIndex((r) => r.recipe === 'paper');
      expect(firstPaper, `row ${row}`).toBeGreaterThan(0);
      expect(lines.slice(firstPaper).every((r) => r.recipe === 'paper')).toBe(true);
    }
    const mp = await attack('maxout-paper', 'maxout-paper', true);
    close(find(2, 'FGSM error, maxout-paper').site, mp.error);
    const mpPaper = await attack('maxout-paper', 'maxout-paper', 'paper');
    close(find(2, 'FGSM error, maxout-paper').sitePaperSetting, mpPaper.error);
    expect(find(2, 'FGSM error, maxout-paper').holds).toBe(Math.abs(find(2, 'FGSM error, maxout-paper').site - 89.4) <= 5);
    const adv = await attack('maxout-adv-paper', 'maxout-adv-paper', true);
    close(find(10, 'FGSM error, maxout-adv-paper').site, adv.error);
    expect(find(10, 'FGSM error, maxout-adv-paper').holds).toBe(find(10, 'FGSM error, maxout-adv-paper').site <= find(2, 'FGSM error, maxout-paper').site / 3);
    const toPlain = await attack('maxout-paper', 'maxout-adv-paper', true);
    close(find(11, 'maxout-adv-paper’s examples').site, toPlain.error);
    // row 12 on the paper's recipe: the same noise-trained networks, judged against maxout-adv-paper
    const noise = find(12, 'FGSM error, maxout-noise-sign (against maxout-adv-paper)');
    expect(noise.site).toBe(find(12, 'FGSM error, maxout-noise-sign').site);
    expect(noise.holds).toBe(noise.site >= 2 * find(10, 'FGSM error, maxout-adv-paper').site);
    // row 15 on examples made on maxout-paper
    const sm = await attack('softmax', 'maxout-paper', true);
    let errs = 0, smPicks = 0;
    for (let i = 0; i < N; i++) {
      if (mp.pred[i] !== labels[i]) {
        errs++;
        if (sm.pred[i] === mp.pred[i]) smPicks++;
      }
    }
    close(find(15, 'when maxout-paper errs: softmax').site, (100 * smPicks) / errs, errs);
  });

  it('leaves the paper’s recipe out when asked, and where its networks are not shipped', async () => {
    const opts = { test: { pixels, labels }, rubbishCount: 300, beyondSample: 0 };
    const without = await reproduceTable({ ...opts, model: get, paperRecipe: false }, [2, 7, 15]);
    expect(without.some((r) => r.recipe)).toBe(false);
    const missing = (name: string) => (/-paper$/.test(name) ? Promise.reject(new Error(`manifest.json: no model named ${name}`)) : get(name));
    const notShipped = await reproduceTable({ ...opts, model: missing }, [2, 7, 15]);
    expect(notShipped.map((r) => r.metric)).toEqual(without.map((r) => r.metric));
  });

  it('row 17: the ensemble averages its members, attacked whole and through one member', async () => {
    const ens = await get('ensemble');
    if (ens.architecture.kind !== 'ensemble') throw new Error('not an ensemble');
    // the ensemble's probabilities are the mean of its members' softmax outputs
    const x = digit(0);
    const member = ens.architecture.member;
    const memberProbs = await Promise.all(
      Array.from({ length: ens.architecture.members }, (_, i) => probs({ name: `m${i}`, architecture: member, fns: modelFunctions(member), params: memberParams(ens.params, i) }, x)),
    );
    const mean = memberProbs[0].map((_, k) => memberProbs.reduce((s, p) => s + p[k], 0) / memberProbs.length);
    const got = await probs(ens, x);
    for (let k = 0; k < 10; k++) expect(got[k]).toBeCloseTo(mean[k], 5);
    const whole = await attack('ensemble', 'ensemble', true);
    close(find(17, 'ensemble error, FGSM on the whole').site, whole.error);
  });

  it('row 18: confident answers on seeded Gaussian rubbish', async () => {
    const x = rubbishInputs(300);
    expect(x.length).toBe(300 * 784);
    // N(0, 1): mean about 0, variance about 1
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
    for (const [name, metric] of [['maxout', 'confident answers, maxout'], ['softmax', 'confident answers, softmax'], ['rbf', 'confident answers, RBF']] as const) {
      const m = await get(name);
      let confident = 0;
      for (let i = 0; i < 300; i++) if (Math.max(...(await probs(m, Array.from(x.subarray(i * 784, (i + 1) * 784))))) > 0.5) confident++;
      close(find(18, metric).site, (100 * confident) / 300, 300);
    }
  });
});

describe('the rows that apply to any classifier (a model the reader brings)', () => {
  it('are, for softmax regression, the paper rows’ numbers for it: rows 1 and 18, and row 15’s examples made on maxout', async () => {
    const r = new Reproduction({ model: get, test: { pixels, labels }, rubbishCount: 300, beyondSample: 0, paperSetting: false, paperRecipe: false });
    const rows = await anyClassifierRows(r, 'softmax', 'the model');
    const at = (metric: string) => rows.find((x) => x.metric === metric)!;
    const inTable = (row: number, metric: string) => table.find((x) => x.row === row && x.metric === metric)!;
    expect(rows.every((x) => x.row === 'yours' && x.paper === null && x.holds === null)).toBe(true);
    // the paper's setting was not asked for: NaN where an attack is involved
    expect(Number.isNaN(at('FGSM error').sitePaperSetting)).toBe(true);
    for (const key of ['site', 'siteUnclipped'] as const) {
      expect(at('FGSM error')[key]).toBe(inTable(1, 'FGSM error')[key]);
      expect(at('mean confidence on mistakes')[key]).toBe(inTable(1, 'mean confidence on mistakes')[key]);
    }
    expect(at('confident answers (some p > 0.5) on rubbish inputs').site).toBe(inTable(18, 'confident answers, softmax').site);
    expect(at('mean confidence of those').site).toBe(inTable(18, 'mean confidence of those, softmax').site);
    // clean error and transfer from maxout, counted here in plain loops
    const m = await get('softmax');
    const p = tf.tidy(() => tf.argMax(m.fns.logits(m.params, tf.tensor2d(pixels, [N, 784])), 1));
    const pred = (await p.data()) as Int32Array;
    p.dispose();
    let wrong = 0;
    for (let i = 0; i < N; i++) if (pred[i] !== labels[i]) wrong++;
    expect(at('clean error').site).toBeCloseTo((100 * wrong) / N, 9);
    const fromMaxout = at('maxout’s examples: error of the model');
    const toMaxout = at('the model’s examples: error of maxout');
    expect(fromMaxout.site).toBe(await r.predictions('softmax', { madeOn: 'maxout', clip: 'clipped' }).then((q) => (100 * q.predicted.filter((v, i) => v !== labels[i]).length) / N));
    expect(toMaxout.siteUnclipped).toBe(await r.predictions('maxout', { madeOn: 'softmax', clip: 'unclipped' }).then((q) => (100 * q.predicted.filter((v, i) => v !== labels[i]).length) / N));
    expect(rows.map((x) => x.metric)).toContain('softmax’s examples: error of the model');
  }, 120_000);
});

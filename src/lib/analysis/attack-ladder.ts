/**
 * The attack ladder: one model, one ε, the first N test digits, and the error
 * under attacks of growing strength, each clipped to [0, 1]:
 *
 *   clean → FGSM → R+FGSM (α = ε/2) → PGD with 1, 2, 5, 10, 20, 40 steps
 *   (step 2.5ε/k, random start) → the worst of 5 restarts of PGD-40.
 *
 * A model that is robust keeps its error low on every rung. A model whose
 * resistance comes from a gradient that misleads a single step (gradient
 * masking) holds on the FGSM rung and falls on the ones after it.
 *
 * Every rung is computed by `ladderRung` on its own, seeded (batch b of a rung
 * draws from LADDER_SEED + SEED_STRIDE·b, restart r from that + r), so the page
 * can show the rungs one by one and still get exactly the numbers `attackLadder`
 * computes in Node. PGD-40 × 5 reuses PGD-40 as its first restart when given it.
 */
import type { Cancellable } from '../progress.ts';
import * as tf from '@tensorflow/tfjs';
import { fgsm } from '../attacks/fgsm.ts';
import { pgd, pgdWorst, rfgsm, trueClassProbability } from '../attacks/pgd.ts';
import { CancelledError, percent, predict, type Model } from './batch.ts';
import type { DigitSample } from './reproduce.ts';

const PIXELS = 784;

import {
  LADDER,
  LADDER_RESTARTS,
  LADDER_SEED,
  LADDER_STEPS,
  SEED_STRIDE,
  pgdStepSize,
  rfgsmAlpha,
  rungById,
  type RungKind,
  type RungResult,
  type RungSpec,
} from './attack-ladder-rungs.ts';

export { LADDER, LADDER_RESTARTS, LADDER_SEED, LADDER_STEPS, SEED_STRIDE, pgdStepSize, rfgsmAlpha, rungById, type RungKind, type RungResult, type RungSpec };

const MAX_STEPS = LADDER_STEPS[LADDER_STEPS.length - 1];

export interface LadderOptions extends Cancellable {
  /** Digits per batch (default 500); the seeds depend on it. */
  batchSize?: number;
}

export interface RungImages {
  /** The attacked digits (count × 784), clipped to [0, 1]. */
  images: Float32Array;
  result: RungResult;
}

export function checkLadderOptions(epsilon: number, count: number): void {
  if (!Number.isFinite(epsilon) || epsilon < 0 || epsilon > 1) throw new Error(`ε must be a number from 0 to 1, got ${epsilon}`);
  if (!Number.isInteger(count) || count < 1 || count > 10000) throw new Error(`the sample must be 1 to 10,000 digits, got ${count}`);
}

const seedOf = (batch: number) => LADDER_SEED + SEED_STRIDE * batch;

/**
 * The attacked images of one rung for the whole sample, batch by batch.
 * `first` (PGD-40's images, for the restarts rung) is taken as restart 0.
 */
async function rungImages(model: Model, sample: DigitSample, epsilon: number, rung: RungSpec, options: LadderOptions, first?: Float32Array): Promise<Float32Array> {
  const n = sample.labels.length;
  const bs = options.batchSize ?? 500;
  const out = new Float32Array(n * PIXELS);
  const cancel = () => new CancelledError();
  const perBatch = rung.kind === 'pgd' ? rung.steps * (first ? rung.restarts - 1 : rung.restarts) : 1;
  for (let start = 0, b = 0; start < n; start += bs, b++) {
    if (options.cancelled?.()) throw cancel();
    const end = Math.min(n, start + bs);
    const x = tf.tensor2d(sample.pixels.subarray(start * PIXELS, end * PIXELS), [end - start, PIXELS]);
    const y = tf.tensor1d(Array.from(sample.labels.subarray(start, end)), 'int32');
    const report = (done: number) => options.onProgress?.((start + ((end - start) * done) / perBatch) / n, `${model.name}: ${rung.label}`);
    let adv: tf.Tensor2D;
    try {
      if (rung.kind === 'clean') adv = tf.clone(x);
      else if (rung.kind === 'fgsm') {
        const r = fgsm(model.fns, model.params, x, y, epsilon, { clip: true });
        r.direction.dispose();
        adv = r.adversarial;
      } else if (rung.kind === 'rfgsm') adv = rfgsm(model.fns, model.params, x, y, epsilon, rfgsmAlpha(epsilon), seedOf(b), { clip: true });
      else {
        const common = { epsilon, stepSize: pgdStepSize(epsilon, rung.steps), steps: rung.steps, randomStart: true, clip: true, cancelled: options.cancelled, cancel, onProgress: report };
        if (first && rung.restarts > 1) {
          const others = await pgdWorst(model.fns, model.params, x, y, { ...common, seed: seedOf(b) + 1, restarts: rung.restarts - 1 });
          adv = worstOf(model, tf.tensor2d(first.subarray(start * PIXELS, end * PIXELS), [end - start, PIXELS]), others, y);
        } else adv = await pgdWorst(model.fns, model.params, x, y, { ...common, seed: seedOf(b), restarts: rung.restarts });
      }
    } finally {
      tf.dispose([x, y]);
    }
    out.set((await adv.data()) as Float32Array, start * PIXELS);
    adv.dispose();
    report(perBatch);
  }
  return out;
}

/**
 * Per digit, the one of two attacked batches that leaves the lower probability
 * on the true class; `earlier` wins ties (as the earlier restart does in
 * `pgdWorst`). Disposes both inputs.
 */
function worstOf(model: Model, earlier: tf.Tensor2D, later: tf.Tensor2D, y: tf.Tensor1D): tf.Tensor2D {
  const out = tf.tidy(() => {
    const pe = trueClassProbability(model.fns, model.params, earlier, y);
    const pl = trueClassProbability(model.fns, model.params, later, y);
    return tf.where(tf.tile(tf.reshape(tf.less(pl, pe), [-1, 1]), [1, PIXELS]), later, earlier) as tf.Tensor2D;
  });
  tf.dispose([earlier, later]);
  return out;
}

/** Error and mean true-class probability of the model on attacked images. */
async function score(model: Model, images: Float32Array, labels: Uint8Array, options: LadderOptions): Promise<{ wrong: number; error: number; trueProbability: number }> {
  const p = await predict(model, images, { batchSize: options.batchSize, cancelled: options.cancelled });
  let wrong = 0;
  let trueP = 0;
  for (let i = 0; i < labels.length; i++) {
    if (p.predicted[i] !== labels[i]) wrong++;
    trueP += p.probabilities[i * p.classes + labels[i]];
  }
  return { wrong, error: percent(wrong, labels.length), trueProbability: percent(trueP, labels.length) };
}

/**
 * One rung of the ladder on the sample: its attacked images and their error.
 * For the restarts rung, `pgd40` (the PGD-40 rung's images) saves one restart.
 */
export async function ladderRung(model: Model, sample: DigitSample, epsilon: number, id: string, options: LadderOptions = {}, pgd40?: Float32Array): Promise<RungImages> {
  checkLadderOptions(epsilon, sample.labels.length);
  const rung = rungById(id);
  if (!rung) throw new Error(`no rung named ${JSON.stringify(String(id).slice(0, 40))}; the rungs: ${LADDER.map((r) => r.id).join(', ')}`);
  const started = performance.now();
  const images = await rungImages(model, sample, epsilon, rung, options, rung.restarts > 1 ? pgd40 : undefined);
  const s = await score(model, images, sample.labels, options);
  return {
    images,
    result: { id: rung.id, label: rung.label, epsilon, count: sample.labels.length, ...s, gradients: rung.gradients, seconds: (performance.now() - started) / 1000 },
  };
}

export interface AttackLadder {
  model: string;
  epsilon: number;
  count: number;
  rungs: RungResult[];
  seconds: number;
}

/** Every rung, in order (progress over the whole ladder, weighted by gradient passes). */
export async function attackLadder(model: Model, sample: DigitSample, epsilon: number, options: LadderOptions = {}): Promise<AttackLadder> {
  const started = performance.now();
  const cost = (r: RungSpec) => Math.max(1, r.id === LADDER[LADDER.length - 1].id ? r.gradients - r.steps : r.gradients);
  const total = LADDER.reduce((s, r) => s + cost(r), 0);
  let done = 0;
  let pgd40: Float32Array | undefined;
  const rungs: RungResult[] = [];
  for (const rung of LADDER) {
    const r = await ladderRung(model, sample, epsilon, rung.id, { ...options, onProgress: (f, label) => options.onProgress?.((done + f * cost(rung)) / total, label) }, pgd40);
    if (rung.kind === 'pgd' && rung.steps === MAX_STEPS && rung.restarts === 1) pgd40 = r.images;
    rungs.push(r.result);
    done += cost(rung);
  }
  return { model: model.name, epsilon, count: sample.labels.length, rungs, seconds: (performance.now() - started) / 1000 };
}

export interface LadderAttack {
  /** The attacked digit, 784 pixels in [0, 1]. */
  image: Float32Array;
  probabilities: Float32Array;
  predicted: number;
  /** J(θ, x̃, y), the cross-entropy at the attacked digit. */
  loss: number;
}

export interface LadderDigit {
  label: number;
  epsilon: number;
  clean: LadderAttack;
  fgsm: LadderAttack;
  /** PGD-40 (step 2.5ε/40) from a seeded random start, on this digit alone. */
  pgd: LadderAttack;
  /** Along PGD-40: the loss and the true-class probability at the start (0) and after each step. */
  trace: { loss: Float32Array; trueProbability: Float32Array; predicted: Int32Array };
}

/**
 * One digit through FGSM and PGD-40: both images with the model's answers, and
 * the loss along PGD's iterations (where FGSM's single step lands is the level
 * to beat).
 */
export async function ladderDigit(model: Model, pixels: Float32Array, label: number, epsilon: number): Promise<LadderDigit> {
  checkLadderOptions(epsilon, 1);
  const x = tf.tensor2d(pixels, [1, PIXELS]);
  const y = tf.tensor1d([label], 'int32');
  const losses: tf.Tensor[] = [];
  const probs: tf.Tensor[] = [];
  // in tidy: a model's loss leaves intermediate tensors behind when called outside one
  const record = (xi: tf.Tensor2D) => {
    losses.push(tf.tidy(() => model.fns.loss(model.params, xi, y)));
    probs.push(tf.tidy(() => model.fns.probabilities(model.params, xi)));
  };
  const attackOf = async (image: tf.Tensor2D): Promise<LadderAttack> => {
    const loss = tf.tidy(() => model.fns.loss(model.params, image, y));
    const p = tf.tidy(() => model.fns.probabilities(model.params, image));
    const [img, pr, l] = await Promise.all([image.data(), p.data(), loss.data()]);
    tf.dispose([loss, p]);
    const probabilities = pr as Float32Array;
    return { image: img as Float32Array, probabilities, predicted: argmaxOf(probabilities), loss: l[0] };
  };
  try {
    const clean = await attackOf(x);
    const f = fgsm(model.fns, model.params, x, y, epsilon, { clip: true });
    const fg = await attackOf(f.adversarial);
    tf.dispose([f.direction, f.adversarial]);
    const last = pgd(model.fns, model.params, x, y, { epsilon, stepSize: pgdStepSize(epsilon, MAX_STEPS), steps: MAX_STEPS, randomStart: true, seed: LADDER_SEED, clip: true }, (_, xi) => record(xi));
    const pg = await attackOf(last);
    last.dispose();
    const lossAll = tf.tidy(() => tf.concat(losses.map((l) => l.reshape([1]))));
    const probAll = tf.tidy(() => tf.concat(probs));
    const [lv, pv] = await Promise.all([lossAll.data(), probAll.data()]);
    tf.dispose([lossAll, probAll]);
    const classes = probs[0].shape[1] as number;
    const steps = losses.length;
    const trueProbability = new Float32Array(steps);
    const predicted = new Int32Array(steps);
    for (let i = 0; i < steps; i++) {
      const row = (pv as Float32Array).subarray(i * classes, (i + 1) * classes);
      trueProbability[i] = row[label];
      predicted[i] = argmaxOf(row);
    }
    return { label, epsilon, clean, fgsm: fg, pgd: pg, trace: { loss: Float32Array.from(lv), trueProbability, predicted } };
  } finally {
    tf.dispose([x, y, ...losses, ...probs]);
  }
}

function argmaxOf(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

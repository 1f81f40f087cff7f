/**
 * §8, row 15 of the paper's table: FGSM examples made on the maxout network,
 * fed to softmax regression and to the RBF network. The agreement numbers are
 * row 15's own (`row15` in reproduce.ts, called here, never copied); beside
 * them, how often each model errs on those examples, and the section's
 * explanation made measurable: each model's *effective linear weights*, the
 * input gradient of its class score averaged per class over the sample,
 *
 *     w_c = mean over the digits x of class c of ∇ₓ (z_c(x) − mean_k z_k(x)),
 *
 * (z the logits; subtracting their mean removes what all classes share, which
 * a softmax ignores), and the cosine similarity of two models' w_c. For
 * softmax regression w_c is exactly W_c − mean_k W_k at every x.
 */
import * as tf from '@tensorflow/tfjs';
import { CancelledError, percent, summarise, type Model } from './batch.ts';
import { row15, type Clip, type DigitSample, type Reproduction, type RowResult } from './reproduce.ts';

export const AGREEMENT_MODELS = ['maxout', 'softmax', 'rbf'] as const;
export type AgreementModel = (typeof AGREEMENT_MODELS)[number];

export interface EffectiveWeights {
  /** classes × 784, row c the mean input gradient of z_c − z̄ over the sample's digits of class c. */
  weights: Float32Array;
  /** Digits of each class in the sample. */
  counts: Int32Array;
  classes: number;
}

/** The class-score gradient ∇ₓ(z_y − z̄) at each row of x, for its own label y. */
export function classScoreGradient(model: Model, x: tf.Tensor2D, y: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() =>
    tf.grad((xi: tf.Tensor) => {
      const z = model.fns.logits(model.params, xi as tf.Tensor2D);
      const centred = tf.sub(z, tf.mean(z, 1, true));
      return tf.sum(tf.mul(centred, tf.oneHot(y, z.shape[1])));
    })(x) as tf.Tensor2D,
  );
}

export async function effectiveWeights(
  model: Model,
  sample: DigitSample,
  options: { batchSize?: number; onBatch?: (done: number) => void; cancelled?: () => boolean } = {},
): Promise<EffectiveWeights> {
  const n = sample.labels.length;
  const classes = 10;
  const bs = options.batchSize ?? 250;
  const sums = new Float64Array(classes * 784);
  const counts = new Int32Array(classes);
  for (let start = 0; start < n; start += bs) {
    if (options.cancelled?.()) throw new CancelledError();
    const end = Math.min(n, start + bs);
    const labels = Array.from(sample.labels.subarray(start, end));
    const g = tf.tidy(() => {
      const x = tf.tensor2d(sample.pixels.subarray(start * 784, end * 784), [end - start, 784]);
      const y = tf.tensor1d(labels, 'int32');
      // the sum of each class's rows in one matMul: onehotᵀ · ∇
      return tf.matMul(tf.oneHot(y, classes).toFloat(), classScoreGradient(model, x, y), true, false);
    });
    const values = (await g.data()) as Float32Array;
    g.dispose();
    for (let i = 0; i < values.length; i++) sums[i] += values[i];
    for (const l of labels) counts[l]++;
    options.onBatch?.(end);
  }
  const weights = new Float32Array(classes * 784);
  for (let c = 0; c < classes; c++) for (let i = 0; i < 784; i++) weights[c * 784 + i] = counts[c] ? sums[c * 784 + i] / counts[c] : 0;
  return { weights, counts, classes };
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

export interface WeightSimilarity {
  pair: [AgreementModel, AgreementModel];
  /** cos(w_c^A, w_c^B) for each class c. */
  perClass: number[];
  /** The cosine of all ten classes' weights at once (the 7,840-number vectors). */
  overall: number;
}

export function weightSimilarities(weights: Record<AgreementModel, EffectiveWeights>): WeightSimilarity[] {
  const pairs: [AgreementModel, AgreementModel][] = [['maxout', 'softmax'], ['maxout', 'rbf'], ['softmax', 'rbf']];
  return pairs.map(([a, b]) => {
    const wa = weights[a].weights, wb = weights[b].weights;
    const perClass = Array.from({ length: 10 }, (_, c) => cosine(wa.subarray(c * 784, (c + 1) * 784), wb.subarray(c * 784, (c + 1) * 784)));
    return { pair: [a, b], perClass, overall: cosine(wa, wb) };
  });
}

export interface AgreementFigure {
  /** Row 15 of the reproduction, as reproduce.ts computes it (clipped in `site`, unclipped in `siteUnclipped`). */
  rows: RowResult[];
  /** Error of each model on the FGSM examples made on maxout, percent. */
  errors: Record<AgreementModel, { clipped: number; unclipped: number }>;
  /** Digits the maxout network gets wrong after its own attack. */
  sample: number;
  weights: Record<AgreementModel, EffectiveWeights>;
  similarities: WeightSimilarity[];
}

/**
 * Row 15 through its own function, each model's error on the same examples
 * (read from the reproduction's cache, so nothing is attacked twice), and the
 * models' effective weights on the clean sample.
 */
export async function agreementFigure(r: Reproduction, options: { onWeights?: (fraction: number, label: string) => void } = {}): Promise<AgreementFigure> {
  const rows = await row15(r);
  const labels = r.options.test.labels;
  const errors = {} as AgreementFigure['errors'];
  for (const name of AGREEMENT_MODELS) {
    const [c, u] = await Promise.all((['clipped', 'unclipped'] as const).map(async (clip) => summarise(await r.predictions(name, { madeOn: 'maxout', clip }), labels).error));
    errors[name] = { clipped: c, unclipped: u };
  }
  const weights = {} as AgreementFigure['weights'];
  const n = labels.length;
  for (let m = 0; m < AGREEMENT_MODELS.length; m++) {
    const name = AGREEMENT_MODELS[m];
    const model = await r.model(name);
    weights[name] = await effectiveWeights(model, r.options.test, {
      cancelled: r.options.cancelled,
      onBatch: (done) => options.onWeights?.((m + done / n) / AGREEMENT_MODELS.length, `${name}: input gradients, ${done} of ${n} digits`),
    });
  }
  return { rows, errors, sample: n, weights, similarities: weightSimilarities(weights) };
}

/** A number in the two settings the figure shows: examples clipped to [0, 1], and not. */
export interface Clipped {
  clipped: number;
  unclipped: number;
}

/**
 * One more reader of maxout's FGSM examples (a model the reader brought): the figure's numbers for it, counted as
 * row 15 counts them for softmax and RBF (`agreementOnMaxoutExamples`), and its effective linear weights, the same
 * mean input gradient of z_c − z̄ as the shipped models' (defined for any differentiable model), set beside theirs.
 */
export interface ReaderOnMaxout {
  model: string;
  sample: number;
  /** Its error on the FGSM examples made on maxout, percent. */
  error: Clipped;
  /** Of the digits maxout gets wrong, the share where it picks maxout's class, percent. */
  picksMaxoutClass: Clipped;
  /** Of the digits both it and the shipped model get wrong, the share where they pick the same class, percent. */
  agreesWhenBothErr: Record<AgreementModel, Clipped>;
  weights: EffectiveWeights;
  /** cos(w_c) of its effective weights with each shipped model's, per class and over all ten. */
  similarities: { other: AgreementModel; perClass: number[]; overall: number }[];
}

export async function readerOnMaxout(
  r: Reproduction,
  name: string,
  options: { onWeights?: (fraction: number, label: string) => void } = {},
): Promise<ReaderOnMaxout> {
  const labels = r.options.test.labels;
  const n = labels.length;
  const error = {} as Clipped;
  const picksMaxoutClass = {} as Clipped;
  const agreesWhenBothErr = Object.fromEntries(AGREEMENT_MODELS.map((m) => [m, {} as Clipped])) as Record<AgreementModel, Clipped>;
  for (const clip of ['clipped', 'unclipped'] as const satisfies Clip[]) {
    const mine = await r.predictions(name, { madeOn: 'maxout', clip });
    const other = Object.fromEntries(await Promise.all(AGREEMENT_MODELS.map(async (m) => [m, await r.predictions(m, { madeOn: 'maxout', clip })] as const)));
    error[clip] = summarise(mine, labels).error;
    let maxoutErrs = 0, picks = 0;
    for (let i = 0; i < n; i++) {
      if (other.maxout.predicted[i] === labels[i]) continue;
      maxoutErrs++;
      if (mine.predicted[i] === other.maxout.predicted[i]) picks++;
    }
    picksMaxoutClass[clip] = percent(picks, maxoutErrs);
    for (const m of AGREEMENT_MODELS) {
      let both = 0, same = 0;
      for (let i = 0; i < n; i++) {
        if (mine.predicted[i] === labels[i] || other[m].predicted[i] === labels[i]) continue;
        both++;
        if (mine.predicted[i] === other[m].predicted[i]) same++;
      }
      agreesWhenBothErr[m][clip] = percent(same, both);
    }
  }
  const all = [...AGREEMENT_MODELS, name];
  const weights: EffectiveWeights[] = [];
  for (const [k, m] of all.entries()) {
    weights.push(
      await effectiveWeights(await r.model(m), r.options.test, {
        cancelled: r.options.cancelled,
        onBatch: (done) => options.onWeights?.((k + done / n) / all.length, `${m}: input gradients, ${done} of ${n} digits`),
      }),
    );
  }
  const mine = weights[AGREEMENT_MODELS.length].weights;
  const similarities = AGREEMENT_MODELS.map((other, k) => {
    const w = weights[k].weights;
    return { other, perClass: Array.from({ length: 10 }, (_, c) => cosine(mine.subarray(c * 784, (c + 1) * 784), w.subarray(c * 784, (c + 1) * 784))), overall: cosine(mine, w) };
  });
  return { model: name, sample: n, error, picksMaxoutClass, agreesWhenBothErr, weights: weights[AGREEMENT_MODELS.length], similarities };
}

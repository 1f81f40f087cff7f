/**
 * agreement's results computed ahead (`npm run ahead`, kit/ahead.ts): row 15 and the three models' effective weights
 * on the default sample, the one request the figure's default state and every scroll step ask for (the steps change
 * only the clip setting and the highlighted panel, and the answer holds both settings). Each class's weight image is
 * 8-bit with its own scale (the figure draws each scaled to its own largest |w|). No TensorFlow.js here (page-side).
 */
import { rounded, type AheadPlan, decodeRows, encodeRows, type AheadRow } from '../kit/ahead.ts';
import { decodeSigned8, encodeSigned8, type Signed8 } from '../kit/finished.ts';
import type { AgreementModel, EffectiveWeights } from '../../lib/analysis/agreement.ts';
import { agreement as table, agreementSteps } from './state.ts';
import { agreement, type AgreementResult } from './api.ts';

export interface AheadAgreement extends Omit<AgreementResult, 'rows' | 'weights'> {
  rows: AheadRow[];
  /** Each model's effective weights: one 8-bit image per class, each with its own scale, and the digits of each class. */
  weights: Record<AgreementModel, { classes: number; counts: number[]; images: Signed8[] }>;
}

/** The samples the default state and the steps ask for, each once. */
const samples = [...new Set([table.sample.default, ...agreementSteps.map((s) => s.sample ?? table.sample.default)])].map(Number);

export const plan: AheadPlan = {
  figure: 'agreement',
  asks: samples.map((sample) => ({
    request: agreement.name,
    key: { sample },
    models: ['maxout', 'softmax', 'rbf'],
    // FGSM on maxout for 1,000 digits, two readers and three models' input gradients: seconds in Node
    cheap: sample === Number(table.sample.default),
  })),
  encode(_request, result) {
    const r = result as AgreementResult;
    const weights = (w: EffectiveWeights) => ({
      classes: w.classes,
      counts: Array.from(w.counts),
      images: Array.from({ length: w.classes }, (_, c) => encodeSigned8(w.weights.subarray(c * 784, (c + 1) * 784))),
    });
    const pair = (x: { clipped: number; unclipped: number }) => ({ clipped: rounded(x.clipped, 2), unclipped: rounded(x.unclipped, 2) });
    return {
      sample: r.sample,
      rows: encodeRows(r.rows),
      errors: { maxout: pair(r.errors.maxout), softmax: pair(r.errors.softmax), rbf: pair(r.errors.rbf) },
      weights: { maxout: weights(r.weights.maxout), softmax: weights(r.weights.softmax), rbf: weights(r.weights.rbf) },
      similarities: r.similarities.map((s) => ({ pair: s.pair, perClass: s.perClass.map((v) => rounded(v, 4)), overall: rounded(s.overall, 4) })),
    } satisfies AheadAgreement;
  },
};

export function decodeAgreement(e: AheadAgreement): AgreementResult {
  const weights = (w: AheadAgreement['weights'][AgreementModel]): EffectiveWeights => {
    const out = new Float32Array(w.classes * 784);
    w.images.forEach((img, c) => out.set(decodeSigned8(img), c * 784));
    return { weights: out, counts: Int32Array.from(w.counts), classes: w.classes };
  };
  return {
    ...e,
    rows: decodeRows(e.rows),
    weights: { maxout: weights(e.weights.maxout), softmax: weights(e.weights.softmax), rbf: weights(e.weights.rbf) },
  };
}

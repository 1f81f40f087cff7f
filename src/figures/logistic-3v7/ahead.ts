/**
 * logistic-3v7's results computed ahead (`npm run ahead`, kit/ahead.ts): the exact answer (every test 3 and 7) at the
 * default state and at each scroll step's, as the figure asks for them; the coarse answers of a drag are not. Kept
 * small: w as an 8-bit image (as it is drawn), sign(w) two bits a pixel, the clean digits 8-bit with runs of black
 * written as their length, and each attacked digit as the direction each pixel moved (−ε, 0 or +ε, clipped to
 * [0, 1] again when read). No TensorFlow.js here (page-side).
 */
import { uniqueAsks, finiteOrNull, rounded, type AheadPlan, decodeRows, encodeRows, type AheadRow } from '../kit/ahead.ts';
import { decodeSigned8, encodeSigned8, type Signed8 } from '../kit/finished.ts';
import { decodeInk, encodeInk, packTrits, unpackTrits } from '../kit/ahead-codecs.ts';
import type { AttackSummary } from '../../lib/analysis/batch.ts';
import type { Logistic3v7Figure } from '../../lib/analysis/logistic-3v7.ts';
import { logistic3v7 as table, logistic3v7Steps } from './state.ts';
import { logistic3v7 } from './api.ts';

export interface AheadLogistic {
  model: string;
  epsilon: number;
  /** w, 8-bit (kit/finished.ts's signed images). */
  weights: Signed8;
  bias: number;
  /** sign(w), two bits a pixel (kit/ahead-codecs.ts). */
  sign: string;
  l1: number;
  clean: AttackSummary;
  fgsm: { clipped: AttackSummary; unclipped: AttackSummary };
  digits: {
    testIndex: number[];
    labels: number[];
    /** The clean digits, 8-bit, runs of black as their length (kit/ahead-codecs.ts). */
    clean: string;
    cleanPredicted: number[];
    cleanConfidence: number[];
    /** For each pixel of each shown digit, which way FGSM moved it (−1, 0, +1, kit/ahead-codecs.ts): clip(clean + ε · it). */
    moved: string;
    adversarialPredicted: number[];
    adversarialConfidence: number[];
  };
  row5: AheadRow[] | null;
}

const clip01 = (v: number) => Math.min(1, Math.max(0, v));

/** Which way FGSM moved each pixel: the attacked digits must be clip(clean + ε · moved), else this throws. */
function movedBy(clean: Float32Array, adversarial: Float32Array, epsilon: number): number[] {
  return Array.from(clean, (c, i) => {
    const a = adversarial[i];
    const m = a > c + 1e-6 ? 1 : a < c - 1e-6 ? -1 : 0;
    if (Math.abs(clip01(c + epsilon * m) - a) > 1e-5) throw new RangeError(`pixel ${i}: ${a} is not ${c} moved by ±${epsilon} and clipped`);
    return m;
  });
}

const summary = (s: AttackSummary): AttackSummary => ({ ...s, error: rounded(s.error, 3), confidenceOnMistakes: rounded(s.confidenceOnMistakes, 2), meanConfidence: rounded(s.meanConfidence, 2) });

export const plan: AheadPlan = {
  figure: 'logistic-3v7',
  asks: (() => {
    const d = { eps: table.eps.default, model: table.model.default as string };
    return uniqueAsks([d, ...logistic3v7Steps.map((s) => ({ ...d, ...s }))].map((s) => {
      const key = { model: s.model, epsilon: s.eps };
      // each a fraction of a second in Node: the clean step (ε = 0) is checked again
      return { request: logistic3v7.name, key, models: [s.model], cheap: s.eps === 0 };
    }));
  })(),
  encode(_request, result) {
    const r = result as Logistic3v7Figure;
    const d = r.digits;
    // the clean digits as they are read back: the attacked ones are checked against those
    const clean = decodeInk(encodeInk(d.clean), d.clean.length);
    return {
      model: r.model,
      epsilon: r.epsilon,
      weights: encodeSigned8(r.weights),
      bias: rounded(r.bias, 5),
      sign: packTrits(r.sign),
      l1: rounded(r.l1, 3),
      clean: summary(r.clean),
      fgsm: { clipped: summary(r.fgsm.clipped), unclipped: summary(r.fgsm.unclipped) },
      digits: {
        testIndex: d.testIndex,
        labels: d.labels,
        clean: encodeInk(d.clean),
        cleanPredicted: d.cleanPredicted,
        cleanConfidence: d.cleanConfidence.map((c) => rounded(c, 3)),
        moved: packTrits(movedBy(clean, d.adversarial, r.epsilon)),
        adversarialPredicted: d.adversarialPredicted,
        adversarialConfidence: d.adversarialConfidence.map((c) => rounded(c, 3)),
      },
      row5: r.row5 ? encodeRows(r.row5, (v) => finiteOrNull(v, 3)) : null,
    } satisfies AheadLogistic;
  },
};

export function decodeLogistic(e: AheadLogistic): Logistic3v7Figure {
  const n = e.digits.testIndex.length * 784;
  const clean = decodeInk(e.digits.clean, n);
  const moved = unpackTrits(e.digits.moved, n);
  return {
    ...e,
    weights: decodeSigned8(e.weights),
    sign: unpackTrits(e.sign, 784),
    digits: { ...e.digits, clean, adversarial: clean.map((c, i) => clip01(c + e.epsilon * moved[i])) },
    row5: e.row5 ? decodeRows(e.row5) : null,
  };
}

/**
 * rubbish-inputs' results computed ahead (`npm run ahead`, kit/ahead.ts): the three models on the default count of
 * seeded noise inputs at the default σ and at each scroll step's, as the figure asks for them. The noise images shown
 * are kept clipped to [0, 1] and 8-bit, as the figure draws them. No TensorFlow.js here (page-side).
 */
import { uniqueAsks, decodeUnit8, encodeUnit8, rounded, type AheadPlan, decodeRows, encodeRows, type AheadRow } from '../kit/ahead.ts';
import { RUBBISH_MODELS } from '../../lib/analysis/page-values.ts';
import { rubbishInputs as table, rubbishInputsSteps } from './state.ts';
import { rubbishInputs, type RubbishInputsResult } from './api.ts';

export interface AheadRubbish extends Omit<RubbishInputsResult, 'rows' | 'images' | 'answers'> {
  rows: AheadRow[];
  /** The noise images shown, clipped to [0, 1], 8-bit base64. */
  images: string;
  answers: Record<string, { predicted: number[]; confidence: number[] }>;
}

export const plan: AheadPlan = {
  figure: 'rubbish-inputs',
  asks: (() => {
    const d = { sigma: table.sigma.default, count: table.count.default as string, seed: table.seed.default };
    const states = [d, ...rubbishInputsSteps.map((s) => ({ ...d, ...s }))];
    return uniqueAsks(states.map((s) => {
      const key = { sigma: s.sigma, count: Number(s.count), seed: s.seed };
      // the three models on 10,000 inputs: a few seconds in Node; the default state's is checked again
      return { request: rubbishInputs.name, key, models: [...RUBBISH_MODELS], cheap: s === d };
    }));
  })(),
  encode(_request, result) {
    const r = result as RubbishInputsResult;
    return {
      sigma: r.sigma,
      count: r.count,
      seed: r.seed,
      extra: r.extra,
      models: Object.fromEntries(Object.entries(r.models).map(([k, m]) => [k, { ...m, rate: rounded(m.rate, 2), confidence: rounded(m.confidence, 2) }])) as RubbishInputsResult['models'],
      rows: encodeRows(r.rows),
      images: encodeUnit8(r.images),
      answers: Object.fromEntries(Object.entries(r.answers).map(([k, a]) => [k, { predicted: Array.from(a.predicted), confidence: Array.from(a.confidence, (c) => rounded(c, 3)) }])),
    } satisfies AheadRubbish;
  },
};

export function decodeRubbish(e: AheadRubbish): RubbishInputsResult {
  return {
    ...e,
    rows: decodeRows(e.rows),
    images: decodeUnit8(e.images),
    answers: Object.fromEntries(Object.entries(e.answers).map(([k, a]) => [k, { predicted: Int32Array.from(a.predicted), confidence: Float32Array.from(a.confidence) }])) as RubbishInputsResult['answers'],
  };
}

/**
 * ensembles' results computed ahead (`npm run ahead`, kit/ahead.ts): row 17 on the default sample at the default ε
 * and at each scroll step's, as the figure asks for them. No TensorFlow.js here (page-side).
 */
import { rounded, type AheadPlan, decodeRows, encodeRows, type AheadRow } from '../kit/ahead.ts';
import { ensembles as table, ensemblesSteps } from './state.ts';
import { ensembles, type EnsemblesResult } from './api.ts';

export type AheadEnsembles = Omit<EnsemblesResult, 'rows'> & { rows: AheadRow[] };

export const plan: AheadPlan = {
  figure: 'ensembles',
  asks: [...new Set([table.eps.default, ...ensemblesSteps.map((s) => s.eps ?? table.eps.default)])].map((epsilon) => ({
    request: ensembles.name,
    key: { epsilon, sample: Number(table.sample.default) },
    models: ['ensemble'],
    // at ε = 0 no attack moves a digit: the twelve members' forward passes alone, cheap enough to check again
    cheap: epsilon === 0,
  })),
  encode(_request, result) {
    const r = result as EnsemblesResult;
    return {
      epsilon: r.epsilon,
      sample: r.sample,
      members: r.members,
      rows: encodeRows(r.rows),
      clean: rounded(r.clean, 2),
      memberOnItself: { clipped: rounded(r.memberOnItself.clipped, 2), unclipped: rounded(r.memberOnItself.unclipped, 2) },
    } satisfies AheadEnsembles;
  },
};

export function decodeEnsembles(e: AheadEnsembles): EnsemblesResult {
  return { ...e, rows: decodeRows(e.rows) };
}

/**
 * ensembles' results computed ahead (`npm run ahead`, kit/ahead.ts): row 17 on the default sample at the default ε
 * and at each scroll step's, as the figure asks for them. No TensorFlow.js here (page-side).
 */
import { finiteOrNull, nullAsNaN, rounded, type AheadPlan } from '../kit/ahead.ts';
import type { RowResult } from '../../lib/analysis/reproduce.ts';
import { ensembles as table, ensemblesSteps } from './state.ts';
import { ensembles, type EnsemblesResult } from './api.ts';

/** A row as JSON holds it: NaN (a setting the row does not have) as null. */
type AheadRow = Omit<RowResult, 'site' | 'siteUnclipped' | 'sitePaperSetting'> & { site: number | null; siteUnclipped: number | null; sitePaperSetting: number | null };
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
      rows: r.rows.map((x) => ({ ...x, site: finiteOrNull(x.site), siteUnclipped: finiteOrNull(x.siteUnclipped), sitePaperSetting: finiteOrNull(x.sitePaperSetting) })),
      clean: rounded(r.clean, 2),
      memberOnItself: { clipped: rounded(r.memberOnItself.clipped, 2), unclipped: rounded(r.memberOnItself.unclipped, 2) },
    } satisfies AheadEnsembles;
  },
};

export function decodeEnsembles(e: AheadEnsembles): EnsemblesResult {
  return { ...e, rows: e.rows.map((x) => ({ ...x, site: nullAsNaN(x.site), siteUnclipped: nullAsNaN(x.siteUnclipped), sitePaperSetting: nullAsNaN(x.sitePaperSetting) })) };
}

/**
 * The table `npm run reproduce -- --save` computed in Node (wasm) from the shipped models (computed.json, checked
 * against the shipped weights' hashes by tests/unit/reproduce-computed.test.ts), as the rows the worker answers with:
 * what reproduce-table and adversarial-training-results show before the browser has computed its own. No
 * TensorFlow.js here (page-side).
 */
import type { RowResult } from '../../lib/analysis/reproduce.ts';
import computed from './computed.json';

export interface ComputedAhead {
  /** The first `sample` official test digits (all 10,000) for the paper's rows. */
  sample: number;
  /** The first `beyondSample` for the rows beyond the paper (R+FGSM, PGD). */
  beyondSample: number;
  /** The backend Node computed on. */
  backend: string;
  rows: RowResult[];
}

/** A number JSON could not hold: NaN (a setting a row does not have) was written as null. */
const num = (v: number | null): number => (v === null ? NaN : v);

/** The rows as RowResult[]: siteUnclipped and sitePaperSetting NaN where the JSON has null, as the worker's answer has them. */
export const computedAhead: ComputedAhead = {
  sample: computed.sample,
  beyondSample: computed.beyondSample,
  backend: computed.backend,
  rows: (computed.rows as (Omit<RowResult, 'site' | 'siteUnclipped' | 'sitePaperSetting'> & { site: number | null; siteUnclipped: number | null; sitePaperSetting: number | null })[]).map((r) => ({
    ...r,
    site: num(r.site),
    siteUnclipped: num(r.siteUnclipped),
    sitePaperSetting: num(r.sitePaperSetting),
  })),
};

/** The paper's results table recomputed in the worker: reproduce-table and adversarial-training-results ask for it. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { RowResult } from '../../lib/analysis/reproduce.ts';

export interface ReproduceRequest {
  /** The first `sample` official test digits. */
  sample: number;
  /** The paper's row numbers, or the names of the rows beyond the paper ("pgd", …); all when absent. */
  rows?: (number | string)[];
  /** Digits for the rows beyond the paper (at most `sample`; default 1,000 or `sample` when smaller; 0 leaves them out). */
  beyondSample?: number;
  /** Also compute each FGSM row in the paper's setting (default true; a figure that does not show it leaves it out). */
  paperSetting?: boolean;
  /** Also compute rows 2, 7, 10, 11, 12 and 15 on the networks trained with the paper's recipe, where shipped (default true). */
  paperRecipe?: boolean;
}

export interface ReproduceResult {
  rows: RowResult[];
  sample: number;
}

export const reproduce = defineRequest<ReproduceRequest, ReproduceResult>('reproduce');

/** The rows that apply to any classifier (`anyClassifierRows`), on a model the reader brought (yours:NAME). */
export interface ReproduceYoursRequest {
  model: string;
  /** The first `sample` official test digits. */
  sample: number;
}

export interface ReproduceYoursResult {
  model: string;
  sample: number;
  rows: RowResult[];
}

export const reproduceYours = defineRequest<ReproduceYoursRequest, ReproduceYoursResult>('reproduceYours');

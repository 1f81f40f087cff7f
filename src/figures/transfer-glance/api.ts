/** §2's transfer at a glance: the request transfer-glance sends. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { TransferDigit, TransferMatrix } from '../../lib/analysis/transfer-glance.ts';

/** FGSM digits made on each model and scored by all of them: over the first `sample` test digits, and for one digit. */
export interface TransferGlanceRequest {
  epsilon: number;
  /** The first `sample` test digits. */
  sample: number;
  /** The test digit shown on its own. */
  digit: number;
  /** A drawing's code (src/lib/data/drawing-code.ts), shown on its own instead of the test digit; '' or absent for none. */
  drawn?: string;
  /** A model the reader brought (yours:NAME), one more row and column beside the shipped three; absent for none. */
  yours?: string;
}

export interface TransferGlanceResult {
  epsilon: number;
  digit: number;
  /** The drawing shown on its own ('' for the test digit). */
  drawn: string;
  /** The reader's model among the models, or null. */
  yours: string | null;
  matrix: TransferMatrix;
  one: TransferDigit;
  clean: Float32Array;
}

export const transferGlance = defineRequest<TransferGlanceRequest, TransferGlanceResult>('transferGlance');

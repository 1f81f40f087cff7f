/** §2's transfer at a glance: the request transfer-glance sends. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { TransferDigit, TransferMatrix } from '../../lib/analysis/transfer-glance.ts';

/** FGSM digits made on each model and scored by all three: over the first `sample` test digits, and for one digit. */
export interface TransferGlanceRequest {
  epsilon: number;
  /** The first `sample` test digits. */
  sample: number;
  /** The test digit shown on its own. */
  digit: number;
}

export interface TransferGlanceResult {
  epsilon: number;
  digit: number;
  matrix: TransferMatrix;
  one: TransferDigit;
  clean: Float32Array;
}

export const transferGlance = defineRequest<TransferGlanceRequest, TransferGlanceResult>('transferGlance');

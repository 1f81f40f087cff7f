/** §8's row 15 and the models' effective weights: the request agreement sends. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { AgreementFigure } from '../../lib/analysis/agreement.ts';

/** FGSM examples made on maxout, fed to softmax and RBF, on the first `sample` test digits; and each model's effective linear weights. */
export interface AgreementRequest {
  sample: number;
}

export type AgreementResult = AgreementFigure;

export const agreement = defineRequest<AgreementRequest, AgreementResult>('agreement');

/** §8's row 15 and the models' effective weights: the request agreement sends. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { AgreementFigure, ReaderOnMaxout } from '../../lib/analysis/agreement.ts';

/** FGSM examples made on maxout, fed to softmax and RBF, on the first `sample` test digits; and each model's effective linear weights. */
export interface AgreementRequest {
  sample: number;
}

export type AgreementResult = AgreementFigure;

export const agreement = defineRequest<AgreementRequest, AgreementResult>('agreement');

/** A model the reader brought (yours:NAME) as one more reader of maxout's FGSM examples, on the first `sample` test digits. */
export interface AgreementYoursRequest {
  sample: number;
  model: string;
}

export type AgreementYoursResult = ReaderOnMaxout;

export const agreementYours = defineRequest<AgreementYoursRequest, AgreementYoursResult>('agreementYours');

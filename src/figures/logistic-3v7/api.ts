/** Logistic regression on 3 vs 7 (§5, the paper's Fig. 2): the request logistic-3v7 sends. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { Logistic3v7Figure } from '../../lib/analysis/logistic-3v7.ts';

/** A shipped 3-vs-7 logistic regression attacked with FGSM at ε, on all 2,038 test 3s and 7s. */
export interface Logistic3v7Request {
  model: string;
  epsilon: number;
}

export const logistic3v7 = defineRequest<Logistic3v7Request, Logistic3v7Figure>('logistic3v7');

/** Logistic regression on 3 vs 7 (§5, the paper's Fig. 2): the request logistic-3v7 sends. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { Logistic3v7Figure } from '../../lib/analysis/logistic-3v7.ts';

/** A shipped 3-vs-7 logistic regression attacked with FGSM at ε, on all 2,038 test 3s and 7s. */
export interface Logistic3v7Request {
  model: string;
  epsilon: number;
  /**
   * The first N official test digits the errors are counted on: 10,000 (the default, every test 3 and 7, the
   * paper's numbers) or 1,000 (the first 206 of them, a few ms: the coarse answer shown while ε is dragged).
   */
  sample?: number;
}

/** The coarse answer's sample: the first 1,000 test digits, which hold the ten digits shown. */
export const COARSE_SAMPLE = 1000;
/** Every test digit. */
export const FULL_SAMPLE = 10000;

export const logistic3v7 = defineRequest<Logistic3v7Request, Logistic3v7Figure>('logistic3v7');

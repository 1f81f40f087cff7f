/** Appendix A's rubbish inputs: the request rubbish-inputs sends. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { RubbishFigure } from '../../lib/analysis/rubbish-inputs.ts';

/** `count` seeded Gaussian inputs N(0, σ²I) scored by softmax, maxout and RBF (rows 18 and 20 at this σ). */
export interface RubbishInputsRequest {
  sigma: number;
  count: number;
  seed: number;
  /** A model the reader brought (yours:NAME), shown the same noise beside the three; absent for none. */
  extra?: string;
}

export type RubbishInputsResult = RubbishFigure;

export const rubbishInputs = defineRequest<RubbishInputsRequest, RubbishInputsResult>('rubbishInputs');

/** §9's row 17 live: the request ensembles sends. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { EnsembleFigure } from '../../lib/analysis/ensembles.ts';

/** Row 17 at ε on the first `sample` test digits: the ensemble attacked as a whole and through one member. */
export interface EnsemblesRequest {
  epsilon: number;
  sample: number;
}

export type EnsemblesResult = EnsembleFigure;

export const ensembles = defineRequest<EnsemblesRequest, EnsemblesResult>('ensembles');

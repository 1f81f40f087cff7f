/** §2's L-BFGS attack beside one FGSM step: the request lbfgs-vs-fgsm sends. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { LbfgsAttackResult } from '../../lib/attacks/lbfgs.ts';
import type { FgsmStep } from '../../lib/analysis/lbfgs-vs-fgsm.ts';

/** One test digit attacked by L-BFGS towards `target` and by one FGSM step of size ε, on one model. */
export interface LbfgsVsFgsmRequest {
  model: string;
  digit: number;
  target: number;
  epsilon: number;
}

export interface LbfgsVsFgsmResult {
  model: string;
  digit: number;
  label: number;
  target: number;
  epsilon: number;
  clean: Float32Array;
  cleanProbabilities: Float32Array;
  lbfgs: Omit<LbfgsAttackResult, 'target'>;
  fgsm: Omit<FgsmStep, 'epsilon'>;
}

export const lbfgsVsFgsm = defineRequest<LbfgsVsFgsmRequest, LbfgsVsFgsmResult>('lbfgsVsFgsm');

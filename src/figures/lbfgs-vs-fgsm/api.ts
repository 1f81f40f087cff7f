/** §2's L-BFGS attack beside one FGSM step: the request lbfgs-vs-fgsm sends. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { LbfgsAttackResult } from '../../lib/attacks/lbfgs.ts';
import type { FgsmStep } from '../../lib/analysis/lbfgs-vs-fgsm.ts';

/** One test digit attacked by L-BFGS towards `target` and by one FGSM step of size ε, on one model. */
export interface LbfgsVsFgsmRequest {
  model: string;
  digit: number;
  /** A drawing's code (src/lib/data/drawing-code.ts), attacked instead of the test digit; '' or absent for none. */
  drawn?: string;
  target: number;
  epsilon: number;
}

export interface LbfgsVsFgsmResult {
  model: string;
  digit: number;
  /** The drawing attacked ('' for the test digit). */
  drawn: string;
  /** The digit's label; for a drawing, the class the model gives it. */
  label: number;
  target: number;
  epsilon: number;
  clean: Float32Array;
  cleanProbabilities: Float32Array;
  lbfgs: Omit<LbfgsAttackResult, 'target'>;
  fgsm: Omit<FgsmStep, 'epsilon'>;
}

export const lbfgsVsFgsm = defineRequest<LbfgsVsFgsmRequest, LbfgsVsFgsmResult>('lbfgsVsFgsm');

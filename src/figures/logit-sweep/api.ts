/** The logit sweep (§8, the paper's Fig. 4): the request logit-sweep sends. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { LogitSweep } from '../../lib/analysis/logit-sweep.ts';

/** One test digit's ten logits along its FGSM direction, ε from −range to range, unclipped. */
export interface LogitSweepRequest {
  model: string;
  digit: number;
  /** A drawing's code (src/lib/data/drawing-code.ts), swept instead of the test digit; '' or absent for none. */
  drawn?: string;
  range: number;
  points: number;
  strip: number;
}

export interface LogitSweepResult extends LogitSweep {
  model: string;
  digit: number;
  /** The digit's label; for a drawing, the class the model gives it. */
  trueLabel: number;
  /** The drawing swept ('' for the test digit). */
  drawn: string;
  range: number;
  /** The test digit x itself. */
  clean: Float32Array;
}

export const logitSweep = defineRequest<LogitSweepRequest, LogitSweepResult>('logitSweep');

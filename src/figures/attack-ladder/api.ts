/** The attack ladder (after 2015): one rung per request, and one digit along PGD. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { LadderDigit, RungResult } from '../../lib/analysis/attack-ladder.ts';

/** One rung of the ladder: the error of a model on the first `sample` test digits under one attack. */
export interface AttackLadderRequest {
  model: string;
  /** The first `sample` test digits. */
  sample: number;
  epsilon: number;
  /** The rung's id (see LADDER in src/lib/analysis/attack-ladder-rungs.ts). */
  rung: string;
}

export interface AttackLadderResult {
  model: string;
  sample: number;
  epsilon: number;
  rung: RungResult;
}

/** One test digit's FGSM and PGD-40 images, and its loss along PGD's iterations. */
export interface AttackLadderDigitRequest {
  model: string;
  digit: number;
  /** A drawing's code (src/lib/data/drawing-code.ts), attacked instead of the test digit; '' or absent for none. */
  drawn?: string;
  epsilon: number;
}

export interface AttackLadderDigitResult extends LadderDigit {
  model: string;
  digit: number;
  /** The drawing attacked ('' for the test digit); its label is the class the model gives it. */
  drawn: string;
}

export const attackLadderRung = defineRequest<AttackLadderRequest, AttackLadderResult>('attackLadder');
export const attackLadderDigit = defineRequest<AttackLadderDigitRequest, AttackLadderDigitResult>('attackLadderDigit');

/** The hero's request: one digit (a test digit or the reader's drawing) and its FGSM example. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { FgsmExample } from '../../lib/attacks/fgsm.ts';

export interface FgsmExampleRequest {
  model: string;
  /** For a reader's model: when it was kept (a new model under an old name is a new request). */
  revision?: string;
  /** 784 pixels in [0, 1], or the index of a test digit. */
  input: { pixels: Float32Array } | { testDigit: number };
  epsilon: number;
}

export interface FgsmExampleResult extends FgsmExample {
  /** The true label when the input is a test digit. */
  trueLabel: number | null;
  model: string;
  epsilon: number;
}

export const fgsmExampleRequest = defineRequest<FgsmExampleRequest, FgsmExampleResult>('fgsmExample');

/** The plane through a digit (§8): the request adversarial-slice and logit-surface send. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { SliceGrid } from '../../lib/analysis/slice.ts';

/** Points per side of the grid (61² = 3,721 points). */
export const SLICE_SIZE = 61;

/** The class map and logits over x + a·sign(∇ₓJ) + b·r through one test digit (r: a seeded random sign vector). */
export interface SliceRequest {
  model: string;
  digit: number;
  /** A drawing's code (src/lib/data/drawing-code.ts), the plane's origin instead of the test digit; '' or absent for none. */
  drawn?: string;
  /** Half-width of the plane, ε units. */
  range: number;
  /** Points per side (odd). */
  size: number;
  seed: number;
  clip: boolean;
}

export interface SliceResult extends SliceGrid {
  model: string;
  digit: number;
  /** The drawing at the origin ('' for the test digit). */
  drawn: string;
  /** The digit's label; for a drawing, the class the model gives it. */
  trueLabel: number;
  /** The digit's pixels (the plane's origin). */
  pixels: Float32Array;
  seed: number;
  clip: boolean;
}

export const slice = defineRequest<SliceRequest, SliceResult>('slice');

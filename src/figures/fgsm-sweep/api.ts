/** FGSM error and confidence against ε (§4): the curves and the point at one ε. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { SweepPoint } from '../../lib/analysis/fgsm-sweep.ts';

/** FGSM error and mean confidence against ε on the first `sample` test digits, clipped and unclipped. */
export interface FgsmSweepRequest {
  model: string;
  /** For a reader's model: when it was kept (a new model under an old name is a new request). */
  revision?: string;
  sample: number;
  epsilons: number[];
}

export interface FgsmSweepResult {
  model: string;
  sample: number;
  clipped: SweepPoint[];
  unclipped: SweepPoint[];
}

/**
 * One ε of the sweep: the first `grid` digits attacked and, with `summary`, the whole sample's
 * error and confidence at exactly that ε (without it, the figure reads them off its curve).
 */
export interface FgsmSweepPointRequest {
  model: string;
  /** As in FgsmSweepRequest. */
  revision?: string;
  sample: number;
  epsilon: number;
  grid: number;
  summary: boolean;
}

/** The first digits of the sample after FGSM at one ε: images, predicted classes and their probabilities. */
export interface FgsmGrid {
  images: Float32Array;
  predicted: Int32Array;
  confidence: Float32Array;
}

export interface FgsmSweepPointResult {
  model: string;
  sample: number;
  epsilon: number;
  /** The whole sample at this ε; null when not asked for. */
  clipped: SweepPoint | null;
  unclipped: SweepPoint | null;
  grid: { labels: Uint8Array; clipped: FgsmGrid; unclipped: FgsmGrid };
}

export const fgsmSweep = defineRequest<FgsmSweepRequest, FgsmSweepResult>('fgsmSweep');
export const fgsmSweepPoint = defineRequest<FgsmSweepPointRequest, FgsmSweepPointResult>('fgsmSweepPoint');

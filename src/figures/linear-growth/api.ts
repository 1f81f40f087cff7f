/**
 * §3's linear growth: the requests the figure sends. No TensorFlow.js here.
 * wᵀη for η = ε·sign(w) over a sweep of n (w seeded, wᵢ ~ N(0, 1)), and the shipped
 * softmax model's logit shifts under one test digit's FGSM η.
 */
import { defineRequest } from '../../compute/protocol.ts';
import type { GrowthSweep, LogitShift } from '../../lib/analysis/linear-growth.ts';

/** wᵀη at `n`, and from n = 10 to 10⁷ (with `n` among them) when `grid`, with w drawn from `seed`. */
export interface GrowthSweepRequest {
  epsilon: number;
  n: number;
  seed: number;
  grid: boolean;
}

/** The softmax model's logit shifts under this test digit's FGSM η. */
export interface LogitShiftRequest {
  epsilon: number;
  testDigit: number;
  /** A drawing's code (src/lib/data/drawing-code.ts), attacked instead of the test digit; '' or absent for none. */
  drawn?: string;
}

/** The shifts, with the digit they were measured on (a drawing's label: the class the model gives it) and its pixels. */
export type LogitShiftResult = LogitShift & { testDigit: number; drawn: string; pixels: Float32Array };

export const growthSweep = defineRequest<GrowthSweepRequest, GrowthSweep>('linearGrowthSweep');
export const logitShift = defineRequest<LogitShiftRequest, LogitShiftResult>('linearGrowthDigit');

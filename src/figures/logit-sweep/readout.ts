/** What the logit-sweep figure reads off a sweep: the point under the cursor and the bands worth naming. Pure, no TensorFlow.js. */
import type { PredictionBand } from '../../lib/analysis/page-values.ts';
import type { LogitSweepResult } from './api.ts';

/** The sweep's point nearest ε (clamped to its range): its ε, logits, class and image x + ε·sign(∇ₓJ). */
export function cursorOf(sweep: LogitSweepResult, eps: number) {
  const n = sweep.epsilons.length;
  const R = sweep.range;
  const e = Math.min(R, Math.max(-R, eps));
  const index = Math.max(0, Math.min(n - 1, Math.round(((e + R) / (2 * R)) * (n - 1))));
  const at = sweep.epsilons[index];
  return {
    eps: at,
    logits: Array.from(sweep.logits.subarray(index * sweep.classes, (index + 1) * sweep.classes)),
    predicted: sweep.predicted[index],
    image: sweep.clean.map((v, i) => v + at * sweep.direction[i]),
  };
}

/** The widest band of a wrong class (the first of equal ones). */
export function widestWrong(bands: readonly PredictionBand[], trueLabel: number): PredictionBand | null {
  let best: PredictionBand | null = null;
  for (const b of bands) if (b.predicted !== trueLabel && (!best || b.to - b.from > best.to - best.from)) best = b;
  return best;
}

/** The band of the true class around ε = 0, if x itself is classified correctly. */
export function rightBand(bands: readonly PredictionBand[], points: number, trueLabel: number): PredictionBand | null {
  const mid = (points - 1) / 2;
  return bands.find((b) => b.from <= mid && b.to >= mid && b.predicted === trueLabel) ?? null;
}

/** The lowest and highest logit of the sweep. */
export function logitExtent(logits: ArrayLike<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    if (logits[i] < lo) lo = logits[i];
    if (logits[i] > hi) hi = logits[i];
  }
  return [lo, hi];
}

/** The rotation figure's histogram of smallest flipping angles, as plain numbers (no TensorFlow.js): bins, the share wrong at each angle. */

export interface FlipStats {
  /** The axis's end: a little past the slowest digits, at most the slider's end. */
  axisMax: number;
  /** Width of a bin, degrees. */
  bin: number;
  /** Digits per bin, from 0 to axisMax (the digits wrong at θ = 0 left out). */
  bins: number[];
  wrongAtZero: number;
  /** Digits flipped only beyond axisMax. */
  beyond: number;
  notFlipped: number;
  /** Median flipping angle of the digits that flip (null: none does). */
  median: number | null;
  n: number;
  /** Digits whose smallest flipping angle is at most a, percent of the sample. */
  errorAt(a: number): number;
  /** [a, errorAt(a)] every `step` degrees from 0 to axisMax. */
  cdf(step: number): [number, number][];
}

export function flipStats(angles: Float32Array, max: number): FlipStats {
  const sorted = Float32Array.from(angles).sort();
  const finite = sorted.filter((a) => a > 0 && Number.isFinite(a));
  const q = finite.length ? finite[Math.floor(0.98 * (finite.length - 1))] : max;
  const axisMax = Math.min(max, Math.max(4, Math.ceil(q * 1.15)));
  const bin = axisMax <= 6 ? 0.1 : axisMax <= 12 ? 0.2 : 0.5;
  const errorAt = (a: number) => {
    if (sorted.length === 0) return 0;
    let lo = 0, hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] <= a) lo = mid + 1;
      else hi = mid;
    }
    return (100 * lo) / sorted.length;
  };
  const bins = new Array<number>(Math.round(axisMax / bin)).fill(0);
  let wrongAtZero = 0, beyond = 0;
  for (const a of sorted) {
    if (a === 0) wrongAtZero++;
    else if (a > axisMax) beyond++;
    else bins[Math.min(bins.length - 1, Math.floor(a / bin))]++;
  }
  return {
    axisMax,
    bin,
    bins,
    wrongAtZero,
    beyond,
    notFlipped: sorted.filter((a) => !Number.isFinite(a)).length,
    median: finite.length ? finite[Math.floor((finite.length - 1) / 2)] : null,
    n: sorted.length,
    errorAt,
    cdf: (step) => Array.from({ length: Math.round(axisMax / step) + 1 }, (_, i) => [i * step, errorAt(i * step)]),
  };
}

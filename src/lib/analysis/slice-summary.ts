/**
 * Reading a plane of the slice (src/lib/analysis/slice.ts) without TensorFlow.js,
 * so the figures' own bundles can use it: coordinates, the true class's surface,
 * and how much of the plane and of each axis is adversarial.
 */

/** What these functions need of a SliceGrid. */
export interface GridValues {
  size: number;
  axis: Float32Array;
  logits: Float32Array;
  predicted: Int32Array;
  classes: number;
  label: number;
}

/** The grid's coordinate at index i of `size` over [−range, range]; the middle index is exactly 0. */
export function axisValue(i: number, size: number, range: number): number {
  return (range * (2 * i - (size - 1))) / (size - 1);
}

/** Index of the grid point at (a = axis[j], b = axis[i]). */
export const gridIndex = (grid: Pick<GridValues, 'size'>, i: number, j: number) => i * grid.size + j;

/** The true class's logit at each point, and the margin z_y − max_{k≠y} z_k (positive where the model is right). */
export function trueClassSurface(grid: GridValues, kind: 'logit' | 'margin'): Float32Array {
  const n = grid.size * grid.size;
  const out = new Float32Array(n);
  const c = grid.classes;
  for (let p = 0; p < n; p++) {
    const zy = grid.logits[p * c + grid.label];
    if (kind === 'logit') out[p] = zy;
    else {
      let other = -Infinity;
      for (let k = 0; k < c; k++) if (k !== grid.label && grid.logits[p * c + k] > other) other = grid.logits[p * c + k];
      out[p] = zy - other;
    }
  }
  return out;
}

export interface SliceSummary {
  /** Share of the plane (percent of grid points) where the model is wrong. */
  wrong: number;
  /** Along the FGSM axis (b = 0): share of points with a > 0 that are wrong, and the smallest such a where the model errs. */
  wrongAlongFgsm: number;
  firstWrongAlongFgsm: number | null;
  /** The same along the random axis (a = 0, b > 0). */
  wrongAlongRandom: number;
  firstWrongAlongRandom: number | null;
  /** Number of wrong classes that take part of the plane. */
  wrongClasses: number;
}

/** What the class map says in numbers: how much of the plane, and of each axis, is adversarial. */
export function summariseSlice(grid: GridValues, trueLabel: number): SliceSummary {
  const { size, predicted, axis } = grid;
  const mid = (size - 1) / 2;
  let wrong = 0;
  const seen = new Set<number>();
  for (const p of predicted) {
    if (p !== trueLabel) {
      wrong++;
      seen.add(p);
    }
  }
  const along = (at: (k: number) => number) => {
    let count = 0;
    let first: number | null = null;
    for (let k = mid + 1; k < size; k++) {
      if (predicted[at(k)] !== trueLabel) {
        count++;
        if (first === null) first = axis[k];
      }
    }
    return { share: (100 * count) / mid, first };
  };
  const f = along((k) => gridIndex(grid, mid, k));
  const r = along((k) => gridIndex(grid, k, mid));
  return {
    wrong: (100 * wrong) / predicted.length,
    wrongAlongFgsm: f.share,
    firstWrongAlongFgsm: f.first,
    wrongAlongRandom: r.share,
    firstWrongAlongRandom: r.first,
    wrongClasses: seen.size,
  };
}

export interface PlaneFit {
  /** v ≈ c0 + ca·a + cb·b, least squares over the grid. */
  c0: number;
  /** Slope along the FGSM axis and along the random axis, per unit of ε. */
  ca: number;
  cb: number;
  /** Share of the surface's variance the plane explains (1: the surface is a plane). */
  r2: number;
}

/**
 * The least-squares plane through a surface over the grid. On a full square grid
 * symmetric about 0 the coordinates a and b have zero mean and are uncorrelated,
 * so each slope is its own one-variable regression.
 */
export function planeFit(grid: Pick<GridValues, 'size' | 'axis'>, values: ArrayLike<number>): PlaneFit {
  const { size, axis } = grid;
  const n = size * size;
  let mean = 0;
  for (let p = 0; p < n; p++) mean += values[p];
  mean /= n;
  let av = 0, bv = 0, aa = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const v = values[i * size + j] - mean;
      av += axis[j] * v;
      bv += axis[i] * v;
    }
  }
  for (let j = 0; j < size; j++) aa += axis[j] * axis[j];
  aa *= size; // Σ over the grid of a² (= Σ of b²)
  const ca = av / aa, cb = bv / aa;
  let res = 0, tot = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const v = values[i * size + j];
      const fit = mean + ca * axis[j] + cb * axis[i];
      res += (v - fit) ** 2;
      tot += (v - mean) ** 2;
    }
  }
  return { c0: mean, ca, cb, r2: tot > 0 ? 1 - res / tot : 1 };
}

/**
 * A projected limited-memory BFGS method for box constraints, l ≤ x ≤ u (the
 * problem L-BFGS-B solves), in float64 on plain arrays.
 *
 * Each iteration
 *   1. finds the active set: coordinates at a bound whose gradient pushes them
 *      out of the box (xᵢ = lᵢ and gᵢ > 0, or xᵢ = uᵢ and gᵢ < 0); they stay put;
 *   2. takes the quasi-Newton direction d = −H·g on the free coordinates, H the
 *      L-BFGS inverse-Hessian estimate from the last `memory` steps (the
 *      two-loop recursion with every inner product over the free coordinates),
 *      or the steepest descent on them when that is not a descent direction;
 *   3. searches along the projected path P(x + t·d) (P clips to the box) from
 *      t = 1, backtracking (to the minimum of a parabola fitted along the path,
 *      within [0.1, 0.5] of the rejected step) until the Armijo condition
 *      f(xₙ) ≤ f(x) + c₁·gᵀ(xₙ − x) holds.
 * Every accepted step lowers f, every iterate lies in the box, and the method
 * stops when the projected gradient ‖P(x − g) − x‖∞ falls below `pgtol` (the
 * first-order optimality condition for a box) or f stops decreasing.
 */

export interface Evaluation {
  value: number;
  gradient: ArrayLike<number>;
}

/** f and ∇f at x; may be asynchronous (a gradient read back from TensorFlow.js). */
export type Objective = (x: Float64Array) => Evaluation | Promise<Evaluation>;

export interface BoxLbfgsOptions {
  /** Lower bounds: one for every coordinate, or one per coordinate (−Infinity: none). */
  lower?: number | ArrayLike<number>;
  /** Upper bounds, likewise (Infinity: none). */
  upper?: number | ArrayLike<number>;
  /** Step pairs kept for the inverse-Hessian estimate. */
  memory?: number;
  maxIterations?: number;
  /** Stop when ‖P(x − ∇f) − x‖∞ ≤ pgtol. */
  pgtol?: number;
  /** Stop when a step lowers f by at most ftol · max(|f|, 1). */
  ftol?: number;
  /** Halvings of the step before a line search gives up. */
  maxBacktracks?: number;
  /** Checked before each iteration; true stops with reason 'stopped'. */
  stop?: () => boolean;
}

export type StopReason = 'pgtol' | 'ftol' | 'maxIterations' | 'lineSearch' | 'stopped';

export interface BoxLbfgsResult {
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  /** Accepted steps. */
  iterations: number;
  /** Evaluations of f and ∇f (the first one at x₀ included). */
  evaluations: number;
  /** ‖P(x − ∇f) − x‖∞ at the result. */
  projectedGradient: number;
  reason: StopReason;
}

const bound = (b: number | ArrayLike<number> | undefined, fallback: number, n: number): Float64Array => {
  if (b === undefined) return new Float64Array(n).fill(fallback);
  if (typeof b === 'number') return new Float64Array(n).fill(b);
  if (b.length !== n) throw new RangeError(`a bound has ${b.length} coordinates, x has ${n}`);
  return Float64Array.from(b);
};

/** ‖P(x − g) − x‖∞: zero exactly at a point that satisfies the box's first-order conditions. */
export function projectedGradientNorm(x: ArrayLike<number>, g: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const p = Math.min(upper[i], Math.max(lower[i], x[i] - g[i])) - x[i];
    m = Math.max(m, Math.abs(p));
  }
  return m;
}

export async function minimizeBox(f: Objective, x0: ArrayLike<number>, options: BoxLbfgsOptions = {}): Promise<BoxLbfgsResult> {
  const n = x0.length;
  const lower = bound(options.lower, -Infinity, n);
  const upper = bound(options.upper, Infinity, n);
  for (let i = 0; i < n; i++) if (!(lower[i] <= upper[i])) throw new RangeError(`the box is empty at coordinate ${i}`);
  const memory = options.memory ?? 10;
  const maxIterations = options.maxIterations ?? 200;
  const pgtol = options.pgtol ?? 1e-6;
  const ftol = options.ftol ?? 1e-12;
  const maxBacktracks = options.maxBacktracks ?? 30;

  const project = (v: Float64Array) => {
    for (let i = 0; i < n; i++) v[i] = Math.min(upper[i], Math.max(lower[i], v[i]));
    return v;
  };
  let evaluations = 0;
  const evaluate = async (x: Float64Array) => {
    const e = await f(x);
    evaluations++;
    if (e.gradient.length !== n) throw new RangeError(`the gradient has ${e.gradient.length} coordinates, x has ${n}`);
    return { value: e.value, gradient: Float64Array.from(e.gradient) };
  };

  let x: Float64Array = project(Float64Array.from(x0));
  let { value: fx, gradient: g }: { value: number; gradient: Float64Array } = await evaluate(x);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  let iterations = 0;
  let reason: StopReason = 'maxIterations';
  const free = new Uint8Array(n);
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) if (free[i]) s += a[i] * b[i];
    return s;
  };

  while (true) {
    if (!Number.isFinite(fx)) throw new RangeError(`the objective is not finite (${fx})`);
    if (projectedGradientNorm(x, g, lower, upper) <= pgtol) {
      reason = 'pgtol';
      break;
    }
    if (iterations >= maxIterations) {
      reason = 'maxIterations';
      break;
    }
    if (options.stop?.()) {
      reason = 'stopped';
      break;
    }
    for (let i = 0; i < n; i++) free[i] = (x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0) ? 0 : 1;

    // the two-loop recursion on the free coordinates
    const q = new Float64Array(n);
    for (let i = 0; i < n; i++) q[i] = free[i] ? g[i] : 0;
    const k = S.length;
    const alpha = new Float64Array(k);
    const rho = new Float64Array(k);
    let usable = 0;
    for (let j = k - 1; j >= 0; j--) {
      const sy = dot(S[j], Y[j]);
      if (sy <= 1e-12 * Math.sqrt(dot(S[j], S[j]) * dot(Y[j], Y[j]))) continue; // no curvature left on the free coordinates
      usable++;
      rho[j] = 1 / sy;
      alpha[j] = rho[j] * dot(S[j], q);
      for (let i = 0; i < n; i++) if (free[i]) q[i] -= alpha[j] * Y[j][i];
    }
    let gamma = 1;
    const last = usable > 0 ? [...Array(k).keys()].reverse().find((j) => rho[j] > 0)! : -1;
    if (last >= 0) gamma = 1 / (rho[last] * dot(Y[last], Y[last]));
    for (let i = 0; i < n; i++) q[i] *= gamma;
    for (let j = 0; j < k; j++) {
      if (rho[j] === 0) continue;
      const beta = rho[j] * dot(Y[j], q);
      for (let i = 0; i < n; i++) if (free[i]) q[i] += (alpha[j] - beta) * S[j][i];
    }
    let d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = free[i] ? -q[i] : 0;
    let steepest = usable === 0;
    let gd = 0;
    for (let i = 0; i < n; i++) gd += g[i] * d[i];
    if (!(gd < 0)) {
      for (let i = 0; i < n; i++) d[i] = free[i] ? -g[i] : 0;
      steepest = true;
    }

    // backtracking along the projected path
    let accepted: { x: Float64Array; value: number; gradient: Float64Array } | null = null;
    for (let attempt = 0; attempt < 2 && !accepted; attempt++) {
      let dNorm = 0;
      for (let i = 0; i < n; i++) dNorm += d[i] * d[i];
      dNorm = Math.sqrt(dNorm);
      // the first step of a steepest descent is at most one unit long
      let t = steepest ? Math.min(1, 1 / Math.max(dNorm, 1e-300)) : 1;
      for (let b = 0; b < maxBacktracks; b++) {
        const xn = new Float64Array(n);
        for (let i = 0; i < n; i++) xn[i] = x[i] + t * d[i];
        project(xn);
        let decrease = 0;
        let moved = false;
        for (let i = 0; i < n; i++) {
          const s = xn[i] - x[i];
          decrease += g[i] * s;
          if (s !== 0) moved = true;
        }
        if (!moved) break;
        if (!(decrease < 0)) {
          t /= 2;
          continue;
        }
        const e = await evaluate(xn);
        if (e.value <= fx + 1e-4 * decrease) {
          accepted = { x: xn, ...e };
          break;
        }
        // the next trial at the minimum of the parabola through f(x), its slope and f(xₙ), kept within [0.1, 0.5] of this one
        const curvature = e.value - fx - decrease;
        const fraction = curvature > 0 && Number.isFinite(curvature) ? -decrease / (2 * curvature) : 0.5;
        t *= Math.min(0.5, Math.max(0.1, fraction));
      }
      if (!accepted && !steepest) {
        // the estimate misled: forget it and try the steepest descent
        S.length = 0;
        Y.length = 0;
        for (let i = 0; i < n; i++) d[i] = free[i] ? -g[i] : 0;
        steepest = true;
      } else break;
    }
    if (!accepted) {
      reason = 'lineSearch';
      break;
    }
    iterations++;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0, yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = accepted.x[i] - x[i];
      y[i] = accepted.gradient[i] - g[i];
      sy += s[i] * y[i];
      yy += y[i] * y[i];
    }
    if (sy > 1e-10 * yy) {
      S.push(s);
      Y.push(y);
      if (S.length > memory) {
        S.shift();
        Y.shift();
      }
    }
    const drop = fx - accepted.value;
    x = accepted.x;
    fx = accepted.value;
    g = accepted.gradient;
    if (drop <= ftol * Math.max(Math.abs(fx), 1)) {
      reason = 'ftol';
      break;
    }
  }
  return { x, value: fx, gradient: g, iterations, evaluations, projectedGradient: projectedGradientNorm(x, g, lower, upper), reason };
}

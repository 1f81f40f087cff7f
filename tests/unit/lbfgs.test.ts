/**
 * The box-constrained L-BFGS optimiser (src/lib/optim/lbfgs.ts) on problems
 * whose minimum is known: a convex quadratic built so that a chosen point
 * satisfies the box's optimality (KKT) conditions, with some coordinates at
 * their bounds; the same quadratic without bounds (its minimum A⁻¹b, checked
 * by the residual); and Rosenbrock's function, with its minimum inside and
 * then outside the box.
 */
import { describe, expect, it } from 'vitest';
import { minimizeBox, projectedGradientNorm } from '../../src/lib/optim/lbfgs.ts';
import { seeded } from '../../src/lib/random.ts';

const seededRandom = (seed: number) => {
  const r = seeded(seed);
  return () => r.next();
};

/** A random symmetric positive-definite n×n matrix, MᵀM + n·I/4 (row-major). */
function spd(n: number, random: () => number): Float64Array {
  const m = Array.from({ length: n * n }, () => random() * 2 - 1);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += m[k * n + i] * m[k * n + j];
      a[i * n + j] = s + (i === j ? n / 4 : 0);
    }
  return a;
}
const mul = (a: Float64Array, x: ArrayLike<number>, n: number) =>
  Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j] * x[j];
    return s;
  });

/** f(x) = ½xᵀAx − bᵀx. */
function quadratic(a: Float64Array, b: Float64Array, n: number) {
  return (x: Float64Array) => {
    const ax = mul(a, x, n);
    let v = 0;
    for (let i = 0; i < n; i++) v += 0.5 * x[i] * ax[i] - b[i] * x[i];
    return { value: v, gradient: ax.map((c, i) => c - b[i]) };
  };
}

describe('box-constrained L-BFGS', () => {
  it('finds the constrained minimum of a quadratic, bounds active and inactive alike', async () => {
    const random = seededRandom(7);
    const n = 30;
    const a = spd(n, random);
    // x* in [0, 1]: a third of it at 0, a third at 1, a third inside
    const star = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? 1 : 0.1 + 0.8 * random()));
    // the gradient at x*: positive where x* sits on the lower bound, negative on the upper, zero inside
    const lambda = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0.5 + random() : i % 3 === 1 ? -0.5 - random() : 0));
    const ax = mul(a, star, n);
    const b = ax.map((v, i) => v - lambda[i]);
    const f = quadratic(a, b, n);
    const r = await minimizeBox(f, new Float64Array(n).fill(0.5), { lower: 0, upper: 1, pgtol: 1e-9, ftol: 0, maxIterations: 500 });
    // (a float64 f resolves the minimum to about 1e-7: beyond that the Armijo test sees rounding)
    expect(r.projectedGradient).toBeLessThan(1e-6);
    for (let i = 0; i < n; i++) expect(Math.abs(r.x[i] - star[i]), `x${i}`).toBeLessThan(1e-6);
    // the coordinates that belong on a bound are exactly on it
    for (let i = 0; i < n; i += 3) expect(r.x[i]).toBe(0);
    for (let i = 1; i < n; i += 3) expect(r.x[i]).toBe(1);
    expect(r.value).toBeCloseTo(f(star).value, 10);
    // every iterate stays in the box: the result does
    expect(r.x.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(r.evaluations).toBeGreaterThan(r.iterations);
  });

  it('without bounds it is L-BFGS: the quadratic’s minimum solves Ax = b', async () => {
    const random = seededRandom(11);
    const n = 40;
    const a = spd(n, random);
    const b = Float64Array.from({ length: n }, () => random() * 4 - 2);
    const r = await minimizeBox(quadratic(a, b, n), new Float64Array(n), { pgtol: 1e-10, ftol: 0, maxIterations: 500 });
    const residual = mul(a, r.x, n).map((v, i) => v - b[i]);
    expect(Math.max(...residual.map(Math.abs))).toBeLessThan(1e-6);
    // far fewer iterations than steepest descent would need on an ill-conditioned problem
    expect(r.iterations).toBeLessThan(120);
  });

  it('Rosenbrock: the minimum (1, 1) inside the box, and (0.5, 0.25) when the box stops x₁ at 0.5', async () => {
    const rosen = (x: Float64Array) => ({
      value: 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2,
      gradient: [-400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]), 200 * (x[1] - x[0] ** 2)],
    });
    const inside = await minimizeBox(rosen, [-1.2, 1], { lower: -2, upper: 2, pgtol: 1e-9, ftol: 0, maxIterations: 500 });
    expect(inside.x[0]).toBeCloseTo(1, 5);
    expect(inside.x[1]).toBeCloseTo(1, 5);
    // with x₁ ≤ 0.5 the minimum is at x₁ = 0.5, x₂ = x₁² (there ∂f/∂x₁ = −2(1 − 0.5) < 0 pushes on the bound)
    const capped = await minimizeBox(rosen, [-1.2, 1], { lower: [-2, -2], upper: [0.5, 2], pgtol: 1e-9, ftol: 0, maxIterations: 500 });
    expect(capped.x[0]).toBe(0.5);
    expect(capped.x[1]).toBeCloseTo(0.25, 6);
    expect(capped.projectedGradient).toBeLessThan(1e-9);
  });

  it('starts from a point outside the box by projecting it, and refuses an empty box', async () => {
    const f = (x: Float64Array) => ({ value: (x[0] - 3) ** 2, gradient: [2 * (x[0] - 3)] });
    const r = await minimizeBox(f, [-10], { lower: 0, upper: 1 });
    expect(r.x[0]).toBe(1);
    expect(projectedGradientNorm(r.x, r.gradient, [0], [1])).toBe(0);
    await expect(minimizeBox(f, [0], { lower: 1, upper: 0 })).rejects.toThrow('empty');
  });
});

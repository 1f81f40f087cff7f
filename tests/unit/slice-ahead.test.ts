/**
 * The plane as adversarial-slice and logit-surface keep it computed ahead (src/figures/adversarial-slice/ahead.ts):
 * surfaces to their step, classes as runs, directions as signs, and a plane decoded with what each figure reads of it
 * (the classes, the origin's logits; for logit-surface the true class's logit and the margin) as the worker gave it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initTf } from './setup-tf.ts';
import { nodeContext } from '../../scripts/lib/node-context.ts';
import { handler } from '../../src/figures/adversarial-slice/compute.ts';
import { decodePlane, decodeRuns, decodeSigns, decodeSurface, encodePlane, encodeRuns, encodeSigns, encodeSurface } from '../../src/figures/adversarial-slice/ahead.ts';
import type { SliceResult } from '../../src/figures/adversarial-slice/api.ts';
import { planeFit, summariseSlice, trueClassSurface } from '../../src/lib/analysis/slice-summary.ts';
import type { RequestContext } from '../../src/compute/handler.ts';
import { sameLook } from '../../src/figures/logit-surface/view.svelte.ts';
import type { SurfaceData } from '../../src/figures/logit-surface/scene.ts';

let context: (request: string) => RequestContext;
beforeAll(async () => {
  await initTf('wasm');
  context = (await nodeContext()).context;
}, 120_000);

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('a surface to a step', () => {
  const n = 21;
  // a plane, a fold along a line (a maxout unit switching) and noise: what a network's logit over the plane looks like
  const values = Float32Array.from({ length: n * n }, (_, p) => {
    const a = (p % n) / (n - 1) - 0.5, b = Math.floor(p / n) / (n - 1) - 0.5;
    return 40 - 120 * a + 3 * b + 25 * Math.max(0, a + 0.3 * b) + 0.01 * Math.sin(97 * p);
  });

  it('comes back within half a step at every point, at any step', () => {
    for (const step of [1e-3, 1e-2, 0.5]) {
      const back = decodeSurface(encodeSurface(values, n, step), n);
      expect(back.length).toBe(n * n);
      expect(maxDiff(back, values)).toBeLessThanOrEqual(step / 2 + 1e-5 * 100);
    }
  });

  it('takes one character a point over a plane, more where it folds', () => {
    const plane = Float32Array.from({ length: n * n }, (_, p) => 7 - 2.5 * (p % n) + 0.25 * Math.floor(p / n));
    // but for the first point and its two neighbours, which nothing before them predicts (up to 4 characters each)
    expect(encodeSurface(plane, n, 1e-3).data.length).toBeLessThanOrEqual(n * n - 3 + 3 * 4);
    expect(encodeSurface(values, n, 1e-3).data.length).toBeGreaterThan(n * n - 3 + 3 * 4);
  });

  it('refuses a surface cut short or with characters to spare, and one that is not its alphabet', () => {
    const p = encodeSurface(values, n);
    expect(() => decodeSurface({ ...p, data: p.data.slice(0, -3) }, n)).toThrow(/ends after/);
    expect(() => decodeSurface({ ...p, data: p.data + 'A' }, n)).toThrow(/characters more/);
    expect(() => decodeSurface({ ...p, data: '!' + p.data.slice(1) }, n)).toThrow(/not a digit/);
  });
});

describe('classes as runs, directions as signs', () => {
  it('come back exactly', () => {
    const classes = Int32Array.from({ length: 500 }, (_, i) => Math.floor(i / 37) % 10);
    const runs = encodeRuns(classes);
    expect(runs.length).toBe(2 * Math.ceil(500 / 37));
    expect(decodeRuns(runs, 500)).toEqual(classes);
    expect(() => decodeRuns(runs, 501)).toThrow(/cover 500 points, not 501/);
    const signs = Float32Array.from({ length: 784 }, (_, i) => [1, -1, 0][i % 3]);
    expect(decodeSigns(encodeSigns(signs))).toEqual(signs);
  });
});

describe('a plane decoded', () => {
  let plane: SliceResult;
  beforeAll(async () => {
    plane = await handler.run({ model: 'maxout', digit: 0, drawn: '', range: 0.5, size: 61, seed: 1, clip: false }, context('slice'));
  }, 120_000);

  it('gives adversarial-slice the classes, the digit, the directions and the origin’s logits the worker gave', () => {
    const back = decodePlane(encodePlane(plane, false));
    expect(back.predicted).toEqual(plane.predicted);
    expect(back.axis).toEqual(plane.axis);
    expect(back.pixels).toEqual(plane.pixels);
    expect(back.fgsmDirection).toEqual(plane.fgsmDirection);
    expect(back.randomDirection).toEqual(plane.randomDirection);
    expect(summariseSlice(back, back.trueLabel)).toEqual(summariseSlice(plane, plane.trueLabel));
    const mid = 30 * 61 + 30;
    expect(maxDiff(back.logits.subarray(mid * 10, mid * 10 + 10), plane.logits.subarray(mid * 10, mid * 10 + 10))).toBeLessThan(1e-5);
    // the logits no figure reads are not kept
    expect(Number.isNaN(back.logits[0])).toBe(true);
    expect([back.model, back.digit, back.trueLabel, back.range, back.seed, back.clip, back.cosine]).toEqual([plane.model, plane.digit, plane.trueLabel, plane.range, plane.seed, plane.clip, plane.cosine]);
  });

  it('gives logit-surface its two heights within half a step of 10⁻³, and the same plane fit', () => {
    const back = decodePlane(encodePlane(plane, true));
    for (const kind of ['logit', 'margin'] as const) {
      const [got, want] = [trueClassSurface(back, kind), trueClassSurface(plane, kind)];
      // the margin is the difference of two surfaces, each within half a step
      expect(maxDiff(got, want)).toBeLessThanOrEqual(kind === 'logit' ? 5e-4 + 1e-4 : 1e-3 + 1e-4);
      const [f, g] = [planeFit(back, got), planeFit(plane, want)];
      for (const k of ['c0', 'ca', 'cb', 'r2'] as const) expect(Math.abs(f[k] - g[k])).toBeLessThan(1e-4 * Math.max(1, Math.abs(g[k])));
    }
  });
});

describe('the 3-D view draws a surface again only when it would look otherwise', () => {
  const n = 11;
  const surface = (change: Partial<SurfaceData> = {}): SurfaceData => ({
    size: n,
    values: Float32Array.from({ length: n * n }, (_, p) => 30 - 4 * (p % n) + 0.5 * Math.floor(p / n)),
    predicted: Int32Array.from({ length: n * n }, (_, p) => (p % n > 7 ? 3 : 0)),
    colors: ['#111111', '#222222', '#333333', '#444444'],
    fgsmPath: [5, 6, 7],
    zeroPlane: false,
    ink: 'rgb(0,0,0)',
    accent: 'rgb(200,0,0)',
    ...change,
  });
  const moved = (at: number, by: number) => {
    const s = surface();
    s.values[at] += by;
    return s;
  };

  it('the same picture: equal, or heights within 10⁻⁴ of the span (45 here)', () => {
    expect(sameLook(surface(), surface())).toBe(true);
    expect(sameLook(surface(), moved(17, 0.003))).toBe(true);
  });

  it('another picture: a height further apart, another class at a point, another path, level plane or ink', () => {
    expect(sameLook(surface(), moved(17, 0.01))).toBe(false);
    const other = surface();
    other.predicted[40] = 1;
    expect(sameLook(surface(), other)).toBe(false);
    expect(sameLook(surface(), surface({ fgsmPath: [5, 6] }))).toBe(false);
    expect(sameLook(surface(), surface({ zeroPlane: true }))).toBe(false);
    expect(sameLook(surface(), surface({ ink: 'rgb(255,255,255)' }))).toBe(false);
    expect(sameLook(surface(), moved(3, NaN))).toBe(false);
  });
});

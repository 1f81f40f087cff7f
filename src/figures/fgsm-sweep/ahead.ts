/**
 * fgsm-sweep's results computed ahead (`npm run ahead`, kit/ahead.ts): every shipped network's curves on the default
 * sample, and the digit grid at the default state's ε and at each scroll step's, as the figure's runners ask for them.
 * The grid's images are kept once, clipped to [0, 1] and 8-bit: the figure draws the unclipped ones clipped too.
 * No TensorFlow.js here (page-side).
 */
import { uniqueAsks, decodeUnit8, encodeUnit8, rounded, type AheadPlan } from '../kit/ahead.ts';
import type { SweepPoint } from '../../lib/analysis/fgsm-sweep.ts';
import { fgsmSweep as table, fgsmSweepSteps, SWEEP_EPSILONS } from './state.ts';
import { fgsmSweep, fgsmSweepPoint, type FgsmSweepPointResult, type FgsmSweepResult } from './api.ts';

/** The grid's digits, as the figure asks for them. */
export const GRID = 24;

const point = (p: SweepPoint): SweepPoint => ({ epsilon: p.epsilon, error: rounded(p.error, 2), confidence: p.confidence === null ? null : rounded(p.confidence, 2), wrong: p.wrong });

export interface AheadGrid {
  model: string;
  sample: number;
  epsilon: number;
  labels: number[];
  /** The attacked digits clipped to [0, 1], 8-bit base64 (kit/ahead.ts encodeUnit8). */
  images: string;
  clipped: { predicted: number[]; confidence: number[] };
  unclipped: { predicted: number[]; confidence: number[] };
}

export const plan: AheadPlan = {
  figure: 'fgsm-sweep',
  asks: (() => {
    const sample = Number(table.sample.default);
    const states = [{}, ...fgsmSweepSteps].map((s) => ({ eps: table.eps.default, model: table.model.default as string, sample, ...s }));
    // softmax is cheap (a second or two in Node): the unit test computes its answers again
    const curves = table.model.options.map((model) => ({ request: fgsmSweep.name, key: { model, revision: '', sample, epsilons: [...SWEEP_EPSILONS] }, models: [model], cheap: model === 'softmax' }));
    const points = states.map(({ eps, model }) => {
      const key = { model, revision: '', sample, epsilon: eps, grid: GRID };
      // the curve has every step's ε: the figure reads the whole sample's numbers off it, as it asks here
      return { request: fgsmSweepPoint.name, key, ask: { ...key, summary: false }, models: [model], cheap: model === 'softmax' };
    });
    return uniqueAsks([...curves, ...points]);
  })(),
  encode(request, result) {
    if (request === fgsmSweep.name) {
      const r = result as FgsmSweepResult;
      return { model: r.model, sample: r.sample, clipped: r.clipped.map(point), unclipped: r.unclipped.map(point) };
    }
    const r = result as FgsmSweepPointResult;
    const g = r.grid;
    const side = (x: typeof g.clipped) => ({ predicted: Array.from(x.predicted), confidence: Array.from(x.confidence, (c) => rounded(c, 3)) });
    return { model: r.model, sample: r.sample, epsilon: r.epsilon, labels: Array.from(g.labels), images: encodeUnit8(g.clipped.images), clipped: side(g.clipped), unclipped: side(g.unclipped) } satisfies AheadGrid;
  },
};

export const decodeCurve = (e: FgsmSweepResult): FgsmSweepResult => e;

export function decodePoint(e: AheadGrid): FgsmSweepPointResult {
  const images = decodeUnit8(e.images);
  const side = (x: AheadGrid['clipped']) => ({ images, predicted: Int32Array.from(x.predicted), confidence: Float32Array.from(x.confidence) });
  return { model: e.model, sample: e.sample, epsilon: e.epsilon, clipped: null, unclipped: null, grid: { labels: Uint8Array.from(e.labels), clipped: side(e.clipped), unclipped: side(e.unclipped) } };
}

/**
 * rbf-immunity's results computed ahead (`npm run ahead`, kit/ahead.ts): the 2-D toy at the default state and at
 * each scroll step's ε, and the MNIST view (row 14 and the histograms) on the default sample, as the figure asks for
 * them. What depends only on the seed (the training points and the two models' confidence maps) is kept once, in the
 * default ε's entry: each step's entry keeps its FGSM step. Maps are 8-bit (the figure draws each point's confidence
 * as an 8-bit alpha). No TensorFlow.js here (page-side).
 */
import { uniqueAsks, decodeUnit8, encodeUnit8, rounded, type AheadFile, type AheadPlan, decodeRows, encodeRows, type AheadRow } from '../kit/ahead.ts';
import { fromBase64, toBase64 } from '../kit/finished.ts';
import type { RbfImmunity } from '../../lib/analysis/rbf-immunity.ts';
import { rbfImmunity as table, rbfImmunitySteps } from './state.ts';
import { rbfMnist, rbfToy, type RbfToyResult } from './api.ts';

/** The toy map's points a side, as the figure asks for it. */
export const GRID = 81;

type ToyStep = RbfToyResult['models'][number]['step'];
interface AheadStep {
  from: [number, number];
  to: [number, number];
  before: number[];
  after: number[];
}
interface AheadMap {
  size: number;
  extent: number;
  /** The predicted class at each point, bytes as base64. */
  predicted: string;
  /** The confidence at each point, 8-bit base64 (kit/ahead.ts encodeUnit8). */
  confidence: string;
}
export interface AheadToy {
  seed: number;
  epsilon: number;
  point: number;
  label: number;
  extent: number;
  models: { kind: RbfToyResult['models'][number]['kind']; accuracy: number; finalLoss: number; params: Record<string, number[]>; step: AheadStep; map?: AheadMap }[];
  /** The training points and their classes: in the default ε's entry only, with the maps. */
  points?: number[];
  labels?: number[];
}

export type AheadMnist = Omit<RbfImmunity, 'rows'> & { rows: AheadRow[] };

const significant = (v: number) => Number(v.toPrecision(4));
/** NaN (a setting a row does not have) as null, as JSON holds it. */
const significantOrNull = (v: number) => (Number.isFinite(v) ? significant(v) : null);
const step = (x: ToyStep): AheadStep => ({
  from: [rounded(x.from[0]), rounded(x.from[1])],
  to: [rounded(x.to[0]), rounded(x.to[1])],
  before: Array.from(x.before, significant),
  after: Array.from(x.after, significant),
});

export const plan: AheadPlan = {
  figure: 'rbf-immunity',
  asks: (() => {
    const d = { epsilon: table.epsilon.default, point: table.point.default, seed: table.seed.default, sample: table.sample.default as string };
    const states = [d, ...rbfImmunitySteps.map((s) => ({ ...d, ...s }))];
    // the toy's two units trained on 120 points and drawn on an 81 × 81 grid: a second in Node
    const toys = states.map((s) => ({ request: rbfToy.name, key: { seed: s.seed, epsilon: s.epsilon, point: s.point, grid: GRID }, models: [], cheap: true }));
    const mnist = states.map((s) => ({ request: rbfMnist.name, key: { sample: Number(s.sample) }, models: ['rbf', 'rbf-wide', 'maxout'] }));
    return uniqueAsks([...toys, ...mnist]);
  })(),
  encode(request, result) {
    if (request === rbfMnist.name) {
      const r = result as RbfImmunity;
      return {
        ...r,
        // four significant digits: the confidence on its mistakes can be 0.00012 %
        rows: encodeRows(r.rows, significantOrNull),
        rbfCleanError: rounded(r.rbfCleanError, 2),
        maxoutCleanError: rounded(r.maxoutCleanError, 2),
        cleanMeanConfidence: rounded(r.cleanMeanConfidence, 4),
        fgsmMeanConfidence: rounded(r.fgsmMeanConfidence, 4),
      } satisfies AheadMnist;
    }
    const r = result as RbfToyResult;
    // the maps and points depend on the seed alone: kept with the default ε's answer
    const full = r.epsilon === table.epsilon.default;
    return {
      seed: r.seed,
      epsilon: r.epsilon,
      point: r.point,
      label: r.label,
      extent: r.extent,
      models: r.models.map((m) => ({
        kind: m.kind,
        accuracy: rounded(m.accuracy, 2),
        finalLoss: significant(m.finalLoss),
        params: Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, v.map(significant)])),
        step: step(m.step),
        ...(full ? { map: { size: m.map.size, extent: m.map.extent, predicted: toBase64(m.map.predicted), confidence: encodeUnit8(m.map.confidence) } } : {}),
      })),
      ...(full ? { points: Array.from(r.points, (v) => rounded(v)), labels: Array.from(r.labels) } : {}),
    } satisfies AheadToy;
  },
};

/** A toy answer computed ahead, with the maps and points of the default ε's entry for the same seed. */
export function decodeToy(e: AheadToy, file: AheadFile | null): RbfToyResult | undefined {
  const full = e.points ? e : (file?.entries.find((x) => x.request === rbfToy.name && (x.result as AheadToy).seed === e.seed && (x.result as AheadToy).points)?.result as AheadToy | undefined);
  if (!full?.points || !full.labels) return undefined;
  return {
    seed: e.seed,
    epsilon: e.epsilon,
    point: e.point,
    label: e.label,
    extent: e.extent,
    points: Float32Array.from(full.points),
    labels: Uint8Array.from(full.labels),
    models: e.models.map((m, i) => {
      const map = full.models[i].map!;
      return {
        kind: m.kind,
        accuracy: m.accuracy,
        finalLoss: m.finalLoss,
        params: m.params,
        map: { size: map.size, extent: map.extent, predicted: fromBase64(map.predicted), confidence: decodeUnit8(map.confidence) },
        step: { from: m.step.from, to: m.step.to, before: Float32Array.from(m.step.before), after: Float32Array.from(m.step.after) },
      };
    }),
  };
}

export function decodeMnist(e: AheadMnist): RbfImmunity {
  return { ...e, rows: decodeRows(e.rows) };
}

/**
 * non-robust-features' results computed ahead (`npm run ahead`, kit/ahead.ts): D_det in the default state and in each
 * scroll step's (the attack on the first 1,000 training digits, a fresh student, the first 1,000 test digits), as
 * the figure asks for it. The eight digits shown are kept 8-bit (the clean ones are 8-bit to begin with); the
 * percentages to two decimals. No TensorFlow.js here (page-side).
 */
import { uniqueAsks, decodeUnit8, encodeUnit8, rounded, type AheadPlan } from '../kit/ahead.ts';
import type { TestScore } from '../../lib/analysis/non-robust.ts';
import { nonRobustFeatures as table, nonRobustFeaturesSteps } from './state.ts';
import { KEEP, nonRobust, type NonRobustResult } from './api.ts';

/** A run as the file holds it: the stages' seconds, which differ from run to run, are not kept. */
export interface AheadNonRobust extends Omit<NonRobustResult, 'examples' | 'stageSeconds'> {
  examples: { clean: string; adversarial: string; labels: number[]; targets: number[]; predicted: number[] };
}

const score = (t: TestScore): TestScore => ({ accuracy: rounded(t.accuracy, 2), shifted: rounded(t.shifted, 2), count: t.count });

export const plan: AheadPlan = {
  figure: 'non-robust-features',
  asks: (() => {
    const d = { n: table.n.default, epsilon: table.epsilon.default, steps: table.steps.default, student: table.student.default as string, epochs: table.epochs.default, seed: table.seed.default, test: table.test.default as string };
    return uniqueAsks([d, ...nonRobustFeaturesSteps.map((s) => ({ ...d, ...s }))].map((s) => {
      // the figure's runner key (its settings), and the request it sends for it
      const key = { n: s.n, epsilon: s.epsilon, steps: s.steps, student: s.student, epochs: s.epochs, seed: s.seed, test: Number(s.test) };
      // each about 20 s in Node (the attack on maxout most of it); the linear student's, the shortest, checked again
      return { request: nonRobust.name, key, ask: { ...key, keep: KEEP }, models: ['maxout'], cheap: s.student === 'softmax' };
    }));
  })(),
  encode(_request, result) {
    const r = result as NonRobustResult;
    return {
      count: r.count,
      epsilon: r.epsilon,
      steps: r.steps,
      student: r.student,
      epochs: r.epochs,
      seed: r.seed,
      source: r.source,
      reachedTarget: rounded(r.reachedTarget, 2),
      maxChange: rounded(r.maxChange, 4),
      test: score(r.test),
      control: r.control ? score(r.control) : null,
      examples: {
        clean: encodeUnit8(r.examples.clean),
        adversarial: encodeUnit8(r.examples.adversarial),
        labels: Array.from(r.examples.labels),
        targets: Array.from(r.examples.targets),
        predicted: Array.from(r.examples.predicted),
      },
    } satisfies AheadNonRobust;
  },
};

export function decodeNonRobust(e: AheadNonRobust): NonRobustResult {
  return {
    ...e,
    examples: {
      clean: decodeUnit8(e.examples.clean),
      adversarial: decodeUnit8(e.examples.adversarial),
      labels: Uint8Array.from(e.examples.labels),
      targets: Uint8Array.from(e.examples.targets),
      predicted: Int32Array.from(e.examples.predicted),
    },
  };
}

/**
 * logit-surface's results computed ahead (`npm run ahead`, kit/ahead.ts): the plane through test digit 0 in the
 * default state and in each scroll step's (the height, logit or margin, is drawn from the same plane), with the two
 * surfaces its height is made of: the true class's logit and the best other class's (adversarial-slice/ahead.ts).
 * No TensorFlow.js here (page-side).
 */
import type { AheadPlan } from '../kit/ahead.ts';
import { encodePlane, planeAsks } from '../adversarial-slice/ahead.ts';
import type { SliceResult } from '../adversarial-slice/api.ts';
import { logitSurface as table, logitSurfaceSteps } from './state.ts';

const defaults = { model: table.model.default, digit: table.digit.default, drawn: table.drawn.default, range: table.range.default, seed: table.seed.default, clip: table.clip.default };

export const plan: AheadPlan = {
  figure: 'logit-surface',
  asks: planeAsks([defaults, ...logitSurfaceSteps.map((s) => ({ ...defaults, ...s }))]),
  encode: (_request, result) => encodePlane(result as SliceResult, true),
};

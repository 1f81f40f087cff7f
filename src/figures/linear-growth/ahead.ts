/**
 * linear-growth's results computed ahead (`npm run ahead`, kit/ahead.ts): the sweep of wᵀη from n = 10 to 10⁷ and the
 * softmax model's logit shifts on test digit 0, at the default state's ε and at each scroll step's, as the figure's
 * runners ask for them. Numbers to 7 significant digits (the sweep spans ten decades) or 6 decimals; the digit 8-bit
 * (8-bit to begin with), sign(∇ₓJ) as signs, η as 8-bit over ±ε. No TensorFlow.js here (page-side).
 */
import { decodeUnit8, encodeUnit8, rounded, type AheadPlan } from '../kit/ahead.ts';
import { decodeSigned8, encodeSigned8, type Signed8 } from '../kit/finished.ts';
import { decodeSigns, encodeSigns } from '../adversarial-slice/ahead.ts';
import type { GrowthSweep, PixelBudget } from '../../lib/analysis/linear-growth.ts';
import { linearGrowth as table, linearGrowthSteps, epsilonOf } from './state.ts';
import { growthSweep, logitShift, type LogitShiftResult } from './api.ts';

const sig = (v: number) => Number(v.toPrecision(7));
const row = <T extends object>(p: T): T => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'number' ? sig(v) : v])) as T;
const digits = (v: ArrayLike<number>) => Array.from(v, (x) => rounded(x, 6));
const budget = (b: PixelBudget): PixelBudget => row(b);

export interface AheadShift extends Omit<LogitShiftResult, 'cleanLogits' | 'shift' | 'shiftUnclipped' | 'logitChange' | 'bound' | 'direction' | 'eta' | 'pixels'> {
  cleanLogits: number[];
  shift: number[];
  shiftUnclipped: number[];
  logitChange: number[];
  bound: number[];
  /** sign(∇ₓJ) as '+', '-', '0'. */
  direction: string;
  eta: Signed8;
  /** 8-bit base64. */
  pixels: string;
}

export const plan: AheadPlan = {
  figure: 'linear-growth',
  asks: (() => {
    const d = { n: table.n.default, eps: table.eps.default, seed: table.seed.default, digit: table.digit.default, drawn: table.drawn.default };
    const states = [d, ...linearGrowthSteps.map((s) => ({ ...d, ...s }))];
    const sweeps = new Map<string, AheadPlan['asks'][number]>();
    const shifts = new Map<string, AheadPlan['asks'][number]>();
    for (const s of states) {
      const epsilon = epsilonOf(s.eps);
      // the sweep's key is ε and the seed; it is asked with the state's n among its points (as the figure asks it
      // when it first computes at that ε), about 3 s in Node even to 10⁷
      const sweepKey = { epsilon, seed: s.seed };
      if (!sweeps.has(JSON.stringify(sweepKey))) sweeps.set(JSON.stringify(sweepKey), { request: growthSweep.name, key: sweepKey, ask: { ...sweepKey, n: s.n, grid: true }, models: [] });
      // the digit: one forward and one backward pass of softmax regression, checked again
      const shiftKey = { epsilon, testDigit: s.digit, drawn: s.drawn };
      if (!shifts.has(JSON.stringify(shiftKey))) shifts.set(JSON.stringify(shiftKey), { request: logitShift.name, key: shiftKey, models: ['softmax'], cheap: true });
    }
    return [...sweeps.values(), ...shifts.values()];
  })(),
  encode(request, result) {
    if (request === growthSweep.name) {
      const r = result as GrowthSweep;
      return { epsilon: r.epsilon, seed: r.seed, n: r.n, m: r.m, points: r.points.map(row), curve: r.curve.map(row) } satisfies GrowthSweep;
    }
    const r = result as LogitShiftResult;
    return {
      label: r.label,
      epsilon: r.epsilon,
      testDigit: r.testDigit,
      drawn: r.drawn,
      cleanLogits: digits(r.cleanLogits),
      shift: digits(r.shift),
      shiftUnclipped: digits(r.shiftUnclipped),
      logitChange: digits(r.logitChange),
      bound: digits(r.bound),
      budget: budget(r.budget),
      budgetUnclipped: budget(r.budgetUnclipped),
      direction: encodeSigns(r.direction),
      eta: encodeSigned8(r.eta),
      pixels: encodeUnit8(r.pixels),
    } satisfies AheadShift;
  },
};

export const decodeSweep = (e: GrowthSweep): GrowthSweep => e;

export function decodeShift(e: AheadShift): LogitShiftResult {
  return {
    ...e,
    cleanLogits: Float32Array.from(e.cleanLogits),
    shift: Float32Array.from(e.shift),
    shiftUnclipped: Float32Array.from(e.shiftUnclipped),
    logitChange: Float32Array.from(e.logitChange),
    bound: Float32Array.from(e.bound),
    direction: decodeSigns(e.direction),
    eta: decodeSigned8(e.eta),
    pixels: decodeUnit8(e.pixels),
  };
}

/**
 * attack-ladder's results computed ahead (`npm run ahead`, kit/ahead.ts): every rung of the ladder and the digit's
 * FGSM and PGD-40, for the default state and each scroll step's network, as the figure's runners ask for them.
 * No TensorFlow.js here (page-side).
 */
import { uniqueAsks, decodeUnit8, encodeUnit8, rounded, type AheadAsk, type AheadPlan } from '../kit/ahead.ts';
import { LADDER } from '../../lib/analysis/attack-ladder-rungs.ts';
import { attackLadder as table, attackLadderSteps } from './state.ts';
import { attackLadderDigit, attackLadderRung, type AttackLadderDigitResult, type AttackLadderResult } from './api.ts';

/** The rungs cheap enough for the unit test to compute again (a few gradient passes per digit). */
const CHEAP = new Set(['clean', 'fgsm', 'rfgsm', 'pgd-1']);

interface AheadAttack {
  image: string;
  probabilities: number[];
  predicted: number;
  loss: number;
}

export interface AheadDigit {
  model: string;
  digit: number;
  drawn: string;
  label: number;
  epsilon: number;
  clean: AheadAttack;
  fgsm: AheadAttack;
  pgd: AheadAttack;
  trace: { loss: number[]; trueProbability: number[]; predicted: number[] };
}

export const plan: AheadPlan = {
  figure: 'attack-ladder',
  asks: (() => {
    const d = { model: table.model.default as string, eps: table.eps.default, n: table.n.default as string, digit: table.digit.default, drawn: table.drawn.default };
    const states = [d, ...attackLadderSteps.map((s) => ({ ...d, ...s }))];
    const asks: AheadAsk[] = [];
    for (const s of states) {
      const first = s === d;
      for (const r of LADDER) asks.push({ request: attackLadderRung.name, key: { model: s.model, sample: Number(s.n), epsilon: s.eps, rung: r.id }, models: [s.model], cheap: first && CHEAP.has(r.id) });
      asks.push({ request: attackLadderDigit.name, key: { model: s.model, digit: s.digit, drawn: s.drawn, epsilon: s.eps }, models: [s.model], cheap: first });
    }
    return uniqueAsks(asks);
  })(),
  encode(request, result) {
    if (request === attackLadderRung.name) {
      const r = result as AttackLadderResult;
      const g = r.rung;
      // the seconds Node took are not shown by the figure, and would make every run's file differ
      return { model: r.model, sample: r.sample, epsilon: r.epsilon, rung: { ...g, error: rounded(g.error, 2), trueProbability: rounded(g.trueProbability, 2), seconds: 0 } };
    }
    const r = result as AttackLadderDigitResult;
    const attack = (a: AttackLadderDigitResult['clean']): AheadAttack => ({ image: encodeUnit8(a.image), probabilities: Array.from(a.probabilities, (p) => rounded(p, 4)), predicted: a.predicted, loss: rounded(a.loss, 4) });
    return {
      model: r.model,
      digit: r.digit,
      drawn: r.drawn,
      label: r.label,
      epsilon: r.epsilon,
      clean: attack(r.clean),
      fgsm: attack(r.fgsm),
      pgd: attack(r.pgd),
      trace: { loss: Array.from(r.trace.loss, (v) => Number(v.toPrecision(4))), trueProbability: Array.from(r.trace.trueProbability, (v) => rounded(v, 4)), predicted: Array.from(r.trace.predicted) },
    } satisfies AheadDigit;
  },
};

export const decodeRung = (e: AttackLadderResult): AttackLadderResult => e;

export function decodeDigit(e: AheadDigit): AttackLadderDigitResult {
  const attack = (a: AheadAttack) => ({ image: decodeUnit8(a.image), probabilities: Float32Array.from(a.probabilities), predicted: a.predicted, loss: a.loss });
  return {
    model: e.model,
    digit: e.digit,
    drawn: e.drawn,
    label: e.label,
    epsilon: e.epsilon,
    clean: attack(e.clean),
    fgsm: attack(e.fgsm),
    pgd: attack(e.pgd),
    trace: { loss: Float32Array.from(e.trace.loss), trueProbability: Float32Array.from(e.trace.trueProbability), predicted: Int32Array.from(e.trace.predicted) },
  };
}

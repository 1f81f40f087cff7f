/**
 * logit-sweep's results computed ahead (`npm run ahead`, kit/ahead.ts): the sweep of the default state and of each
 * scroll step's (the steps move the cursor, which needs no new sweep, the model and the range: three sweeps). Kept
 * small: the logits 16-bit, each point's over its largest |v| (kit/ahead-codecs.ts), the class predicted at each ε exactly (a digit
 * each), the test digit 8-bit and its FGSM direction two bits a pixel; the ε of the sweep and the strip's images,
 * x + ε·sign(∇ₓJ), are made again from those when read (the encoder checks that they come out the same). No
 * TensorFlow.js here (page-side).
 */
import { uniqueAsks, type AheadPlan } from '../kit/ahead.ts';
import { decodeInk, decodeRows16, encodeInk, encodeRows16, packTrits, unpackTrits, type Rows16 } from '../kit/ahead-codecs.ts';
import { logitSweep as table, logitSweepSteps, STRIP, SWEEP_POINTS } from './state.ts';
import { logitSweep, type LogitSweepResult } from './api.ts';

export interface AheadSweep {
  model: string;
  digit: number;
  trueLabel: number;
  drawn: string;
  range: number;
  points: number;
  classes: number;
  /** points × classes, each point's ten 16-bit over their largest |v| (the logits far out run to thousands). */
  logits: Rows16;
  /** The class predicted at each ε, one digit each. */
  predicted: string;
  stripIndices: number[];
  /** The test digit x, 8-bit (kit/ahead-codecs.ts). */
  clean: string;
  /** sign(∇ₓJ), two bits a pixel. */
  direction: string;
}

/** ε of the sweep: `points` evenly spaced values from −range to range, as src/lib/analysis/logit-sweep.ts spaces them. */
function epsilonsOf(range: number, points: number): Float32Array {
  const out = new Float32Array(points);
  const half = (points - 1) / 2;
  for (let i = 0; i < points; i++) out[i] = ((i - half) / half) * range;
  return out;
}

/** The strip's images, x + ε·d at the strip's ε, unclipped. */
function stripOf(clean: Float32Array, direction: Float32Array, epsilons: Float32Array, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * 784);
  for (let j = 0; j < indices.length; j++) {
    const e = epsilons[indices[j]];
    for (let i = 0; i < 784; i++) out[j * 784 + i] = clean[i] + e * direction[i];
  }
  return out;
}

export const plan: AheadPlan = {
  figure: 'logit-sweep',
  asks: (() => {
    const d = { digit: table.digit.default, drawn: table.drawn.default, model: table.model.default as string, range: table.range.default };
    return uniqueAsks([d, ...logitSweepSteps.map((s) => ({ ...d, ...s }))].map((s) => {
      const key = { model: s.model, digit: s.digit, drawn: s.drawn, range: s.range, points: SWEEP_POINTS, strip: STRIP };
      // one batch of 601 forward passes each; the shallow softmax regression's, the cheapest, is checked again
      return { request: logitSweep.name, key, models: [s.model], cheap: s.model === 'softmax' };
    }));
  })(),
  encode(_request, result) {
    const r = result as LogitSweepResult;
    const points = r.epsilons.length;
    const epsilons = epsilonsOf(r.range, points);
    if (epsilons.some((e, i) => e !== r.epsilons[i])) throw new RangeError('the sweep’s ε are not spaced as epsilonsOf spaces them');
    const clean = decodeInk(encodeInk(r.clean), 784);
    if (clean.some((v, i) => Math.abs(v - r.clean[i]) > 1e-6)) throw new RangeError('the digit is not 8-bit');
    const strip = stripOf(clean, r.direction, epsilons, r.stripIndices);
    strip.forEach((v, i) => {
      if (Math.abs(v - r.stripImages[i]) > 1e-4) throw new RangeError(`strip pixel ${i}: ${r.stripImages[i]} is not x + ε·d (${v})`);
    });
    return {
      model: r.model,
      digit: r.digit,
      trueLabel: r.trueLabel,
      drawn: r.drawn,
      range: r.range,
      points,
      classes: r.classes,
      logits: encodeRows16(r.logits, r.classes),
      predicted: Array.from(r.predicted).join(''),
      stripIndices: Array.from(r.stripIndices),
      clean: encodeInk(r.clean),
      direction: packTrits(r.direction),
    } satisfies AheadSweep;
  },
};

export function decodeSweep(e: AheadSweep): LogitSweepResult {
  const epsilons = epsilonsOf(e.range, e.points);
  const clean = decodeInk(e.clean, 784);
  const direction = unpackTrits(e.direction, 784);
  return {
    model: e.model,
    digit: e.digit,
    trueLabel: e.trueLabel,
    drawn: e.drawn,
    range: e.range,
    classes: e.classes,
    epsilons,
    logits: decodeRows16(e.logits),
    predicted: Int32Array.from(e.predicted, Number),
    stripIndices: Int32Array.from(e.stripIndices),
    stripImages: stripOf(clean, direction, epsilons, e.stripIndices),
    direction,
    clean,
  };
}

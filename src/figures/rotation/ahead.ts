/**
 * rotation's results computed ahead (`npm run ahead`, kit/ahead.ts): the digit rotated at the default state and at each
 * scroll step's (five angles of test digit 0, one of them its flipping angle), and the smallest flipping angle of every
 * digit of the default sample. Kept small: the digit 8-bit, x′ − x 16-bit over its range (x′ is x plus it, made again
 * when read; the encoder checks it), the flipping angles exact (float32). No TensorFlow.js here (page-side).
 */
import { uniqueAsks, rounded, type AheadPlan } from '../kit/ahead.ts';
import { decodeFloat32, decodeInk, decodeRange16, encodeFloat32, encodeInk, encodeRange16, type Range16 } from '../kit/ahead-codecs.ts';
import { rotation as table, rotationSteps } from './state.ts';
import { rotationExample, rotationSweep, type RotationExampleResult, type RotationSweepResult } from './api.ts';

export interface AheadExample {
  digit: number;
  drawn: string;
  angle: number;
  trueLabel: number;
  /** x, 8-bit (kit/ahead-codecs.ts). */
  clean: string;
  /** x′ − x. */
  change: Range16;
  cleanProbabilities: number[];
  rotatedProbabilities: number[];
  norm: number;
  rotatedNorm: number;
  changeNorm: number;
  hasPlane: boolean;
  /** null for Infinity (no rotation up to 90° flips it). */
  flipAngle: number | null;
}

export interface AheadSweep {
  model: string;
  sample: number;
  /** Every digit's smallest flipping angle, float32. */
  angles: string;
  maxDegrees: number;
  resolution: number;
}

const probabilities = (p: Float32Array) => Array.from(p, (v) => rounded(v, 6));

export const plan: AheadPlan = {
  figure: 'rotation',
  asks: (() => {
    const d = { angle: table.angle.default, atFlip: table.atFlip.default, digit: table.digit.default, drawn: table.drawn.default, model: table.model.default as string, sample: table.sample.default as string };
    const states = [d, ...rotationSteps.map((s) => ({ ...d, ...s }))];
    const examples = states.map((s) => {
      const key = { model: s.model, digit: s.digit, drawn: s.drawn, angle: s.angle, atFlip: s.atFlip };
      // one digit: its flipping angle and one rotation, a fraction of a second; θ = 0 is checked again
      return { request: rotationExample.name, key, models: [s.model], cheap: s.angle === 0 && !s.atFlip };
    });
    const sweeps = states.map((s) => ({
      request: rotationSweep.name,
      key: { model: s.model, sample: Number(s.sample) },
      models: [s.model],
      // every digit's flipping angle on the shallow softmax regression: under a second in Node, checked again too
      cheap: true,
    }));
    return uniqueAsks([...examples, ...sweeps]);
  })(),
  encode(request, result) {
    if (request === rotationSweep.name) {
      const r = result as RotationSweepResult;
      return { model: r.model, sample: r.sample, angles: encodeFloat32(r.angles), maxDegrees: r.maxDegrees, resolution: r.resolution } satisfies AheadSweep;
    }
    const r = result as RotationExampleResult;
    const clean = decodeInk(encodeInk(r.clean), 784);
    const change = encodeRange16(r.change);
    const back = decodeRange16(change);
    clean.forEach((v, i) => {
      if (Math.abs(v - r.clean[i]) > 1e-6) throw new RangeError(`pixel ${i} of the digit is not 8-bit`);
      if (Math.abs(v + back[i] - r.rotated[i]) > 1e-3) throw new RangeError(`pixel ${i}: x′ = ${r.rotated[i]} is not x + (x′ − x) = ${v + back[i]}`);
    });
    return {
      digit: r.digit,
      drawn: r.drawn,
      angle: r.angle,
      trueLabel: r.trueLabel,
      clean: encodeInk(r.clean),
      change,
      cleanProbabilities: probabilities(r.cleanProbabilities),
      rotatedProbabilities: probabilities(r.rotatedProbabilities),
      norm: rounded(r.norm, 6),
      rotatedNorm: rounded(r.rotatedNorm, 6),
      changeNorm: rounded(r.changeNorm, 6),
      hasPlane: r.hasPlane,
      flipAngle: Number.isFinite(r.flipAngle) ? rounded(r.flipAngle, 6) : null,
    } satisfies AheadExample;
  },
};

export function decodeExample(e: AheadExample): RotationExampleResult {
  const clean = decodeInk(e.clean, 784);
  const change = decodeRange16(e.change);
  return {
    ...e,
    clean,
    change,
    rotated: clean.map((v, i) => v + change[i]),
    cleanProbabilities: Float32Array.from(e.cleanProbabilities),
    rotatedProbabilities: Float32Array.from(e.rotatedProbabilities),
    flipAngle: e.flipAngle ?? Infinity,
  };
}

export function decodeSweep(e: AheadSweep): RotationSweepResult {
  return { ...e, angles: decodeFloat32(e.angles) };
}

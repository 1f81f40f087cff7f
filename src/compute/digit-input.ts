/**
 * The digit a figure's request names: one of the 10,000 test digits, or the reader's drawing (its code,
 * src/lib/data/drawing-code.ts), which then replaces it. A drawing has no label: its label is the class the
 * model gives it, so an attack on it pushes it away from the model's own answer.
 *
 *   const x = await digitOrDrawing(ctx, r, model);   // r: { digit, drawn? }
 */
import type { RequestContext } from './handler.ts';
import type { Model } from '../lib/analysis/batch.ts';
import { predict } from '../lib/analysis/batch.ts';
import { decodeDrawing } from '../lib/data/drawing-code.ts';
import { ComputeError } from './context.ts';

/** What a request says about its digit: a test digit's index, and a drawing's code ('' or absent for none). */
export interface DigitChoice {
  digit: number;
  drawn?: string;
}

export interface ChosenDigit {
  /** The test digit asked for (kept in the answer even when a drawing replaced it). */
  digit: number;
  /** The drawing's code, '' for the test digit. */
  drawn: string;
  /** 784 pixels in [0, 1]. */
  pixels: Float32Array;
  /** The test digit's label; for a drawing, the class the model gives it. */
  label: number;
}

/** A drawing's pixels, or an input error that says what is wrong with its code. */
export function drawingPixels(code: unknown): Float32Array {
  try {
    if (typeof code !== 'string') throw new Error('not text');
    return decodeDrawing(code);
  } catch (e) {
    throw new ComputeError({ kind: 'input', message: `the drawing: ${(e as Error).message}` });
  }
}

/** The request's test digit, or its drawing labelled with the model's own answer. */
export async function digitOrDrawing(ctx: RequestContext, r: DigitChoice, model: Model): Promise<ChosenDigit> {
  const digit = ctx.check.integer('the test digit', r.digit, 0, 9999);
  if (r.drawn) {
    const pixels = drawingPixels(r.drawn);
    const label = (await predict(model, pixels)).predicted[0];
    return { digit, drawn: r.drawn, pixels, label };
  }
  const { pixels, label } = await ctx.testDigit(digit);
  return { digit, drawn: '', pixels, label };
}

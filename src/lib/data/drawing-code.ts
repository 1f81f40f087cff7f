/**
 * A drawn digit as a short text for a figure's URL state: its 784 pixels as bytes (0–255, as MNIST stores them),
 * each run of blank pixels written as a 0 byte and its length, then base64url. A digit drawn as MNIST's are (ink on
 * about a fifth of the pixels) takes about 300 characters. No DOM, no TensorFlow.js.
 */
import { PIXELS } from './idx.ts';

export class DrawingCodeError extends Error {}

/** Pixels in [0, 1] rounded to the 256 levels MNIST has (what the code keeps, so compute on these). */
export function quantiseDrawing(pixels: Float32Array): Float32Array {
  return Float32Array.from(pixels, (p) => Math.round(Math.min(1, Math.max(0, p)) * 255) / 255);
}

export function encodeDrawing(pixels: Float32Array): string {
  if (pixels.length !== PIXELS) throw new DrawingCodeError(`a drawing has ${PIXELS} pixels, got ${pixels.length}`);
  const out: number[] = [];
  for (let i = 0; i < PIXELS; ) {
    const v = Math.round(Math.min(1, Math.max(0, pixels[i])) * 255);
    if (v > 0) {
      out.push(v);
      i++;
      continue;
    }
    let run = 0;
    while (i < PIXELS && run < 255 && Math.round(Math.min(1, Math.max(0, pixels[i])) * 255) === 0) {
      run++;
      i++;
    }
    out.push(0, run);
  }
  let binary = '';
  for (const b of out) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeDrawing(code: string): Float32Array {
  if (!/^[A-Za-z0-9_-]{2,1100}$/.test(code)) throw new DrawingCodeError('not a drawing’s code (base64url, at most 1,100 characters)');
  let binary: string;
  try {
    binary = atob(code.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    throw new DrawingCodeError('not a drawing’s code (base64url)');
  }
  const pixels = new Float32Array(PIXELS);
  let i = 0;
  for (let k = 0; k < binary.length; k++) {
    const b = binary.charCodeAt(k);
    if (b === 0) {
      const run = binary.charCodeAt(++k);
      if (!(run > 0)) throw new DrawingCodeError('a run of blank pixels without its length');
      i += run;
    } else {
      if (i < PIXELS) pixels[i] = b / 255;
      i++;
    }
    if (i > PIXELS) throw new DrawingCodeError(`more than ${PIXELS} pixels`);
  }
  if (i !== PIXELS) throw new DrawingCodeError(`${i} pixels, not ${PIXELS}`);
  if (!pixels.some((p) => p > 0)) throw new DrawingCodeError('no ink');
  return pixels;
}

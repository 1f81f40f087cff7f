/**
 * Turning a 28×28 array into RGBA pixels, the same way in the browser (canvas)
 * and in Node (the build's poster images). Digits are drawn as dark ink on
 * paper; a perturbation in {−1, 0, 1} (or any signed field) as a diverging map.
 */
export type Rgb = readonly [number, number, number];

export interface DigitPalette {
  paper: Rgb;
  ink: Rgb;
}

export interface SignedPalette {
  negative: Rgb;
  zero: Rgb;
  positive: Rgb;
}

export const lightDigit: DigitPalette = { paper: [255, 255, 255], ink: [20, 20, 28] };
/** A purple–orange diverging map (ColorBrewer PuOr's ends): red is kept for a fooled model. */
export const signedPalette: SignedPalette = { negative: [84, 39, 136], zero: [247, 247, 247], positive: [179, 88, 6] };


/** values in [0, 1] (clamped), 0 = paper, 1 = ink. */
export function digitRgba(values: ArrayLike<number>, palette: DigitPalette = lightDigit): Uint8ClampedArray {
  // written out per channel, with no array made per pixel: a figure redraws its digits on every slider move
  const out = new Uint8ClampedArray(values.length * 4);
  const [p0, p1, p2] = palette.paper;
  const d0 = palette.ink[0] - p0;
  const d1 = palette.ink[1] - p1;
  const d2 = palette.ink[2] - p2;
  for (let i = 0, k = 0; i < values.length; i++, k += 4) {
    const t = Math.min(1, Math.max(0, values[i]));
    out[k] = p0 + d0 * t;
    out[k + 1] = p1 + d1 * t;
    out[k + 2] = p2 + d2 * t;
    out[k + 3] = 255;
  }
  return out;
}

/** values scaled by `scale` into [−1, 1] (clamped). */
export function signedRgba(values: ArrayLike<number>, scale = 1, palette: SignedPalette = signedPalette): Uint8ClampedArray {
  const out = new Uint8ClampedArray(values.length * 4);
  const z = palette.zero;
  const pos = palette.positive;
  const neg = palette.negative;
  for (let i = 0, k = 0; i < values.length; i++, k += 4) {
    const t = Math.min(1, Math.max(-1, values[i] / scale));
    const end = t >= 0 ? pos : neg;
    const a = t >= 0 ? t : -t;
    out[k] = z[0] + (end[0] - z[0]) * a;
    out[k + 1] = z[1] + (end[1] - z[1]) * a;
    out[k + 2] = z[2] + (end[2] - z[2]) * a;
    out[k + 3] = 255;
  }
  return out;
}

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
  // the palette read once, per channel, into numbers: a palette held in a figure's state is a reactive proxy, and a
  // read of it per pixel (six per pixel, 784 pixels a filter, 60 filters an answer) cost a dragged figure seconds
  const out = new Uint8ClampedArray(values.length * 4);
  const [z0, z1, z2] = palette.zero;
  const [p0, p1, p2] = palette.positive;
  const [n0, n1, n2] = palette.negative;
  const dp0 = p0 - z0, dp1 = p1 - z1, dp2 = p2 - z2;
  const dn0 = n0 - z0, dn1 = n1 - z1, dn2 = n2 - z2;
  for (let i = 0, k = 0; i < values.length; i++, k += 4) {
    const t = Math.min(1, Math.max(-1, values[i] / scale));
    if (t >= 0) {
      out[k] = z0 + dp0 * t;
      out[k + 1] = z1 + dp1 * t;
      out[k + 2] = z2 + dp2 * t;
    } else {
      out[k] = z0 - dn0 * t;
      out[k + 1] = z1 - dn1 * t;
      out[k + 2] = z2 - dn2 * t;
    }
    out[k + 3] = 255;
  }
  return out;
}

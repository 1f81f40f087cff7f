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

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];

/** values in [0, 1] (clamped), 0 = paper, 1 = ink. */
export function digitRgba(values: ArrayLike<number>, palette: DigitPalette = lightDigit): Uint8ClampedArray {
  const out = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const t = Math.min(1, Math.max(0, values[i]));
    const c = mix(palette.paper, palette.ink, t);
    out.set([c[0], c[1], c[2], 255], i * 4);
  }
  return out;
}

/** values scaled by `scale` into [−1, 1] (clamped). */
export function signedRgba(values: ArrayLike<number>, scale = 1, palette: SignedPalette = signedPalette): Uint8ClampedArray {
  const out = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const t = Math.min(1, Math.max(-1, values[i] / scale));
    const c = t >= 0 ? mix(palette.zero, palette.positive, t) : mix(palette.zero, palette.negative, -t);
    out.set([c[0], c[1], c[2], 255], i * 4);
  }
  return out;
}

/** A grid of classes (row 0 at the bottom) as RGBA pixels, one per grid point, in the site's class colours. */
import { classColors } from '../theme.ts';

export function hexToRgb(hex: string): [number, number, number] {
  const h = hex.replace('#', '');
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

export function classMapPixels(classes: ArrayLike<number>, n: number, colors: readonly string[] = classColors): Uint8ClampedArray {
  const rgb = colors.map(hexToRgb);
  const out = new Uint8ClampedArray(n * n * 4);
  for (let i = 0; i < n; i++) {
    const row = n - 1 - i; // the grid's second axis grows upwards
    for (let j = 0; j < n; j++) {
      const [r, g, b] = rgb[classes[i * n + j] % rgb.length];
      const o = (row * n + j) * 4;
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      out[o + 3] = 255;
    }
  }
  return out;
}

/**
 * A class map shaded by confidence, as RGBA pixels in the grid's own row order (its first row is the
 * image's top row): each point in its class's colour, as opaque as the model is sure (up to maxAlpha).
 */
export function confidencePixels(classes: ArrayLike<number>, confidence: ArrayLike<number>, n: number, maxAlpha = 230, colors: readonly string[] = classColors): Uint8ClampedArray {
  const rgb = colors.map(hexToRgb);
  const out = new Uint8ClampedArray(n * n * 4);
  for (let i = 0; i < n * n; i++) out.set([...rgb[classes[i] % rgb.length], Math.round(maxAlpha * confidence[i])], 4 * i);
  return out;
}

/** RGBA pixels (width × height) as a PNG data URL; null where there is no canvas (the server). */
export function pixelsToDataUrl(pixels: Uint8ClampedArray, width: number, height: number): string | null {
  if (typeof document === 'undefined') return null;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const img = ctx.createImageData(width, height);
  img.data.set(pixels);
  ctx.putImageData(img, 0, 0);
  return canvas.toDataURL('image/png');
}

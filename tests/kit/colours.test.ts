/**
 * Colour means one thing: red is the colour of a fooled model (a wrong answer, an error under attack), and nothing
 * else is drawn in a hue close to it; the signed map's two sides and the text drawn in them are legible on the
 * figure's background in both themes (WCAG AA, 4.5:1).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { signedPalette, type Rgb } from '../../src/lib/data/image.ts';

const css = readFileSync('src/styles/global.css', 'utf8') + readFileSync('src/figures/kit/kit.css', 'utf8');
const hex = (h: string): Rgb => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as unknown as Rgb;
/** A token's light and dark values, from `--name: light-dark(#light, #dark);`. */
function token(name: string): { light: Rgb; dark: Rgb } {
  const m = css.match(new RegExp(`--${name}:\\s*light-dark\\((#[0-9a-f]{6}),\\s*(#[0-9a-f]{6})\\)`, 'i'));
  if (!m) throw new Error(`--${name} is not a light-dark() pair of hex colours`);
  return { light: hex(m[1]), dark: hex(m[2]) };
}
const luminance = (c: Rgb) => {
  const [r, g, b] = c.map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrast = (a: Rgb, b: Rgb) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};
/** Hue in degrees (HSL). */
function hue([r, g, b]: Rgb): number {
  const [R, G, B] = [r / 255, g / 255, b / 255];
  const max = Math.max(R, G, B), min = Math.min(R, G, B), d = max - min;
  if (d === 0) return NaN;
  const h = max === R ? ((G - B) / d) % 6 : max === G ? (B - R) / d + 2 : (R - G) / d + 4;
  return (h * 60 + 360) % 360;
}
const hueDistance = (a: number, b: number) => Math.min(Math.abs(a - b), 360 - Math.abs(a - b));

describe('colour means one thing', () => {
  const red = token('adversarial');
  it('the signed map (perturbations, weights, filters) is purple to orange, at least 25° of hue away from the red of a fooled model', () => {
    for (const c of [signedPalette.negative, signedPalette.positive, token('pos').light, token('pos').dark, token('neg').light, token('neg').dark]) {
      expect(hueDistance(hue(c), hue(red.light))).toBeGreaterThanOrEqual(25);
      expect(hueDistance(hue(c), hue(red.dark))).toBeGreaterThanOrEqual(25);
    }
  });
  it('the attack’s own marks are drawn in ink, not red', () => {
    expect(css).toMatch(/--attack:\s*var\(--fg\)/);
  });
  it('text in the signed colours and in red reads on the figure’s background in both themes (4.5:1)', () => {
    const bg = token('figure-bg');
    for (const name of ['pos', 'neg', 'adversarial', 'clean']) {
      const t = token(name);
      expect(contrast(t.light, bg.light), `--${name} on light`).toBeGreaterThanOrEqual(4.5);
      expect(contrast(t.dark, bg.dark), `--${name} on dark`).toBeGreaterThanOrEqual(4.5);
    }
  });
  it('the signed map’s two ends stand apart from its white middle (3:1), so a sign is visible in a 28×28 image', () => {
    for (const c of [signedPalette.negative, signedPalette.positive]) expect(contrast(c, signedPalette.zero)).toBeGreaterThanOrEqual(3);
  });
});

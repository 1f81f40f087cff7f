/**
 * The @font-face rules of the text faces (@fontsource) and of KaTeX, trimmed at build time to what a browser that
 * runs this site can use and what its text can reach:
 *
 * - only the WOFF2 source of each face: every browser with ES modules in workers and WebAssembly reads WOFF2, so the
 *   WOFF and TrueType fallbacks after it are never fetched, only carried in every page's stylesheet;
 * - no faces for the scripts the site's text never sets (`UNUSED_SUBSETS`: Cyrillic, extended Greek; each face
 *   applies only to the characters of its `unicode-range`, so removing one changes nothing while the text has none
 *   of them; tests/unit/build-plugins.test.ts checks the sources for such characters).
 */
import type { Plugin } from 'vite';

/** The @fontsource subsets whose characters the site's text does not use. */
export const UNUSED_SUBSETS = ['cyrillic-ext', 'cyrillic', 'greek-ext'] as const;

/** The character ranges of those subsets (as @fontsource declares them, for Inter and Source Serif 4). */
export const UNUSED_RANGES: readonly [number, number][] = [
  [0x0400, 0x052f],
  [0x1c80, 0x1c8a],
  [0x2de0, 0x2dff],
  [0xa640, 0xa69f],
  [0xfe2e, 0xfe2f],
  [0x1f00, 0x1fff],
];

const FACE = /(\/\*[^*]*\*\/\s*)?@font-face\s*\{[^}]*\}/g;
const unused = new RegExp(`-(${UNUSED_SUBSETS.join('|')})-\\d+-(normal|italic)\\b`);
const FALLBACK = /,\s*url\([^)]*\)\s*format\(\s*(['"])(woff|truetype)\1\s*\)/g;

/** A stylesheet's @font-face rules without the unused subsets' faces and with only their WOFF2 sources. */
export function trimFontFaces(css: string): string {
  return css.replace(FACE, (face) => (unused.test(face) ? '' : face.replace(FALLBACK, '')));
}

const FONT_CSS = /(@fontsource\/[^/]+\/[^/?]+\.css|katex\/dist\/katex(\.min)?\.css)(\?.*)?$/;

export function fontFaces(): Plugin {
  return {
    name: 'harnessing-font-faces',
    enforce: 'pre',
    transform(code, id) {
      if (!FONT_CSS.test(id.split('\\').join('/'))) return undefined;
      return { code: trimFontFaces(code), map: null };
    },
  };
}

/**
 * KaTeX's stylesheet, cut at build time to the rules the article's formulas use.
 *
 * `katex.min.css` styles everything KaTeX can typeset (arrays, boxes, stretchy arrows, \cancel, \mathscr…) in about
 * 24 KB; the article's formulas use a fraction of it. Every formula of the sources (`content/`, found as remark-math
 * finds them: math-sources.ts) is rendered here with KaTeX, with the options the article's rehype-katex uses,
 * and PurgeCSS keeps the rules whose selectors match that markup, and the @font-face rules of the faces those rules
 * name. KaTeX's markup depends only on the TeX, so the same formulas give the same classes on the built page;
 * tests/e2e/maths.spec.ts checks the built page against the stylesheet it loads (a class of KaTeX's on the page whose
 * rule is missing fails), and tests/unit/build-plugins.test.ts the cut itself.
 */
import katex from 'katex';
import { PurgeCSS } from 'purgecss';
import type { Plugin } from 'vite';
import { contentFiles, formulas } from './math-sources.ts';

/** The options the article renders its formulas with (astro.config.mjs: rehype-katex). */
export const KATEX_OPTIONS = { output: 'htmlAndMathml', throwOnError: false } as const;

/** KaTeX's markup for every formula of the article's sources. */
export function articleMath(dir?: string): string {
  return contentFiles(dir)
    .filter((f) => f.endsWith('.mdx') || f.endsWith('.md'))
    .flatMap((f) => formulas(f))
    .map((f) => katex.renderToString(f.tex, { ...KATEX_OPTIONS, displayMode: f.display }))
    .join('\n');
}

const FACE = /@font-face\s*\{[^}]*\}/g;

/**
 * The rules of KaTeX's stylesheet that `markup` uses, with the @font-face rules of the families they name. (PurgeCSS's
 * own pruning of faces reads only `font-family` declarations, and KaTeX sets its main face in the `font` shorthand of
 * `.katex`: it would drop KaTeX_Main.)
 */
export async function cutKatexCss(css: string, markup: string): Promise<string> {
  const [result] = await new PurgeCSS().purge({
    content: [{ raw: `<div>${markup}</div>`, extension: 'html' }],
    css: [{ raw: css }],
    keyframes: true,
    // the wrapper classes rehype-katex writes itself, and the one a formula KaTeX cannot parse gets
    safelist: ['katex', 'katex-display', 'katex-html', 'katex-mathml', 'katex-error'],
  });
  const rules = result.css.replace(FACE, '');
  return result.css.replace(FACE, (face) => {
    const family = /font-family:\s*(['"]?)([^;'"}]+)\1/.exec(face)?.[2].trim();
    return family && new RegExp(`(font|font-family):[^;}]*\\b${family}\\b`).test(rules) ? face : '';
  });
}

const KATEX_CSS = /katex\/dist\/katex(\.min)?\.css(\?.*)?$/;

/** The Vite plugin: KaTeX's stylesheet, wherever a page imports it, cut to the article's formulas. */
export function katexCss(dir?: string): Plugin {
  let markup: string | null = null;
  return {
    name: 'harnessing-katex-css',
    enforce: 'pre',
    async transform(code, id) {
      if (!KATEX_CSS.test(id.split('\\').join('/'))) return undefined;
      markup ??= articleMath(dir);
      return { code: await cutKatexCss(code, markup), map: null };
    },
  };
}

/**
 * The TeX written in the article's sources, found the way remark-math finds it:
 * `$$ … $$` blocks and `$ … $` spans, outside frontmatter, code and import lines.
 * Shared by the unit test on the sources, the browser-suite test on the built page and the build's cut of KaTeX's
 * stylesheet (katex-css.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Formula {
  file: string;
  line: number;
  display: boolean;
  tex: string;
}

export const contentDir = 'content';

/** Every text file of the article's sources (chapters, references, data). */
export function contentFiles(dir = contentDir): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(mdx|md|bib|json)$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** Blank out what is not prose (keeping line numbers): frontmatter, fenced code, inline code, import/export lines. */
function prose(text: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  return text
    .replace(/^---\n[\s\S]*?\n---\n/, blank)
    .replace(/^```[\s\S]*?^```/gm, blank)
    .replace(/`[^`\n]*`/g, blank)
    .replace(/^(import|export) .*$/gm, blank);
}

export function formulas(file: string, text = readFileSync(file, 'utf8')): Formula[] {
  const src = prose(text);
  const out: Formula[] = [];
  const lineOf = (i: number) => src.slice(0, i).split('\n').length;
  // display maths first, then blank it so that its dollars are not read as inline maths
  const withoutDisplay = src.replace(/\$\$([\s\S]+?)\$\$/g, (m, tex: string, i: number) => {
    out.push({ file, line: lineOf(i), display: true, tex: tex.trim() });
    return m.replace(/[^\n]/g, ' ');
  });
  for (const m of withoutDisplay.matchAll(/(?<![\\$])\$(?!\$)((?:\\\$|[^$])+?)\$/g)) {
    out.push({ file, line: lineOf(m.index!), display: false, tex: m[1].trim() });
  }
  return out.sort((a, b) => a.line - b.line);
}

/**
 * Tails of TeX commands whose first letter is also a string escape (\r, \t, \n, \f, \b, \v):
 * written through an API that reads escapes, `\rVert` becomes a line break and `Vert`.
 * A tail standing alone in TeX, not after a backslash, is the mark of that damage.
 */
export const escapedCommandTails = [
  'Vert', 'vert', 'ightarrow', 'ho', 'angle', 'brace', 'brack', // \r…
  'op', 'heta', 'au', 'imes', 'ext', 'ilde', 'frac', 'extbf', // \t…
  'abla', 'eq', 'ot', 'ewline', // \n…
  'rac', 'orall', // \f…
  'eta', 'ig', 'ar', 'oldsymbol', 'egin', // \b…
  'arepsilon', 'ec', 'arphi', // \v…
];

/** A command tail right after a control character inside a formula (the escape became that character). */
export function brokenEscape(tex: string): string | null {
  for (const m of tex.matchAll(/[\x00-\x1f\x7f]([A-Za-z]+)/g)) {
    if (escapedCommandTails.includes(m[1])) return m[1];
  }
  return null;
}

/**
 * The article's sources as text: no control character but the newline (a `\rVert` or `\top`
 * written through an API that reads escapes becomes a carriage return or a line break plus
 * `Vert`, or a tab plus `op`, and KaTeX renders that without complaint), and no formula in which
 * a TeX command has lost its backslash that way. The built page is checked in tests/e2e/maths.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { brokenEscape, contentFiles, formulas } from '../../scripts/lib/math-sources.ts';

const files = contentFiles();

describe('content sources', () => {
  it('finds the chapters and their maths', () => {
    expect(files.filter((f) => f.endsWith('.mdx')).length).toBeGreaterThanOrEqual(12);
    // §5 alone writes its loss and the ε‖w‖₁ penalty many times
    const five = formulas('content/05-adversarial-training-linear.mdx');
    expect(five.filter((f) => f.display).length).toBeGreaterThanOrEqual(3);
    expect(five.filter((f) => f.tex.includes('\\lVert w \\rVert_1')).length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('%s has no control character other than the newline', (file) => {
    const lines = readFileSync(file, 'utf8').split('\n');
    const bad = lines
      .map((line, i) => ({ line: i + 1, at: line.search(/[\x00-\x09\x0b-\x1f\x7f]/) }))
      .filter((l) => l.at >= 0)
      .map((l) => `line ${l.line}, column ${l.at + 1}: ${JSON.stringify(lines[l.line - 1].slice(Math.max(0, l.at - 20), l.at + 20))}`);
    expect(bad).toEqual([]);
  });

  it.each(files.filter((f) => f.endsWith('.mdx')))('%s: every formula keeps its backslashes', (file) => {
    const broken = formulas(file)
      .map((f) => ({ ...f, word: brokenEscape(f.tex) }))
      .filter((f) => f.word !== null)
      .map((f) => `line ${f.line}: "${f.word}" after a control character in ${JSON.stringify(f.tex)}`);
    expect(broken).toEqual([]);
  });

  it('reads a damaged formula as damaged (the check can fail)', () => {
    const damaged = 'a margin of $\\epsilon \\lVert w \nVert_1$ and $y(w^\top x + b)$.';
    const found = formulas('damaged.mdx', damaged);
    expect(found.map((f) => brokenEscape(f.tex))).toEqual(['Vert', 'op']);
    expect(formulas('fine.mdx', 'a margin of $\\epsilon \\lVert w \\rVert_1$ and $$\nw^\\top x\n$$').map((f) => brokenEscape(f.tex))).toEqual([
      null,
      null,
    ]);
  });
});

/**
 * The maths on the built page is the maths in the sources. KaTeX renders broken TeX without an
 * error when the damage leaves valid TeX (`\rVert` become a line break and `Vert`: "‖wVert₁"), so:
 * - every `$…$` and `$$…$$` of the sources has a KaTeX annotation on the built page holding the
 *   same TeX, and no annotation holds a command that lost its backslash;
 * - a short list of formulas is checked as rendered: the symbols a reader sees.
 * Reads the build the rest of the browser suite serves (E2E_DIST, default dist/), and fails when
 * there is none; then checks the same formulas in the page as Chromium shows it.
 */
import { expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { brokenEscape, contentFiles, formulas } from '../../scripts/lib/math-sources.ts';

const dist = process.env.E2E_DIST ?? 'dist';
const page = join(dist, 'index.html');

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');

interface Rendered {
  tex: string;
  /** What the reader sees: the text of KaTeX's HTML rendering (the aria-hidden part). */
  seen: string;
}

/** Every KaTeX formula of the built page, with its annotation and the text of its HTML rendering. */
function rendered(html: string): Rendered[] {
  const out: Rendered[] = [];
  for (const m of html.matchAll(/<annotation encoding="application\/x-tex">([\s\S]*?)<\/annotation>/g)) {
    // the visible rendering follows the MathML in the same .katex span: up to the next formula
    const rest = html.slice(m.index! + m[0].length);
    const end = rest.search(/<span class="katex">|<annotation /);
    const seen = decode((end < 0 ? rest : rest.slice(0, end)).replace(/<[^>]*>/g, '')).replace(/[\u200b\s]+/g, ' ').trim();
    out.push({ tex: decode(m[1]), seen });
  }
  return out;
}

function builtPage(): string {
  if (!existsSync(page)) throw new Error(`${page} is missing: build the site first (npx astro build); the maths check needs the built page`);
  return readFileSync(page, 'utf8');
}

test('every formula of the sources is on the built page as written', () => {
  const built = rendered(builtPage());
  expect(built.length).toBeGreaterThan(100);
  const annotations = new Map<string, number>();
  for (const r of built) annotations.set(r.tex.trim(), (annotations.get(r.tex.trim()) ?? 0) + 1);
  const sources = contentFiles()
    .filter((f) => f.endsWith('.mdx'))
    .flatMap((f) => formulas(f));
  expect(sources.length).toBeGreaterThan(100);
  const needed = new Map<string, number>();
  for (const f of sources) needed.set(f.tex, (needed.get(f.tex) ?? 0) + 1);
  const missing = sources
    .filter((f) => (annotations.get(f.tex) ?? 0) < needed.get(f.tex)!)
    .map((f) => `${f.file}:${f.line} ${JSON.stringify(f.tex)}`);
  expect(missing).toEqual([]);
  // and no formula on the page, from the sources or anywhere else, has lost a backslash
  const broken = built.filter((r) => brokenEscape(r.tex) !== null).map((r) => JSON.stringify(r.tex));
  expect(broken).toEqual([]);
});

/** TeX as written in the sources → what must be seen, and what must not. */
const checks: { tex: string; sees: string[]; never: string[] }[] = [
  // §5: the adversarial penalty, in the text and in the objective
  { tex: '\\epsilon \\lVert w \\rVert_1', sees: ['ϵ', '∥w∥', '1'], never: ['Vert', 'rVert'] },
  {
    tex: '\\mathbb{E}_{x, y}\\; \\zeta\\big(\\epsilon \\lVert w \\rVert_1 - y\\,(w^\\top x + b)\\big) .',
    sees: ['ζ', 'ϵ', '∥w∥', '⊤'],
    never: ['Vert', 'op'],
  },
  { tex: 'y(w^\\top x + b)', sees: ['⊤'], never: ['op'] },
  { tex: '\\lambda \\lVert w \\rVert_1', sees: ['λ', '∥w∥'], never: ['Vert'] },
  // §4: FGSM
  { tex: '\\eta = \\epsilon \\operatorname{sign}\\!\\big(\\nabla_x J(\\theta, x, y)\\big), \\qquad \\tilde x = x + \\eta .', sees: ['η', 'ϵ', 'sign', '∇', 'θ'], never: ['abla', 'heta'] },
];

test('a short list of formulas renders with the right symbols', () => {
  const built = rendered(builtPage());
  for (const c of checks) {
    const found = built.filter((r) => r.tex.trim() === c.tex);
    expect(found.length, `${c.tex} is on the page`).toBeGreaterThan(0);
    for (const r of found) {
      for (const s of c.sees) expect(r.seen, `${c.tex} shows ${s}`).toContain(s);
      for (const s of c.never) expect(r.seen, `${c.tex} never shows ${s}`).not.toContain(s);
    }
  }
});

test('in the browser, §5 shows ‖w‖₁ and wᵀ, never "Vert" or "op"', async ({ page: tab }) => {
  await tab.goto('/');
  const five = tab.locator('#adversarial-training-linear');
  const seen = await five.locator('.katex-html').allInnerTexts();
  expect(seen.length).toBeGreaterThan(10);
  for (const s of seen) {
    expect(s).not.toMatch(/Vert|\bop\b/);
  }
  expect(seen.filter((s) => /∥\s*w\s*∥/.test(s)).length).toBeGreaterThanOrEqual(8);
  expect(seen.filter((s) => s.includes('⊤')).length).toBeGreaterThanOrEqual(4);
});

test('KaTeX’s stylesheet, cut at build time to the formulas of the sources, styles every formula on the page', async ({ page: tab }) => {
  const full = readFileSync(createRequire(import.meta.url).resolve('katex/dist/katex.min.css'), 'utf8').replace(/@font-face\{[^}]*\}/g, '');
  await tab.goto('/');
  // every selector of KaTeX's full stylesheet that matches an element of the page (the browser's own matching), and
  // every selector of the stylesheets the page loaded
  const { needed, missing, faces } = await tab.evaluate(async (text) => {
    const selectors = (rules: CSSRuleList, out: string[] = []): string[] => {
      for (const r of rules) {
        if (r instanceof CSSStyleRule) out.push(...r.selectorText.split(',').map((s) => s.trim()));
        else if ('cssRules' in r) selectors((r as CSSGroupingRule).cssRules, out);
      }
      return out;
    };
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    const matches = (s: string) => {
      try {
        return document.querySelector(s.replace(/::?(before|after|first-line|selection)\b/g, '') || '*') !== null;
      } catch {
        return false;
      }
    };
    const needed = [...new Set(selectors(sheet.cssRules))].filter(matches);
    const loaded = new Set([...document.styleSheets].flatMap((s) => selectors(s.cssRules)));
    await document.fonts.ready;
    const faces = [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replace(/"/g, ''));
    return { needed, missing: needed.filter((s) => !loaded.has(s)), faces };
  }, full);
  expect(needed.length).toBeGreaterThan(30);
  expect(missing).toEqual([]);
  // and the faces it sets the formulas in loaded: the main one, and the italic of the variables
  expect(faces).toContain('KaTeX_Main');
  expect(faces).toContain('KaTeX_Math');
});

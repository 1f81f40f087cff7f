/**
 * The build-time transforms of astro.config.mjs, on the real sources they work on: every Svelte component's CSS in
 * one stylesheet and each figure's in its embed page (scripts/lib/island-css.ts), the fonts' @font-face rules trimmed
 * (scripts/lib/font-faces.ts), KaTeX's stylesheet cut to the article's formulas (scripts/lib/katex-css.ts), and TensorFlow.js's
 * threaded wasm factory made self-contained (scripts/lib/threaded-wasm.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'svelte/compiler';
import { describe, expect, it } from 'vitest';
import { componentCss, cssHash, figureComponents, figureCss } from '../../scripts/lib/island-css.ts';
import { trimFontFaces, UNUSED_RANGES } from '../../scripts/lib/font-faces.ts';
import { selfContainedThreadedWasm } from '../../scripts/lib/threaded-wasm.ts';
import { articleMath, cutKatexCss } from '../../scripts/lib/katex-css.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

function svelteFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? svelteFiles(p) : n.endsWith('.svelte') ? [p] : [];
  });
}

describe('island CSS', () => {
  const css = componentCss(root);

  /** Components that carry their own styles in their JavaScript (`<svelte:options css="injected" />`). */
  const injected = (f: string) => /<svelte:options[^>]*\bcss="injected"/.test(readFileSync(f, 'utf8'));

  it('holds the styles of every component that has a <style> block, and of no other', () => {
    const styled = svelteFiles(join(root, 'src'))
      .filter((f) => /<style[\s>]/.test(readFileSync(f, 'utf8')) && !injected(f))
      .map((f) => relative(root, f).split('\\').join('/'))
      .sort();
    expect(styled.length).toBeGreaterThan(20);
    expect([...css.keys()].sort()).toEqual(styled);
  });

  it('leaves out only the styles of components that load after the page, never server-rendered ones', () => {
    // a component with its styles in its JavaScript is loaded by import() (or only by modules that are): the
    // server-rendered markup, styled before hydration, never holds it
    const files = [...svelteFiles(join(root, 'src')), ...svelteFilesAndSources(join(root, 'src'))];
    const sources = new Map([...new Set(files)].map((f) => [f, readFileSync(f, 'utf8')]));
    const base = (f: string) => f.split(/[\\/]/).pop()!;
    const staticImporters = (name: string) => [...sources].filter(([, t]) => new RegExp(`^\\s*import\\s+\\w+\\s+from\\s+'[^']*/${name}'`, 'm').test(t)).map(([f]) => f);
    const dynamicallyImported = (name: string) => [...sources.values()].some((t) => t.includes(`import('./${name}')`) || new RegExp(`import\\('[^']*/${name}'\\)`).test(t));
    const late = [...sources.keys()].filter((f) => f.endsWith('.svelte') && injected(f));
    expect(late.length).toBeGreaterThanOrEqual(4);
    for (const f of late) {
      const name = base(f);
      const importers = staticImporters(name);
      expect(dynamicallyImported(name) || importers.length > 0, `${name} is loaded somewhere`).toBe(true);
      for (const i of importers) {
        expect(dynamicallyImported(base(i)) && staticImporters(base(i)).length === 0, `${name} is imported by ${base(i)}, which must itself load only by import()`).toBe(true);
      }
      if (importers.length === 0) expect(dynamicallyImported(name), `${name} loads by import()`).toBe(true);
    }
  });

  it('scopes each rule with the class the server-rendered markup carries', () => {
    const file = join(root, 'src/figures/kit/FigureFrame.svelte');
    // the server's compilation of the same component, with the options astro.config.mjs gives the Svelte plugin
    const server = compile(readFileSync(file, 'utf8'), { filename: file, generate: 'server', css: 'external', cssHash: cssHash(root) });
    const scope = /svelte-[a-z0-9]+/.exec(server.js.code)?.[0];
    expect(scope).toBeTruthy();
    const frame = css.get('src/figures/kit/FigureFrame.svelte')!;
    expect(frame).toContain(`.figure.${scope}`);
    // and the scope depends on the path from the root, not on where the checkout lies
    expect(cssHash('/elsewhere/')({ css: '', filename: '/elsewhere/src/figures/kit/FigureFrame.svelte', hash: (s) => s })).toBe('svelte-src/figures/kit/FigureFrame.svelte');
  });
});

describe("a figure's own CSS (its embed page)", () => {
  it('holds the components its folder reaches, lazily loaded ones included, and no other figure', () => {
    const parts = figureComponents(root, 'fgsm-sweep');
    for (const f of [
      'src/figures/fgsm-sweep/FgsmSweep.svelte',
      'src/figures/kit/FigureFrame.svelte',
      'src/figures/kit/ExportMenu.svelte',
      'src/figures/kit/chart/Line.svelte',
      // imported only when their panel opens (ModelChoice, DigitPicker)
      'src/figures/kit/controls/BringModel.svelte',
      'src/figures/kit/controls/DrawPad.svelte',
    ])
      expect(parts).toContain(f);
    expect(parts.filter((f) => f.startsWith('src/figures/') && !f.startsWith('src/figures/kit/') && !f.startsWith('src/figures/fgsm-sweep/'))).toEqual([]);
    // the 3-D surface reaches the slice's plane code but renders none of the slice's components
    expect(figureComponents(root, 'logit-surface')).not.toContain('src/figures/adversarial-slice/AdversarialSlice.svelte');
  });

  it("is the CSS of exactly those components, smaller than every component's", () => {
    const all = componentCss(root);
    const css = figureCss(root, 'adversarial-slice', all);
    const frame = /\.figure\.(svelte-[a-z0-9]+)/.exec(all.get('src/figures/kit/FigureFrame.svelte')!)![1];
    expect(css).toContain(frame);
    const sweep = /\.(svelte-[a-z0-9]+)/.exec(all.get('src/figures/fgsm-sweep/FgsmSweep.svelte')!)![1];
    expect(css).not.toContain(sweep);
    expect(css.length).toBeLessThan([...all.values()].join('').length / 2);
  });

  it('says so for a name that is not a figure', () => {
    expect(() => figureComponents(root, 'no-such-figure')).toThrow(/no-such-figure/);
  });
});

describe('font faces', () => {
  const require = createRequire(import.meta.url);
  const inter = readFileSync(require.resolve('@fontsource/inter/400.css'), 'utf8');
  const katex = readFileSync(require.resolve('katex/dist/katex.min.css'), 'utf8');

  it("keep only WOFF2 sources, and no faces for the scripts the text does not set", () => {
    const out = trimFontFaces(inter);
    expect(inter).toContain("format('woff')");
    expect(out).not.toMatch(/format\('woff'\)/);
    expect(out).toContain('inter-latin-400-normal.woff2');
    expect(out).toContain('inter-greek-400-normal.woff2');
    expect(out).toContain('inter-latin-ext-400-normal.woff2');
    expect(out).not.toContain('cyrillic');
    expect(out).not.toContain('greek-ext');
    // every kept face still has its unicode-range
    expect(out.match(/@font-face/g)!.length).toBe(out.match(/unicode-range/g)!.length);
    const k = trimFontFaces(katex);
    expect(k.match(/@font-face/g)!.length).toBe(katex.match(/@font-face/g)!.length);
    expect(k).not.toMatch(/format\("(woff|truetype)"\)/);
    expect(k.match(/format\("woff2"\)/g)!.length).toBe(katex.match(/@font-face/g)!.length);
    // the rest of KaTeX's stylesheet is untouched
    expect(k.replace(/@font-face\{[^}]*\}/g, '')).toBe(katex.replace(/@font-face\{[^}]*\}/g, ''));
  });

  it("KaTeX's stylesheet keeps every rule the article's formulas use, and no rule for a class they never have", async () => {
    const full = trimFontFaces(katex);
    const markup = articleMath();
    // the classes KaTeX wrote for the formulas of the sources, read from its markup here
    const used = new Set([...markup.matchAll(/class="([^"]*)"/g)].flatMap((m) => m[1].split(/\s+/)).filter(Boolean));
    expect(used.size).toBeGreaterThan(30);
    const cut = await cutKatexCss(full, markup);
    const rules = (css: string) => [...css.replace(/@font-face\{[^}]*\}/g, '').matchAll(/([^{}]+)\{[^{}]*\}/g)].map((m) => m[1].trim());
    const classesOf = (selector: string) => [...selector.matchAll(/\.([\w-]+)/g)].map((m) => m[1]);
    const kept = new Set(rules(cut).flatMap((r) => r.split(',')).map((s) => s.trim()));
    // every selector of the full sheet whose classes all occur in the markup is kept...
    const needed = rules(full)
      .filter((r) => !r.startsWith('@'))
      .flatMap((r) => r.split(','))
      .map((s) => s.trim())
      // (selectors of classes only: one that also names an element, .katex img, needs that element too)
      .filter((s) => /^\.[\w-]+(\s*[>\s]\s*\.[\w-]+|\.[\w-]+)*$/.test(s) && classesOf(s).every((c) => used.has(c)));
    expect(needed.length).toBeGreaterThan(30);
    expect(needed.filter((s) => !kept.has(s))).toEqual([]);
    // ...and no kept selector names a class that is not even a word of the markup (the cut keeps a rule for a word
    // that is only a tag or an attribute there, MathML's mover or stretchy, to be safe), the wrappers rehype-katex
    // writes aside
    const words = new Set(markup.match(/[\w-]+/g));
    const wrappers = new Set(['katex', 'katex-display', 'katex-html', 'katex-mathml', 'katex-error']);
    const named = (s: string) => classesOf(s.replace(/:not\([^)]*\)/g, ''));
    expect([...kept].flatMap(named).filter((c) => !words.has(c) && !wrappers.has(c))).toEqual([]);
    expect(kept.size).toBeLessThan(rules(full).flatMap((r) => r.split(',')).length / 3);
    // the faces kept are the ones the kept rules name, KaTeX_Main among them
    const faces = [...cut.matchAll(/@font-face\{[^}]*font-family:([\w_]+)/g)].map((m) => m[1]);
    expect(faces).toContain('KaTeX_Main');
    for (const f of faces) expect(cut.replace(/@font-face\{[^}]*\}/g, '')).toContain(f);
    // and every family a kept rule names, in `font` or `font-family`, keeps its faces
    const families = new Set([...cut.replace(/@font-face\{[^}]*\}/g, '').matchAll(/font(?:-family)?:([^;}]*)/g)].flatMap((m) => m[1].match(/KaTeX_\w+/g) ?? []));
    expect(families.size).toBeGreaterThan(3);
    for (const f of families) expect(faces).toContain(f);
    expect(faces.length).toBeLessThan(full.match(/@font-face/g)!.length);
    expect(cut.length).toBeLessThan(full.length * 0.4);
  });

  it('the text sets no character of the subsets left out (Cyrillic, extended Greek)', () => {
    const files = [...svelteFilesAndSources(join(root, 'src')), ...svelteFilesAndSources(join(root, 'content'))];
    expect(files.length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const f of files) {
      for (const ch of readFileSync(f, 'utf8')) {
        const c = ch.codePointAt(0)!;
        if (UNUSED_RANGES.some(([a, b]) => c >= a && c <= b)) found.push(`${relative(root, f)}: ${ch} (U+${c.toString(16)})`);
      }
    }
    expect(found, 'add the subset back in scripts/lib/font-faces.ts').toEqual([]);
  });
});

function svelteFilesAndSources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? svelteFilesAndSources(p) : /\.(svelte|ts|astro|mdx|md|bib|json)$/.test(n) ? [p] : [];
  });
}

describe('threaded wasm factory', () => {
  const require = createRequire(import.meta.url);
  const file = join(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'), '..', 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const source = readFileSync(file, 'utf8');

  it('recognises the installed version and moves _scriptDir inside the factory', () => {
    const out = selfContainedThreadedWasm(source);
    expect(out, 'the factory changed shape: the transform must follow it').not.toBeNull();
    // what the threads run: the factory's own source, evaluated where nothing of the module's closure exists
    const factory = new Function(`${out!}; return WasmBackendModuleThreadedSimd;`)() as (...a: unknown[]) => unknown;
    const text = factory.toString();
    expect(text).toMatch(/^function\(WasmBackendModuleThreadedSimd\) \{\n\s*var _scriptDir = /);
    // the untransformed factory refers to _scriptDir outside itself
    const original = (new Function(`${source}; return WasmBackendModuleThreadedSimd;`)() as () => unknown).toString();
    expect(original).not.toMatch(/var _scriptDir/);
    expect(original).toContain('_scriptDir');
  });

  it('leaves any other text alone', () => {
    expect(selfContainedThreadedWasm('var x = 1;')).toBeNull();
  });
});

/**
 * Every Svelte component's styles as one real stylesheet, built at build time.
 *
 * Vite 8 (Rolldown) under Astro 7 drops the CSS of Svelte components shared by several islands when the Svelte
 * plugin emits each component's CSS as its own module (`emitCss: true`; README, development notes). So the
 * components are compiled with `css: 'external'` (their JavaScript carries no styles), and this plugin compiles
 * each `.svelte` file under src/ once more, with the same options, and serves the CSS of all of them as the
 * virtual stylesheet `virtual:harnessing/islands.css`, which the layouts import after global.css. A figure's
 * server-rendered markup is therefore styled from the first paint, before its island hydrates, and without
 * JavaScript.
 *
 * The scoping classes (`svelte-xxxx`) must be the same in the islands and in this stylesheet: both use
 * `cssHash`, a hash of the component's path relative to the project's root.
 *
 * An embed page shows one figure, so it carries only that figure's styles: `virtual:harnessing/figure-css` maps each
 * figure's name to the CSS of the components its folder's modules reach through their imports, static and dynamic
 * (the kit's frame, menus, charts and controls included), and the embed layout writes it into the page
 * (`figureComponents`, `figureCss`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { transform } from 'lightningcss';
import { compile } from 'svelte/compiler';
import type { Plugin } from 'vite';

export const ISLAND_CSS_ID = 'virtual:harnessing/islands.css';
const RESOLVED = '\0harnessing-islands.css';
export const FIGURE_CSS_ID = 'virtual:harnessing/figure-css';
const FIGURE_RESOLVED = '\0harnessing-figure-css';

type CssHashInput = { css: string; filename: string | undefined; hash: (input: string) => string };

/** The scoping class of a component: its path from the root, hashed (the same on every machine). */
export function cssHash(root: string) {
  return ({ css, filename, hash }: CssHashInput): string => {
    const key = filename && filename !== '(unknown)' ? relative(root, filename).split(sep).join('/') : css;
    return `svelte-${hash(key)}`;
  };
}

function svelteFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) svelteFiles(path, out);
    else if (name.endsWith('.svelte')) out.push(path);
  }
  return out;
}

/** The CSS of every component under `src` (root-relative path → CSS), compiled as the islands are. */
export function componentCss(root: string, src = join(root, 'src')): Map<string, string> {
  const out = new Map<string, string>();
  for (const filename of svelteFiles(src)) {
    const source = readFileSync(filename, 'utf8');
    if (!/<style[\s>]/.test(source)) continue;
    const { css } = compile(source, { filename, generate: 'client', css: 'external', cssHash: cssHash(root) });
    const code = css?.code.trim();
    if (code) out.set(relative(root, filename).split(sep).join('/'), code);
  }
  return out;
}

/** Relative module specifiers of a source file: `import … from`, `export … from`, bare `import '…'` and `import('…')`. */
function relativeImports(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\1/g)) out.push(m[2]);
  return out;
}

/** The module a relative specifier names, or null when it is not a file of the project (a type-only path, a folder). */
function resolveModule(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const p of [base, `${base}.ts`, join(base, 'index.ts')]) {
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // not this one
    }
  }
  return null;
}

/**
 * The Svelte components a figure's island can render: every `.svelte` file reached from the modules in its folder
 * (src/figures/<name>/) through relative imports, static or dynamic, in root-relative form, sorted.
 */
export function figureComponents(root: string, name: string): string[] {
  const dir = join(root, 'src', 'figures', name);
  const todo = readdirSync(dir)
    .filter((f) => /\.(svelte|ts)$/.test(f))
    .map((f) => join(dir, f));
  if (todo.length === 0) throw new Error(`no modules in src/figures/${name}/: is "${name}" a figure?`);
  const seen = new Set<string>();
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!/\.(svelte|ts|js)$/.test(file)) continue;
    for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
      const next = resolveModule(file, spec);
      if (next && !seen.has(next)) todo.push(next);
    }
  }
  return [...seen]
    .filter((f) => f.endsWith('.svelte'))
    .map((f) => relative(root, f).split(sep).join('/'))
    .sort();
}

/** The figures: the folders under src/figures/ other than the kit. */
function figureNames(root: string): string[] {
  const dir = join(root, 'src', 'figures');
  return readdirSync(dir)
    .filter((n) => n !== 'kit' && statSync(join(dir, n)).isDirectory())
    .sort();
}

/** The CSS one figure's components need, minified (`css`: every component's, from `componentCss`). */
export function figureCss(root: string, name: string, css: Map<string, string> = componentCss(root)): string {
  const code = figureComponents(root, name)
    .filter((f) => css.has(f))
    .map((f) => css.get(f))
    .join('\n');
  return transform({ filename: `${name}.css`, code: Buffer.from(code), minify: true }).code.toString();
}

export function islandCss(root: string): Plugin {
  return {
    name: 'harnessing-island-css',
    resolveId(id) {
      if (id === ISLAND_CSS_ID) return RESOLVED;
      if (id === FIGURE_CSS_ID) return FIGURE_RESOLVED;
      return undefined;
    },
    load(id) {
      if (id === FIGURE_RESOLVED) {
        const css = componentCss(root);
        for (const file of css.keys()) this.addWatchFile(join(root, file));
        const map = Object.fromEntries(figureNames(root).map((n) => [n, figureCss(root, n, css)]));
        return `export default ${JSON.stringify(map)};`;
      }
      if (id !== RESOLVED) return undefined;
      const parts: string[] = [];
      for (const [file, css] of componentCss(root)) {
        this.addWatchFile(join(root, file));
        parts.push(`/* ${file} */\n${css}`);
      }
      return parts.join('\n');
    },
  };
}

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
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { compile } from 'svelte/compiler';
import type { Plugin } from 'vite';

export const ISLAND_CSS_ID = 'virtual:harnessing/islands.css';
const RESOLVED = '\0harnessing-islands.css';

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

export function islandCss(root: string): Plugin {
  return {
    name: 'harnessing-island-css',
    resolveId(id) {
      return id === ISLAND_CSS_ID ? RESOLVED : undefined;
    },
    load(id) {
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

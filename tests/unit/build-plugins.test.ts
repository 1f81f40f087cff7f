/**
 * The two build-time transforms of astro.config.mjs, on the real sources they work on:
 * every Svelte component's CSS in one stylesheet (scripts/lib/island-css.ts), and TensorFlow.js's threaded wasm
 * factory made self-contained (scripts/lib/threaded-wasm.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'svelte/compiler';
import { describe, expect, it } from 'vitest';
import { componentCss, cssHash } from '../../scripts/lib/island-css.ts';
import { selfContainedThreadedWasm } from '../../scripts/lib/threaded-wasm.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

function svelteFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? svelteFiles(p) : n.endsWith('.svelte') ? [p] : [];
  });
}

describe('island CSS', () => {
  const css = componentCss(root);

  it('holds the styles of every component that has a <style> block, and of no other', () => {
    const styled = svelteFiles(join(root, 'src'))
      .filter((f) => /<style[\s>]/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f).split('\\').join('/'))
      .sort();
    expect(styled.length).toBeGreaterThan(20);
    expect([...css.keys()].sort()).toEqual(styled);
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

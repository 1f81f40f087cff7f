/**
 * TensorFlow.js runs only in the compute worker. This follows every import
 * (static, dynamic — a template such as import(`./${name}/state.ts`) and an
 * `import.meta.glob` pattern stand for every file they can match — and
 * re-export; `import type` is erased and skipped) from
 * what runs on the page's own thread — every Svelte component and the
 * modules the pages' <script> blocks import — and fails if it reaches a
 * `@tensorflow/` package. The worker itself is started with
 * `new Worker(new URL(...))`, which is not an import and is not followed.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const src = join(root, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** The module specifiers a file imports at run time (type-only imports left out). */
export function runtimeImports(code: string): string[] {
  const out: string[] = [];
  // static imports and re-exports, possibly over several lines; `import type` / `export type` are erased
  const statement = /(?:^|[;\n])\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/g;
  for (const m of code.matchAll(statement)) {
    if (m[2]) continue;
    // `import { type A, type B } from` is erased too when every name is a type
    const names = m[3].replace(/[{}]/g, '').split(',').map((s) => s.trim()).filter(Boolean);
    if (m[3].includes('{') && !m[3].replace(/\{[^}]*\}/, '').replace(/,/g, '').trim() && names.length && names.every((n) => n.startsWith('type '))) continue;
    out.push(m[4]);
  }
  for (const m of code.matchAll(/(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]/g)) out.push(m[1]);
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]);
  // a template: each `${…}` becomes a wildcard over one path segment
  for (const m of code.matchAll(/\bimport\(\s*`([^`]+)`\s*\)/g)) out.push(m[1].replace(/\$\{[^}]*\}/g, '*'));
  for (const m of code.matchAll(/\bimport\.meta\.glob(?:<[^>]*>)?\(\s*(\[[^\]]*\]|['"][^'"]+['"])/g)) {
    for (const p of m[1].matchAll(/['"]([^'"]+)['"]/g)) if (!p[1].startsWith('!')) out.push(p[1]);
  }
  return out;
}

/** The files a relative specifier names: itself, or every file a wildcard pattern (`*`, `**`) matches. */
function resolveAll(from: string, spec: string): string[] {
  if (!spec.includes('*')) {
    const one = resolveLocal(from, spec);
    return one ? [one] : [];
  }
  const pattern = resolve(dirname(from), spec);
  const fixed = pattern.slice(0, pattern.indexOf('*'));
  const dir = fixed.endsWith('/') ? fixed : dirname(fixed);
  if (!existsSync(dir)) return [];
  const re = new RegExp(
    '^' +
      pattern
        .split(/(\*\*\/|\*)/)
        .map((part) => (part === '**/' ? '(?:.*/)?' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
  );
  return walk(dir).filter((f) => re.test(f));
}

function resolveLocal(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.js`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Every module reachable from `start`; returns the chain to the first `@tensorflow/` import, or null. */
function pathToTensorFlow(start: string, seen = new Set<string>()): string[] | null {
  if (seen.has(start)) return null;
  seen.add(start);
  const code = readFileSync(start, 'utf8');
  for (const spec of runtimeImports(code)) {
    if (spec.startsWith('@tensorflow/')) return [relative(root, start), spec];
    if (!spec.startsWith('.')) continue;
    for (const next of resolveAll(start, spec)) {
      if (!/\.(ts|js|svelte)$/.test(next)) continue;
      const chain = pathToTensorFlow(next, seen);
      if (chain) return [relative(root, start), ...chain];
    }
  }
  return null;
}

/** What the page's own thread runs: every Svelte component, and what the pages' <script> blocks import. */
function pageRoots(): string[] {
  const files = walk(src);
  const svelte = files.filter((f) => f.endsWith('.svelte'));
  const scripts: string[] = [];
  for (const f of files.filter((f) => f.endsWith('.astro'))) {
    for (const block of readFileSync(f, 'utf8').matchAll(/<script(?![^>]*is:inline)[^>]*>([\s\S]*?)<\/script>/g)) {
      for (const spec of runtimeImports(block[1])) {
        if (spec.startsWith('@tensorflow/')) scripts.push(`${f}#tensorflow`);
        if (spec.startsWith('.')) scripts.push(...resolveAll(f, spec));
      }
    }
  }
  return [...svelte, ...scripts];
}

describe('TensorFlow.js stays off the page', () => {
  it('finds the imports it must follow, and skips type-only ones', () => {
    const code = `import { a } from './a.ts';\nimport type { B } from './b.ts';\nimport { type C, type D } from './c.ts';\nexport { e } from './e.ts';\nimport './f.css';\nconst g = await import('./g.ts');\nimport {\n  h,\n  type H,\n} from './h.ts';`;
    expect(runtimeImports(code).sort()).toEqual(['./a.ts', './e.ts', './f.css', './g.ts', './h.ts']);
  });

  it('follows a template import and an import.meta.glob to every file they can match', () => {
    const code = "const s = await import(`./${name}/state.ts`);\nconst h = import.meta.glob<X>('../figures/*/compute.ts', { eager: true });";
    expect(runtimeImports(code)).toEqual(['./*/state.ts', '../figures/*/compute.ts']);
    const states = resolveAll(join(src, 'figures/index.ts'), './*/state.ts');
    expect(states.length).toBeGreaterThan(20);
    // the worker's handlers are found that way, and they do reach TensorFlow.js
    expect(pathToTensorFlow(join(src, 'compute/worker.ts'))).not.toBeNull();
    expect(resolveAll(join(src, 'compute/worker.ts'), '../figures/*/compute.ts').map((f) => relative(src, f))).toContain('figures/maxout-filters/compute.ts');
  });

  it('catches a module that reaches TensorFlow.js through a chain', () => {
    // the analysis modules import TensorFlow.js: the check must see it from them
    const chain = pathToTensorFlow(join(src, 'lib/analysis/logit-sweep.ts'));
    expect(chain?.at(-1)).toMatch(/^@tensorflow\//);
  });

  it('no island, component or page script reaches @tensorflow/*', () => {
    const roots = pageRoots();
    expect(roots.length).toBeGreaterThan(20);
    const offenders = roots.flatMap((r) => {
      if (r.endsWith('#tensorflow')) return [`${relative(root, r)}: imports TensorFlow.js directly`];
      const chain = pathToTensorFlow(r);
      return chain ? [chain.join(' → ')] : [];
    });
    expect(offenders).toEqual([]);
  });
});

/**
 * A figure is one folder: the folders, the article's order (src/figures/index.ts) and the one list of
 * islands (src/figures/FigureIsland.astro) must name the same figures, each folder holding its island
 * (named after the figure) and a state.ts whose meta names the folder.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { figures, infoOf, order } from '../../src/figures/index.ts';

const root = join(import.meta.dirname, '../../src/figures');
const folders = readdirSync(root).filter((f) => f !== 'kit' && statSync(join(root, f)).isDirectory());
const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
const islandList = readFileSync(join(root, 'FigureIsland.astro'), 'utf8');

describe('one folder per figure', () => {
  it('the folders are the figures of the article’s order, each once', () => {
    expect(new Set(order).size).toBe(order.length);
    expect([...folders].sort()).toEqual([...order].sort());
  });

  it('each folder holds its island, named after the figure, and a state.ts whose meta names the folder', async () => {
    for (const name of folders) {
      expect(existsSync(join(root, name, `${pascal(name)}.svelte`)), `${name}/${pascal(name)}.svelte`).toBe(true);
      const info = infoOf(await import(join(root, name, 'state.ts')));
      expect(info.name).toBe(name);
      expect(info.title.length).toBeGreaterThan(5);
      expect(info.caption.length).toBeGreaterThan(5);
    }
  });

  it('FigureIsland.astro imports each figure’s island once and renders it under its name, in the same order', () => {
    const imports = [...islandList.matchAll(/^import (\w+) from '\.\/([\w-]+)\/(\w+)\.svelte';$/gm)].map((m) => ({ component: m[1], folder: m[2], file: m[3] }));
    expect(imports.map((i) => i.folder)).toEqual([...order]);
    for (const i of imports) {
      expect(i.file).toBe(pascal(i.folder));
      expect(islandList).toContain(`{name === '${i.folder}' && `);
      // both places: the article (or the hero's client:load) and the embed page
      const line = islandList.split('\n').find((l) => l.startsWith(`{name === '${i.folder}' && `))!;
      expect(line).toContain(`<${i.component} client:load`);
    }
  });

  it('the registry takes title, chapter and step count from each figure’s own state', async () => {
    const hero = await import('../../src/figures/fgsm-hero/state.ts');
    const info = figures.find((f) => f.name === 'fgsm-hero')!;
    expect(info.title).toBe(hero.meta.title);
    expect(info.steps).toBe(hero.fgsmHeroSteps.length);
    expect(figures.find((f) => f.name === 'reproduce-table')!.steps).toBeUndefined();
  });
});
